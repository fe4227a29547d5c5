/**
 * The annual report's tables: for one financial year (April to March), what each process's
 * `reports.tables` says to count, by the date things happened in the partnership's zone. Every
 * case is replayed from its history: once whole (what is known now, corrections applied) and once
 * up to the year's last instant (the state it was in then). Pure: histories in, tables out.
 */
import { processVersion, type CompiledPartnership, type CompiledProcess } from '../engine/catalogue.ts';
import type { IsoDate, ReportGrouping, ReportRowDef, ReportTableDef } from '../engine/definition.ts';
import { addCalendarDays, dateInZone, isIsoDate } from '../engine/dates/index.ts';
import { evaluateCondition, readPath } from '../engine/expressions.ts';
import { environment, project, type HistoryStep, type Projection } from '../engine/project.ts';
import type { CaseHistory } from '../store/reports.ts';
import { answerOptions, type AnswerOption } from './answer-labels.ts';
import { deadlineGroupLabel, deadlineOf } from './deadline-groups.ts';
import { caseDateOf, toCsv, valuesAt } from './reports.ts';

/** A financial year: 1 April of `year` to 31 March of the next, dates in `timeZone`. */
export interface FinancialYear {
  year: number;
  from: IsoDate;
  to: IsoDate;
  timeZone: string;
}

export function financialYear(year: number, timeZone: string): FinancialYear {
  return { year, from: `${year}-04-01` as IsoDate, to: `${year + 1}-03-31` as IsoDate, timeZone };
}

/** The financial year a date falls in. */
export function financialYearOf(date: IsoDate, timeZone: string): FinancialYear {
  const year = Number(date.slice(0, 4));
  return financialYear(date.slice(5) >= '04-01' ? year : year - 1, timeZone);
}

export interface TableColumn {
  id: string;
  label: string;
  numeric: boolean;
}

export interface TableRow {
  label: string;
  values: Record<string, number>;
}

export interface AnnualTable {
  id: string;
  title: string;
  description: string | null;
  chart: boolean;
  /** The first column is the rows' labels (`id` "label"); the others are counts. */
  columns: TableColumn[];
  rows: TableRow[];
  /** Each count column's total: what was counted, once each, though it falls in several rows. */
  total: Record<string, number>;
}

export interface AnnualReport {
  year: number;
  from: IsoDate;
  to: IsoDate;
  tables: AnnualTable[];
}

/** The row of what a field does not answer. */
export const NOT_RECORDED = 'Not recorded';

/** A case read back from its history: as it is now, and as it was at the year's last instant. */
interface Replayed {
  partnership: CompiledPartnership;
  process: CompiledProcess;
  steps: readonly HistoryStep[];
  now: Projection;
  atYearEnd: Projection | undefined;
  /** The states it entered up to the year's end, in order. */
  entered: string[];
  caseDate: IsoDate;
}

/** One thing a table counts: a case, a step or an item, the answers its rows read, and when it happened. */
interface Subject {
  data: Record<string, unknown>;
  /** When it happened, as the table reads it. */
  date: IsoDate;
  /** When it happened as another date field says (a row's own `date`). */
  dateOf(field: string): IsoDate;
  type: string | null;
  replayed: Replayed;
  overdue: boolean;
}

function replay(partnership: CompiledPartnership, newest: CompiledProcess, history: CaseHistory, year: FinancialYear): Replayed | undefined {
  // Each case under its own version's rules, as everywhere else.
  const under = processVersion(partnership, history.process, history.processVersion) ?? { partnership, process: newest };
  const now = project(under.partnership, under.process, history.steps);
  if (now === undefined) return undefined;
  const byYearEnd = history.steps.filter((step) => dateInZone(step.at, year.timeZone) <= year.to);
  const caseDateField = newest.def.reports?.caseDate;
  const caseDate = caseDateOf(
    { id: history.id, process: history.process, createdAt: now.createdAt, caseDate: caseDateField === undefined ? null : readPath(now.data, caseDateField) },
    year.timeZone,
  ) as IsoDate;
  return {
    ...under,
    steps: history.steps,
    now,
    atYearEnd: byYearEnd.length === 0 ? undefined : project(under.partnership, under.process, byYearEnd),
    entered: byYearEnd.map((step) => step.to),
    caseDate,
  };
}

const inYear = (date: IsoDate, year: FinancialYear) => date >= year.from && date <= year.to;

/** An item as its fields: a list of plain values (themes) is read as items `{value}`. */
function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
}

