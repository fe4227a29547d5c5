import { allProcessVersions, processVersion, type CompiledPartnership, type CompiledProcess } from '../engine/catalogue.ts';
import { PSEUDO_ROLES } from '../engine/definition.ts';
import { CALENDAR_CHANGED_EVENT, VERSION_MIGRATED_EVENT } from '../engine/project.ts';
import { addCalendarDays, dateInZone, isIsoDate } from '../engine/dates/index.ts';
import type { IsoDate } from '../engine/definition.ts';
import { readPath } from '../engine/expressions.ts';
import { BadRequestError } from '../engine/errors.ts';
import type { Connection } from '../store/database.ts';
import {
  answerCounts,
  casesCreatedOnUtcDates,
  casesForPeriod,
  deadlineCounts,
  historyOnUtcDates,
  transitionCounts,
  type AnswerCount,
  type CaseDateRow,
  type DeadlineCount,
  type HistoryKey,
  type HistoryQuery,
  type HistoryRow,
  type TransitionCount,
} from '../store/reports.ts';
import type { SqlFilter } from './access.ts';
import { deadlineGroupLabel, deadlineOf } from './deadline-groups.ts';

/** Open ends of a report's range. */
export const OPEN_FROM = '0000-01-01';
export const OPEN_TO = '9999-12-31';

/**
 * A report's period: dates in the partnership's time zone, inclusive. History keeps exact instants;
 * a transition is in the period when its date *in that zone* is (00:30 in London on 2 April is 2 April,
 * though it is still 1 April in UTC).
 */
export interface Period {
  from: string;
  to: string;
  timeZone: string;
}

/**
 * The UTC dates an instant whose date in the period's zone lies in the period can have: one day
 * either side, enough for any zone less than a day from UTC. Query on these, then keep `inPeriod`.
 */
export function utcDatesAround(period: Period): { from: string; to: string } {
  return {
    from: period.from <= OPEN_FROM ? period.from : addCalendarDays(period.from, -1),
    to: period.to >= OPEN_TO ? period.to : addCalendarDays(period.to, 1),
  };
}

/** True when the instant's date in the period's zone is in the period. */
export function inPeriod(at: string, period: Period): boolean {
  const date = dateInZone(at, period.timeZone);
  return date >= period.from && date <= period.to;
}

/** Rows of the widened query that are in the period, oldest first (ties in the order they were written). */
export function historyInPeriod(rows: readonly HistoryRow[], period: Period): HistoryRow[] {
  return rows
    .filter((row) => inPeriod(row.at, period))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.position - b.position);
}

/**
 * The date a case happened, as reports count it: its process's `reports.caseDate` field when the
 * case has it (a serious incident's awareOn), else the date it was recorded in the partnership's zone.
 */
export function caseDateOf(row: CaseDateRow, timeZone: string): string {
  return typeof row.caseDate === 'string' && isIsoDate(row.caseDate) ? row.caseDate : dateInZone(row.createdAt, timeZone);
}

export interface EscalationLogRow {
  caseId: string;
  at: string;
  by: string;
  from: string | null;
  to: string;
  event: string;
  reason: string | null;
  outcome: string | null;
  /** What people read beside the codes above: the case's reference, and labels. */
  reference: string | null;
  processTitle: string;
  eventLabel: string;
  fromLabel: string | null;
  toLabel: string;
  /** The username, or what the engine's own steps are called. */
  byLabel: string;
  /** `at` as a date and time in the partnership's zone, as UK spreadsheets read it: `01/04/2026 23:30`. */
  atLocal: string;
}

/** Who the engine's own steps (its timers, a calendar change) are by, in words. */
export const SYSTEM_LABEL = 'The service (automatic)';

