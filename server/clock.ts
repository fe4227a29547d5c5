import type { IsoDate } from './engine/definition.ts';
import { parseIsoDate, toIsoDate } from './engine/dates/index.ts';

/** "Today" and "now" for the workflow: deadlines, timers and the times in history and logs. */
export interface Clock {
  today(): IsoDate;
  /** An ISO date-time for history entries. */
  now(): string;
}

export const systemClock: Clock = {
  today: () => toIsoDate(new Date().toISOString()),
  now: () => new Date().toISOString(),
};

/**
 * `WORKFLOW_NOW`: a date fixes today and keeps the real time of day, so entries of one day still
 * read in order; a date-time fixes the instant itself.
 */
export function fixedClock(workflowNow: string): Clock {
  if (/^\d{4}-\d{2}-\d{2}$/.test(workflowNow)) {
    const today = parseIsoDate(workflowNow);
    return { today: () => today, now: () => `${today}${new Date().toISOString().slice(10)}` };
  }
  const instant = new Date(workflowNow);
  if (Number.isNaN(instant.getTime())) {
    throw new Error(`WORKFLOW_NOW "${workflowNow}" is neither YYYY-MM-DD nor an ISO date-time`);
  }
  const iso = instant.toISOString();
  return { today: () => toIsoDate(iso), now: () => iso };
}