function holds(row: ReportRowDef, subject: Subject, year: FinancialYear): boolean {
  if (row.events !== undefined && (subject.type === null || !row.events.includes(subject.type))) return false;
  if (!inYear(row.date === undefined ? subject.date : subject.dateOf(row.date), year)) return false;
  if (row.when === undefined) return true;
  const { partnership, process, now } = subject.replayed;
  return evaluateCondition(row.when, environment(partnership, process, subject.data, now.deadlines, subject.date));
}

/**
 * The date a step happened: its `date` answer when given, read from the case's facts (so a
 * correction counts) else from the step, and without one the day it was recorded.
 */
function stepDate(step: HistoryStep, replayed: Replayed, dateField: string | undefined, timeZone: string): IsoDate {
  if (dateField !== undefined) {
    const fact = readPath(replayed.now.data, dateField);
    if (isIsoDate(fact)) return fact;
    const own = readPath(step.data, dateField);
    if (isIsoDate(own)) return own;
  }
  return dateInZone(step.at, timeZone);
}

/** The steps a table (or one of its rows) may count, whatever their date: rows with a `date` of their own decide theirs. */
function candidateSteps(
  def: { events?: string[]; to?: string[]; rows?: ReportRowDef[]; date?: string },
  cases: readonly Replayed[],
  year: FinancialYear,
): (Omit<Subject, 'overdue'> & { step: HistoryStep })[] {
  const named = def.events ?? (def.to === undefined ? (def.rows ?? []).flatMap((r) => r.events ?? []) : []);
  return cases.flatMap((replayed) =>
    replayed.steps.flatMap((step) => {
      const arrives = def.to !== undefined && def.to.includes(step.to) && step.from !== step.to;
      if (!named.includes(step.type) && !arrives) return [];
      // The step's own answers over the case's: a review's outcome is that review's.
      const data = { ...replayed.now.data, ...step.data };
      return [{ step, data, type: step.type, replayed, date: stepDate(step, replayed, def.date, year.timeZone), dateOf: (field: string) => stepDate(step, replayed, field, year.timeZone) }];
    }),
  );
}

/** A table's rows: their labels in order, and which of them each subject falls in. */
interface Rows {
  labels: string[];
  of(subject: Subject): string[];
}

function rowsOf(
  table: ReportTableDef & { by?: ReportGrouping; rows?: ReportRowDef[] },
  process: CompiledProcess,
  partnership: CompiledPartnership,
  events: readonly string[],
  year: FinancialYear,
): Rows {
  if (table.rows !== undefined) {
    const rows = table.rows;
    return { labels: rows.map((r) => r.label), of: (subject) => rows.filter((r) => holds(r, subject, year)).map((r) => r.label) };
  }
  const by = table.by;
  if (by === undefined) return { labels: [], of: () => [] };
  // An item's field is worded by the form that asks for the list.
  const asked = table.count === 'items' ? `${table.list}.` : '';
  // A list that declares its statuses words them itself (an action's "In progress").
  const statuses = table.count === 'items' ? process.def.lists?.[table.list]?.status : undefined;
  const declared = statuses !== undefined && 'field' in by && by.field === statuses.field ? statuses.values.map((v) => ({ value: v.id, label: v.label })) : [];
  const grouped = groupedBy(by, process, partnership, events, asked, declared);
  return { labels: grouped.labels, of: (subject) => (inYear(subject.date, year) ? grouped.of(subject) : []) };
}

function groupedBy(
  by: ReportGrouping,
  process: CompiledProcess,
  partnership: CompiledPartnership,
  events: readonly string[],
  asked: string,
  declared: AnswerOption[],
): Rows {
  if ('field' in by) {
    // An item's field as the list declares it, or as the form holding the list asks it, else as the form that adds items asks it.
    const listed = asked === '' ? [] : answerOptions(partnership, process, `${asked}${by.field}`, events);
    const options = declared.length > 0 ? declared : listed.length > 0 ? listed : answerOptions(partnership, process, by.field, events);
    const labelOf = new Map(options.map((o) => [o.value, o.label]));
    return {
      labels: options.map((o) => o.label),
      of: (subject) => {
        const values = valuesAt(subject.data, by.field).filter((v) => v !== undefined && v !== null && v !== '');
        if (values.length === 0) return [NOT_RECORDED];
        return [...new Set(values.map((v) => labelOf.get(String(v)) ?? String(v)))];
      },
    };
  }
  if ('stateReached' in by) {
    const label = (state: string) => process.def.states[state]?.label ?? state;
    return {
      labels: by.stateReached.map(label),
      of: (subject) => {
        const furthest = [...by.stateReached].reverse().find((state) => subject.replayed.entered.includes(state));
        return [furthest === undefined ? NOT_RECORDED : label(furthest)];
      },
    };
  }
  const { unit, bands } = by.timeTaken;
  return {
    labels: bands.map((b) => b.label),
    of: (subject) => {
      const start = subject.replayed.caseDate;
      const calendar = subject.replayed.partnership.calendar;
      // "Within N working days of D" as deadlines count it: on or before the N-th working day after D.
      const band = bands.find(
        (b) => b.upTo === undefined || subject.date <= (unit === 'workingDays' ? calendar.addWorkingDays(start, b.upTo) : addCalendarDays(start, b.upTo)),
      );
      return band === undefined ? [] : [band.label];
    },
  };
}