/** An instant as `DD/MM/YYYY HH:MM` in a time zone (24-hour clock). */
export function ukDateTime(at: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone,
  }).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}/${part('month')}/${part('year')} ${part('hour')}:${part('minute')}`;
}

/** What a step was called: the event's label as configured where it was sent, the start's, or the engine's own. */
function stepLabel(process: CompiledProcess, row: HistoryRow): string {
  if (row.from === null) return process.def.start.label ?? 'Raised';
  if (row.type === CALENDAR_CHANGED_EVENT && row.by === PSEUDO_ROLES.system) return 'Deadlines moved by a change to the bank holidays';
  if (row.type === VERSION_MIGRATED_EVENT && row.by === PSEUDO_ROLES.system) return `Moved to version ${String(row.data.toVersion)} of the process`;
  return process.events.get(row.from)?.get(row.type)?.label ?? row.type;
}

/** The escalation log's CSV: a header row people read, and the labels, not the codes. */
export const ESCALATION_LOG_CSV: readonly { header: string; value: (row: EscalationLogRow) => unknown }[] = [
  { header: 'Reference', value: (r) => r.reference },
  { header: 'Process', value: (r) => r.processTitle },
  { header: 'Date and time', value: (r) => r.atLocal },
  { header: 'By', value: (r) => r.byLabel },
  { header: 'What happened', value: (r) => r.eventLabel },
  { header: 'From stage', value: (r) => r.fromLabel },
  { header: 'To stage', value: (r) => r.toLabel },
  { header: 'Reason', value: (r) => r.reason },
  { header: 'Outcome', value: (r) => r.outcome },
];

const ESCALATION_LOG_HEADERS = ESCALATION_LOG_CSV.map((c) => c.header);

/** The CSV's first line. A byte order mark, so that Excel reads the file as UTF-8 (names and text with accents, dashes). */
export function escalationLogCsvHeader(): string {
  return `\uFEFF${ESCALATION_LOG_HEADERS.join(',')}\r\n`;
}

/** CSV lines for rows, without the header: the log streams in pieces (one per page read). */
export function escalationLogCsvLines(rows: readonly EscalationLogRow[]): string {
  return rows.map((row) => csvLine(ESCALATION_LOG_CSV.map((c) => c.value(row)))).join('');
}

export function escalationLogCsv(rows: readonly EscalationLogRow[]): string {
  return escalationLogCsvHeader() + escalationLogCsvLines(rows);
}

/**
 * The escalation log's paging cursor: where the last page ended in the (at, position) order of
 * history, opaque to clients. It names no filter, so the same cursor read with another range or
 * reader simply continues from that point in time.
 */
export function encodeLogCursor(key: HistoryKey): string {
  return Buffer.from(JSON.stringify([key.at, key.position])).toString('base64url');
}

export function decodeLogCursor(cursor: string): HistoryKey {
  const refuse = () => new BadRequestError('after must be the cursor a page of the escalation log gave (its Link rel="next"); start again without it');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw refuse();
  const [at, position] = parsed as unknown[];
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || !Number.isSafeInteger(position) || (position as number) < 0) throw refuse();
  return { at, position: position as number };
}

function firstText(data: Record<string, unknown>, fields: string[]): string | null {
  for (const field of fields) {
    const value = readPath(data, field);
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return null;
}

/** Processes that keep an escalation log, and which fields give each entry's reason and outcome. */
export function escalationLogProcesses(partnership: CompiledPartnership) {
  return [...partnership.processes.values()].flatMap((p) => (p.def.reports?.escalationLog ? [{ id: p.def.id, log: p.def.reports.escalationLog }] : []));
}

/** The log's rows from history already cut to the period (see `historyInPeriod`). */
export function escalationLog(partnership: CompiledPartnership, rows: HistoryRow[]): EscalationLogRow[] {
  const logs = new Map(escalationLogProcesses(partnership).map((p) => [p.id, p.log]));
  return rows.flatMap((row) => {
    const log = logs.get(row.process);
    const process = partnership.processes.get(row.process);
    if (log === undefined || process === undefined) return [];
    const state = (id: string) => process.def.states[id]?.label ?? id;
    return [
      {
        caseId: row.caseId,
        at: row.at,
        by: row.by,
        from: row.from,
        to: row.to,
        event: row.type,
        reason: firstText(row.data, log.reason),
        outcome: firstText(row.data, log.outcome),
        reference: row.reference ?? null,
        processTitle: process.def.title,
        eventLabel: stepLabel(process, row),
        fromLabel: row.from === null ? null : state(row.from),
        toLabel: state(row.to),
        byLabel: row.by === PSEUDO_ROLES.system ? SYSTEM_LABEL : row.by,
        atLocal: ukDateTime(row.at, partnership.def.timeZone),
      },
    ];
  });
}

/** CSV as spreadsheets read it (see `csvLine`); the header row as written. */
export function toCsv(columns: readonly string[], rows: Record<string, unknown>[]): string {
  return `${columns.join(',')}\r\n${rows.map((row) => csvLine(columns.map((c) => row[c]))).join('')}`;
}

/** One CSV line; a cell that starts like a formula is quoted with a leading apostrophe. */
function csvLine(cells: readonly unknown[]): string {
  const cell = (value: unknown) => {
    let text = value === null || value === undefined ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${cells.map(cell).join(',')}\r\n`;
}

export interface ProcessSummary {
  process: string;
  title: string;
  opened: number;
  closed: Record<string, number>;
  outcomes: Record<string, Record<string, number>>;
  /** `corrected`: how many of them a correction changed the met or missed result of (the other counts are as corrected). */
  deadlines: Record<string, { label: string; met: number; missed: number; overdue: number; open: number; corrected: number }>;
}

/**
 * What the yearly summary is counted from, all of it already inside the period: steps counted by
 * kind, the steps of the outcome events themselves (their answers are counted), cases opened per
 * process, deadlines due in the period counted by kind.
 */
