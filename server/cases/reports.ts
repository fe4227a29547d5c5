import type { CompiledPartnership } from '../engine/catalogue.ts';
import type { IsoDate } from '../engine/definition.ts';
import { readPath } from '../engine/expressions.ts';
import type { DeadlineRow, HistoryRow } from '../store/reports.ts';

export interface EscalationLogRow {
  caseId: string;
  at: string;
  by: string;
  from: string | null;
  to: string;
  event: string;
  reason: string | null;
  outcome: string | null;
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

export function escalationLog(partnership: CompiledPartnership, rows: HistoryRow[]): EscalationLogRow[] {
  const logs = new Map(escalationLogProcesses(partnership).map((p) => [p.id, p.log]));
  return rows.flatMap((row) => {
    const log = logs.get(row.process);
    if (log === undefined) return [];
    return [{ caseId: row.caseId, at: row.at, by: row.by, from: row.from, to: row.to, event: row.type, reason: firstText(row.data, log.reason), outcome: firstText(row.data, log.outcome) }];
  });
}

/** CSV as spreadsheets read it; a cell that starts like a formula is quoted with a leading apostrophe. */
export function toCsv(columns: readonly string[], rows: Record<string, unknown>[]): string {
  const cell = (value: unknown) => {
    let text = value === null || value === undefined ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))].join('\r\n') + '\r\n';
}

export interface ProcessSummary {
  process: string;
  title: string;
  opened: number;
  closed: Record<string, number>;
  outcomes: Record<string, Record<string, number>>;
  deadlines: Record<string, { label: string; met: number; missed: number; overdue: number; open: number }>;
}

/**
 * The yearly summary from history: what happened inside [from, to], whatever the cases did before
 * or after it. Deadlines count in the period their due date falls in.
 */
export function summarise(partnership: CompiledPartnership, history: HistoryRow[], deadlines: DeadlineRow[], today: IsoDate): ProcessSummary[] {
  return [...partnership.processes.values()].map((process) => {
    const { def } = process;
    const rows = history.filter((h) => h.process === def.id);
    const isFinal = (state: string | null) => state !== null && def.states[state]?.final === true;
    const closed: Record<string, number> = {};
    for (const row of rows) if (isFinal(row.to) && !isFinal(row.from)) closed[row.to] = (closed[row.to] ?? 0) + 1;
    const outcomes: ProcessSummary['outcomes'] = {};
    for (const { event, field, label } of def.reports?.outcomes ?? []) {
      const counts: Record<string, number> = {};
      for (const row of rows.filter((r) => r.type === event)) {
        const value = readPath(row.data, field);
        for (const item of Array.isArray(value) ? value : [value]) {
          if (item === undefined || item === null) continue;
          counts[String(item)] = (counts[String(item)] ?? 0) + 1;
        }
      }
      outcomes[label ?? `${event}.${field}`] = counts;
    }
    const deadlineCounts: ProcessSummary['deadlines'] = {};
    for (const d of deadlines.filter((d) => d.process === def.id)) {
      const entry = (deadlineCounts[d.id] ??= { label: def.deadlines?.[d.id]?.label ?? d.id, met: 0, missed: 0, overdue: 0, open: 0 });
      if (d.met === true) entry.met++;
      else if (d.met === false) entry.missed++;
      else if (d.satisfiedBy !== null && !d.final && d.due < today) entry.overdue++;
      else entry.open++;
    }
    return { process: def.id, title: def.title, opened: rows.filter((r) => r.from === null).length, closed, outcomes, deadlines: deadlineCounts };
  });
}