function isOverdue(item: Record<string, unknown>, table: ReportTableDef & { count: 'items' }, replayed: Replayed, year: FinancialYear): boolean {
  if (table.overdue === undefined) return false;
  const due = readPath(item, table.overdue.due);
  if (!isIsoDate(due) || due >= year.to) return false;
  return !evaluateCondition(table.overdue.done, environment(replayed.partnership, replayed.process, item, replayed.now.deadlines, year.to));
}

/** The subjects of a table that counts cases, steps or items. */
function subjectsOf(table: ReportTableDef, cases: readonly Replayed[], year: FinancialYear): Subject[] {
  switch (table.count) {
    case 'cases':
      return cases.map((replayed) => ({ data: replayed.now.data, date: replayed.caseDate, dateOf: () => replayed.caseDate, type: null, replayed, overdue: false }));
    case 'events':
      return candidateSteps(table, cases, year).map((subject) => ({ ...subject, overdue: false }));
    case 'items': {
      const itemsOf = (list: unknown) => (Array.isArray(list) ? list.map(asRecord) : []);
      if (table.events !== undefined) {
        return candidateSteps(table, cases, year).flatMap((subject) =>
          itemsOf(readPath(subject.step.data, table.list)).map((item) => ({ ...subject, data: item, overdue: false })),
        );
      }
      // The list as each case held it at the year's last instant.
      return cases.flatMap((replayed) =>
        itemsOf(replayed.atYearEnd === undefined ? undefined : readPath(replayed.atYearEnd.data, table.list)).map((item) => ({
          data: item,
          date: year.to,
          dateOf: () => year.to,
          type: null,
          replayed,
          overdue: isOverdue(item, table, replayed, year),
        })),
      );
    }
    case 'deadlines':
    case 'openAtYearEnd':
      return [];
  }
}

const COUNT = 'count';
const OVERDUE = 'overdue';

/** One process's part of a table. */
function countTable(partnership: CompiledPartnership, process: CompiledProcess, table: ReportTableDef, cases: readonly Replayed[], year: FinancialYear): AnnualTable {
  const base = { id: table.id, title: table.title, description: table.description ?? null, chart: table.chart === true };
  const labelColumn: TableColumn = { id: 'label', label: table.rowHeader, numeric: false };
  if (table.count === 'deadlines') {
    const columns = [labelColumn, { id: 'met', label: 'Met', numeric: true }, { id: 'missed', label: 'Missed', numeric: true }, { id: 'open', label: 'Not met yet', numeric: true }];
    const rows = table.deadlines.map((id) => {
      const values = { met: 0, missed: 0, open: 0 };
      for (const replayed of cases) {
        // What is known now: a deadline due in the year and met after it, by a date recorded late, is met.
        for (const d of replayed.now.deadlines) {
          if (deadlineOf(process.def, d.id) !== id || !inYear(d.due, year) || d.satisfiedBy === null) continue;
          values[d.met === true ? 'met' : d.met === false ? 'missed' : 'open']++;
        }
      }
      return { label: deadlineGroupLabel(process.def, id) ?? id, values };
    });
    const total = Object.fromEntries(columns.slice(1).map((c) => [c.id, rows.reduce((sum, r) => sum + (r.values[c.id as keyof typeof r.values] ?? 0), 0)]));
    return { ...base, columns, rows, total };
  }
  if (table.count === 'openAtYearEnd') {
    const open = cases.flatMap((c) => (c.atYearEnd !== undefined && !c.atYearEnd.final ? [{ c, state: c.atYearEnd.state }] : []));
    // Labelled as the newest version says, or as the case's own version does for a state only it has.
    const labelOf = (state: string, own: CompiledProcess) => (process.def.states[state] ?? own.def.states[state])?.label ?? state;
    const counts = new Map<string, number>(
      Object.entries(process.def.states)
        .filter(([, s]) => s.final !== true)
        .map(([id]) => [labelOf(id, process), 0]),
    );
    for (const { c, state } of open) counts.set(labelOf(state, c.process), (counts.get(labelOf(state, c.process)) ?? 0) + 1);
    return {
      ...base,
      columns: [labelColumn, { id: COUNT, label: table.countHeader ?? 'Open cases', numeric: true }],
      rows: [...counts].map(([label, count]) => ({ label, values: { [COUNT]: count } })),
      total: { [COUNT]: open.length },
    };
  }
  const events = table.count === 'cases' ? [] : (table.events ?? []);
  const rows = rowsOf(table, process, partnership, events, year);
  const subjects = subjectsOf(table, cases, year);
  const withOverdue = table.count === 'items' && table.overdue !== undefined;
  const columns: TableColumn[] = [
    labelColumn,
    { id: COUNT, label: table.countHeader ?? { cases: 'Cases', events: 'Number', items: 'Number' }[table.count], numeric: true },
    ...(withOverdue ? [{ id: OVERDUE, label: "Overdue at the year's end", numeric: true }] : []),
  ];
  const counted = new Map<string, TableRow>(rows.labels.map((label) => [label, { label, values: { [COUNT]: 0, ...(withOverdue ? { [OVERDUE]: 0 } : {}) } }]));
  let total = 0;
  let overdue = 0;
  for (const subject of subjects) {
    const labels = rows.of(subject);
    if (labels.length === 0) continue;
    total++;
    if (subject.overdue) overdue++;
    for (const label of labels) {
      const row = counted.get(label) ?? { label, values: { [COUNT]: 0, ...(withOverdue ? { [OVERDUE]: 0 } : {}) } };
      row.values[COUNT]! += 1;
      if (withOverdue && subject.overdue) row.values[OVERDUE]! += 1;
      counted.set(label, row);
    }
  }
  return { ...base, columns, rows: [...counted.values()], total: { [COUNT]: total, ...(withOverdue ? { [OVERDUE]: overdue } : {}) } };
}