export interface SummaryCounts {
  transitions: readonly TransitionCount[];
  outcomeSteps: readonly HistoryRow[];
  /** Outcome answers counted already (by the database), beside those of `outcomeSteps`. */
  outcomeAnswers: readonly OutcomeAnswers[];
  opened: ReadonlyMap<string, number>;
  deadlines: readonly DeadlineCount[];
}

/** The answers steps of `event` gave to the top-level field of `field`, of one process's cases. */
export interface OutcomeAnswers {
  process: string;
  event: string;
  field: string;
  answers: readonly AnswerCount[];
}

/** The items an answer counts as, as `valuesAt` reads them from the step's data. */
function answerItems(answer: AnswerCount, field: string): unknown[] {
  const [head, ...rest] = field.split('.');
  if (answer.json === 'array' || answer.json === 'object') return valuesAt({ [head!]: JSON.parse(String(answer.value)) }, field);
  if (rest.length > 0 || answer.json === 'null') return [];
  // SQLite answers a JSON true or false as 1 or 0: the type says which it was.
  if (answer.json === 'true' || answer.json === 'false') return [answer.json === 'true'];
  return [answer.value];
}

/**
 * The yearly summary: what happened inside the period, whatever the cases did before or after it.
 * A case is opened in the period of its own date (`caseDateOf`: when it happened, not when it was
 * entered); closings and outcomes count on the date, in the partnership's zone, of the transition;
 * deadlines in the period their due date falls in.
 */
export function summariseCounts(partnership: CompiledPartnership, counts: SummaryCounts): ProcessSummary[] {
  return [...partnership.processes.values()].map((process) => {
    const { def } = process;
    // Each case's states are its own version's (a state an older version had may be final there only).
    const statesOf = (version: number | undefined) => (version === undefined ? def : (processVersion(partnership, def.id, version)?.process.def ?? def)).states;
    const isFinalIn = (version: number | undefined) => (state: string | null) => state !== null && statesOf(version)[state]?.final === true;
    const closed: Record<string, number> = {};
    for (const t of counts.transitions.filter((t) => t.process === def.id)) {
      const isFinal = isFinalIn(t.processVersion);
      if (isFinal(t.to) && !isFinal(t.from)) closed[t.to] = (closed[t.to] ?? 0) + t.count;
    }
    const outcomes: ProcessSummary['outcomes'] = {};
    for (const { event, field, label } of def.reports?.outcomes ?? []) {
      const tally: Record<string, number> = {};
      for (const row of counts.outcomeSteps.filter((r) => r.process === def.id && r.type === event)) {
        for (const item of valuesAt(row.data, field)) {
          if (item === undefined || item === null) continue;
          tally[String(item)] = (tally[String(item)] ?? 0) + 1;
        }
      }
      for (const counted of counts.outcomeAnswers.filter((a) => a.process === def.id && a.event === event && a.field === field)) {
        for (const answer of counted.answers) {
          for (const item of answerItems(answer, field)) {
            if (item === undefined || item === null) continue;
            tally[String(item)] = (tally[String(item)] ?? 0) + answer.count;
          }
        }
      }
      outcomes[label ?? `${event}.${field}`] = tally;
    }
    const deadlineCounts: ProcessSummary['deadlines'] = {};
    for (const d of counts.deadlines.filter((d) => d.process === def.id)) {
      const id = deadlineOf(def, d.id);
      const entry = (deadlineCounts[id] ??= { label: deadlineLabel(partnership, def.id, id), met: 0, missed: 0, overdue: 0, open: 0, corrected: 0 });
      if (d.corrected) entry.corrected += d.count;
      if (d.met === true) entry.met += d.count;
      else if (d.met === false) entry.missed += d.count;
      else if (d.satisfiable && !d.final && d.past) entry.overdue += d.count;
      else entry.open += d.count;
    }
    return { process: def.id, title: def.title, opened: counts.opened.get(def.id) ?? 0, closed, outcomes, deadlines: deadlineCounts };
  });
}

/**
 * The UTC dates inside which every instant is in the period whatever the zone (one day in from each
 * end, as `utcDatesAround` is one day out), and those around them whose instants must each be placed
 * by their date in the zone: the first counted from aggregates, the second from their rows.
 */
export function utcDatesWithin(period: Period): { inside: { from: string; to: string } | null; edges: { from: string; to: string }[] } {
  const around = utcDatesAround(period);
  const openFrom = period.from <= OPEN_FROM;
  const openTo = period.to >= OPEN_TO;
  // No day lies before the calendar's first or after its last: a period ending on the first day (or starting
  // on the last) has no inner days, only its edge.
  if ((!openTo && period.to <= OPEN_FROM) || (!openFrom && period.from >= OPEN_TO)) return { inside: null, edges: [around] };
  const inside = { from: openFrom ? period.from : addCalendarDays(period.from, 1), to: openTo ? period.to : addCalendarDays(period.to, -1) };
  if (inside.from > inside.to) return { inside: null, edges: [around] };
  const edges = [...(openFrom ? [] : [{ from: around.from, to: period.from }]), ...(openTo ? [] : [{ from: period.to, to: around.to }])];
  return { inside, edges };
}

