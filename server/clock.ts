import type { IsoDate } from './engine/definition.ts';
import { dateInZone, instantOn, parseIsoDate, wallTimeOf } from './engine/dates/index.ts';

/**
 * "Today" and "now" for the workflow: deadlines, timers and the times in history and logs.
 * History keeps exact instants; "today" is always a date in a partnership's time zone, so an
 * event at 00:30 in London on 2 April is on 2 April, not on UTC's 1 April.
 */
export interface Clock {
  /** The date it is now in `timeZone` (a partnership's `timeZone`, such as `Europe/London`). */
  today(timeZone: string): IsoDate;
  /** An ISO date-time (UTC) for history entries. */
  now(): string;
}

export const systemClock: Clock = {
  today: (timeZone) => dateInZone(new Date().toISOString(), timeZone),
  now: () => new Date().toISOString(),
};

/**
 * `WORKFLOW_NOW`: a date fixes today in `timeZone` and keeps the real time of day there, so entries
 * of one day still read in order and every one of them falls on that date in that zone; a date-time
 * fixes the instant itself (a time without an offset is read as the wall-clock time in `timeZone`), and
 * its date is read in each partnership's zone.
 */
export function fixedClock(workflowNow: string, timeZone: string): Clock {
  if (/^\d{4}-\d{2}-\d{2}$/.test(workflowNow)) {
    const day = parseIsoDate(workflowNow);
    const now = () => instantOn(day, wallTimeOf(new Date().toISOString(), timeZone), timeZone);
    // In its own zone the date is the one fixed, whatever the time of day: no need to work the instant out.
    return { today: (zone) => (zone === timeZone ? day : dateInZone(now(), zone)), now };
  }
  const wall = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(workflowNow);
  const instant = wall
    ? new Date(instantOn(parseIsoDate(wall[1]!), { hour: Number(wall[2]), minute: Number(wall[3]), second: Number(wall[4] ?? 0) }, timeZone))
    : new Date(workflowNow);
  if (Number.isNaN(instant.getTime())) {
    throw new Error(`WORKFLOW_NOW "${workflowNow}" is neither YYYY-MM-DD nor an ISO date-time (2026-04-02T00:30 is read in ${timeZone}; add Z or an offset for an exact instant)`);
  }
  const iso = instant.toISOString();
  return { today: (zone) => dateInZone(iso, zone), now: () => iso };
}