/** Two processes' parts of one table: rows of the same label add up, new ones follow, as do new columns. */
function mergeTables(a: AnnualTable, b: AnnualTable): AnnualTable {
  const columns = [...a.columns, ...b.columns.filter((c) => !a.columns.some((k) => k.id === c.id))];
  const rows = new Map(a.rows.map((r) => [r.label, { label: r.label, values: { ...r.values } }]));
  for (const row of b.rows) {
    const into = rows.get(row.label) ?? { label: row.label, values: {} };
    for (const [id, n] of Object.entries(row.values)) into.values[id] = (into.values[id] ?? 0) + n;
    rows.set(row.label, into);
  }
  const total = { ...a.total };
  for (const [id, n] of Object.entries(b.total)) total[id] = (total[id] ?? 0) + n;
  return { ...a, chart: a.chart || b.chart, columns, rows: [...rows.values()], total };
}

/**
 * Every table the partnership's processes declare, for the year, from the histories of the cases
 * the reader may read. A process's tables count only its own cases.
 */
export function annualReport(partnership: CompiledPartnership, histories: readonly CaseHistory[], year: FinancialYear): AnnualReport {
  const tables = new Map<string, AnnualTable>();
  for (const process of partnership.processes.values()) {
    const declared = process.def.reports?.tables ?? [];
    if (declared.length === 0) continue;
    const cases = histories
      .filter((h) => h.process === process.def.id)
      .flatMap((h) => {
        const replayed = replay(partnership, process, h, year);
        return replayed === undefined ? [] : [replayed];
      });
    for (const table of declared) {
      const part = countTable(partnership, process, table, cases, year);
      const earlier = tables.get(table.id);
      tables.set(table.id, earlier === undefined ? part : mergeTables(earlier, part));
    }
  }
  return { year: year.year, from: year.from, to: year.to, tables: [...tables.values()] };
}

/** The processes whose cases the tables read. */
export function annualReportProcesses(partnership: CompiledPartnership): string[] {
  return [...partnership.processes.values()].filter((p) => (p.def.reports?.tables ?? []).length > 0).map((p) => p.def.id);
}

/** `YYYY-MM-DD` as UK spreadsheets read it. */
function ukDate(date: IsoDate): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

/**
 * A table as CSV: a title line naming the year in UK dates, the header row, a row per label and the
 * total; labels, never codes. A byte order mark, so that Excel reads it as UTF-8.
 */
export function annualTableCsv(report: AnnualReport, table: AnnualTable): string {
  const headers = table.columns.map((c) => c.label);
  const line = (row: { label: string; values: Record<string, number> }) =>
    Object.fromEntries(table.columns.map((c) => [c.label, c.id === 'label' ? row.label : (row.values[c.id] ?? 0)]));
  const title = `"${`${table.title}, ${ukDate(report.from)} to ${ukDate(report.to)}`.replace(/"/g, '""')}"\r\n`;
  return `\uFEFF${title}${toCsv(headers, [...table.rows.map(line), line({ label: 'Total', values: table.total })])}`;
}