/**
 * The yearly summary counted in the database: the steps of the period's inner days from
 * `history_day_counts`, its deadlines from `deadline_counts` (server/store/aggregates.ts), the cases
 * created and the outcome answers of its inner days counted by SQL; only the steps and cases of its
 * first and last days, and the candidates of a process with a case date, are read as rows. `readable` is the reader's filter over cases
 * aliased `c`: every figure counts only the cases they may read.
 */
export async function readYearlySummary(db: Connection, partnership: CompiledPartnership, readable: SqlFilter, period: Period, today: IsoDate): Promise<ProcessSummary[]> {
  const p = partnership.def.id;
  const processes = [...partnership.processes.values()];
  const ids = processes.map((x) => x.def.id);
  const around = utcDatesAround(period);
  const { inside, edges } = utcDatesWithin(period);
  const query = (dates: { from: string; to: string }): HistoryQuery => ({ partnership: p, processes: ids, readable, fromUtc: dates.from, toUtc: dates.to });
  const edgeSteps = historyInPeriod((await Promise.all(edges.map((edge) => historyOnUtcDates(db, query(edge))))).flat(), period);
  // The outcomes' answers on the inner days counted in the database; the edges' are in `edgeSteps`.
  const outcomeAnswers: OutcomeAnswers[] = [];
  for (const x of inside === null ? [] : processes) {
    for (const { event, field } of x.def.reports?.outcomes ?? []) {
      const answers = await answerCounts(db, { ...query(inside!), processes: [x.def.id] }, event, field.split('.')[0]!);
      outcomeAnswers.push({ process: x.def.id, event, field, answers });
    }
  }
  const transitions: TransitionCount[] = [
    ...(inside === null ? [] : await transitionCounts(db, query(inside))),
    ...edgeSteps.map((h) => ({ process: h.process, processVersion: h.processVersion ?? 0, type: h.type, from: h.from, to: h.to, count: 1 })),
  ];
  const opened = new Map<string, number>();
  for (const x of processes) {
    const caseDate = x.def.reports?.caseDate;
    const inPeriodOf = (c: CaseDateRow) => {
      const date = caseDateOf(c, period.timeZone);
      return date >= period.from && date <= period.to;
    };
    if (caseDate !== undefined || inside === null) {
      const candidates = await casesForPeriod(db, p, x.def.id, caseDate, readable, { from: period.from, to: period.to, createdFromUtc: around.from, createdToUtc: around.to });
      opened.set(x.def.id, candidates.filter(inPeriodOf).length);
      continue;
    }
    // No case date: a case's date is its creation's, so the inner days are counted whole.
    let n = await casesCreatedOnUtcDates(db, p, x.def.id, readable, inside.from, inside.to);
    for (const edge of edges) {
      const range = { from: period.from, to: period.to, createdFromUtc: edge.from, createdToUtc: edge.to };
      n += (await casesForPeriod(db, p, x.def.id, undefined, readable, range)).filter(inPeriodOf).length;
    }
    opened.set(x.def.id, n);
  }
  const deadlines = await deadlineCounts(db, p, readable, { from: period.from, to: period.to, today });
  return summariseCounts(partnership, { transitions, outcomeSteps: edgeSteps, outcomeAnswers, opened, deadlines });
}

/** A deadline's label as the newest version of the process that has it says (an older version's when only it has it). */
function deadlineLabel(partnership: CompiledPartnership, processId: string, deadlineId: string): string {
  const versions = allProcessVersions(partnership).filter((p) => p.def.id === processId);
  const newest = partnership.processes.get(processId);
  const having = [...(newest === undefined ? [] : [newest]), ...versions.reverse()].find((p) => p.def.deadlines?.[deadlineId] !== undefined);
  return (having === undefined ? undefined : deadlineGroupLabel(having.def, deadlineId)) ?? deadlineId;
}

/**
 * The answers at a dotted path, through lists on the way: `learningOutputs.kind` is the kind of each
 * output recorded, so a summary counts outputs by kind; a list at the end counts each of its items.
 */
export function valuesAt(data: unknown, path: string): unknown[] {
  let values: unknown[] = [data];
  for (const key of path.split('.')) {
    values = values
      .flatMap((value) => (Array.isArray(value) ? value : [value]))
      .map((value) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined));
  }
  return values.flatMap((value) => (Array.isArray(value) ? value : [value]));
}
