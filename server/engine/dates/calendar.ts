/**
 * Dates without time zones, and working days over a calendar of bank holidays.
 * Pure: no clock, no files. The loader reads the calendar YAML and hands the data in.
 */
import { Temporal } from '@js-temporal/polyfill';
import type { IsoDate } from '../definition.ts';

export type { IsoDate } from '../definition.ts';

export interface CalendarData {
  id: string;
  name: string;
  firstYear: number;
  lastYear: number;
  holidays: { date: string; name: string }[];
}

export interface WorkingDayCalendar {
  readonly id: string;
  readonly name: string;
  /** Its years and holidays as one string: equal fingerprints, equal working days. */
  readonly fingerprint: string;
  /** The last day it has bank holidays for (31 December of its last year): no date after it can be counted. */
  readonly lastDay: IsoDate;
  /** Monday to Friday and not a bank holiday. */
  isWorkingDay(date: IsoDate | string): boolean;
  holidayName(date: IsoDate | string): string | undefined;
  /**
   * n > 0: the n-th working day after `date`; n < 0: the |n|-th before; 0: `date` itself.
   * `date` is never counted, so from a Saturday, Monday is day 1.
   */
  addWorkingDays(date: IsoDate | string, n: number): IsoDate;
}

/**
 * A date the calendar has no holidays for. Guessing would silently move statutory
 * deadlines, so the engine stops and says which file to extend.
 */
export class CalendarRangeError extends Error {
  readonly code = 'calendar_out_of_range';
  override readonly name = 'CalendarRangeError';
  readonly calendarId: string;
  readonly date: IsoDate;
  readonly firstYear: number;
  readonly lastYear: number;

  constructor(calendarId: string, date: IsoDate, firstYear: number, lastYear: number) {
    super(
      `The working-day calendar "${calendarId}" covers ${firstYear} to ${lastYear}; ${date} is outside it. ` +
        `Add that year's bank holidays to workflows/calendars/${calendarId}.yaml.`,
    );
    this.calendarId = calendarId;
    this.date = date;
    this.firstYear = firstYear;
    this.lastYear = lastYear;
  }
}

export class InvalidDateError extends Error {
  readonly code = 'invalid_date';
  override readonly name = 'InvalidDateError';
  readonly value: string;

  constructor(value: string, expected = 'a date in the form YYYY-MM-DD') {
    super(`"${value}" is not ${expected}.`);
    this.value = value;
  }
}

// Four-digit years only: Temporal would also accept '+002023-01-05' and '20230105'.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toPlain(s: string): Temporal.PlainDate {
  const m = ISO_DATE.exec(s);
  if (!m) throw new InvalidDateError(s);
  try {
    return Temporal.PlainDate.from(
      { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) },
      { overflow: 'reject' },
    );
  } catch {
    throw new InvalidDateError(s, 'a real date');
  }
}

function fromPlain(d: Temporal.PlainDate): IsoDate {
  // Beyond year 9999 Temporal writes '+010000-01-01' (before year 0, '-000001-12-31'), which is not an IsoDate.
  if (d.year > 9999) throw new RangeError(`${d.toString()} is beyond the year 9999.`);
  if (d.year < 0) throw new RangeError(`${d.toString()} is before the year 0000.`);
  return d.toString() as IsoDate;
}

/** Returns `s` as an IsoDate, or throws InvalidDateError (2023-02-29, '2023-1-5'). */
export function parseIsoDate(s: string): IsoDate {
  return fromPlain(toPlain(s));
}

export function isIsoDate(s: unknown): s is IsoDate {
  if (typeof s !== 'string') return false;
  try {
    toPlain(s);
    return true;
  } catch {
    return false;
  }
}

export function addCalendarDays(date: IsoDate | string, n: number): IsoDate {
  return fromPlain(toPlain(date).add({ days: n }));
}

/** Temporal clamps to the end of a shorter month: 2019-08-31 + 6 months is 2020-02-29. */
export function addMonths(date: IsoDate | string, n: number): IsoDate {
  return fromPlain(toPlain(date).add({ months: n }));
}

export function compareDates(a: IsoDate | string, b: IsoDate | string): -1 | 0 | 1 {
  return Temporal.PlainDate.compare(toPlain(a), toPlain(b));
}

export function earliest(dates: readonly (IsoDate | string)[]): IsoDate {
  if (dates.length === 0) throw new RangeError('earliest() needs at least one date.');
  return dates.map(parseIsoDate).reduce((min, d) => (compareDates(d, min) < 0 ? d : min));
}

/** What is wrong with a text Temporal would not read as an instant: its day, when it names one that does not exist. */
function notAnInstant(text: string, expected: string): InvalidDateError {
  const day = /^(\d{4}-\d{2}-\d{2})T/.exec(text)?.[1];
  return day !== undefined && !isIsoDate(day) ? new InvalidDateError(text, `a real date and time (${day} is not a day of the calendar)`) : new InvalidDateError(text, expected);
}

/**
 * The UTC date of a timestamp. A date-time without an offset is refused: it could be
 * either side of midnight in UTC, and a deadline must not depend on the reader's zone.
 */
export function toIsoDate(instantOrIsoDateTime: string): IsoDate {
  if (ISO_DATE.test(instantOrIsoDateTime)) return parseIsoDate(instantOrIsoDateTime);
  let instant: Temporal.Instant;
  try {
    instant = Temporal.Instant.from(instantOrIsoDateTime);
  } catch {
    throw notAnInstant(instantOrIsoDateTime, 'a date (YYYY-MM-DD) or a date-time with an offset (such as 2020-10-01T10:00:00Z)');
  }
  return fromPlain(instant.toZonedDateTimeISO('UTC').toPlainDate());
}

/**
 * The calendar date of an instant in a time zone: what a person in that zone calls "today".
 * A date-time without an offset is refused, as in `toIsoDate`.
 */
export function dateInZone(instantOrIsoDateTime: string, timeZone: string): IsoDate {
  if (ISO_DATE.test(instantOrIsoDateTime)) return parseIsoDate(instantOrIsoDateTime);
  const fast = inZone(instantOrIsoDateTime, timeZone);
  // Past 9999 in its zone, Temporal's path says so (RangeError).
  if (fast !== null && fast.year <= 9999) return `${pad(fast.year, 4)}-${pad(fast.month, 2)}-${pad(fast.day, 2)}` as IsoDate;
  let instant: Temporal.Instant;
  try {
    instant = Temporal.Instant.from(instantOrIsoDateTime);
  } catch {
    throw notAnInstant(instantOrIsoDateTime, 'a date-time with an offset (such as 2020-10-01T10:00:00Z)');
  }
  return fromPlain(instant.toZonedDateTimeISO(timeZone).toPlainDate());
}

/** A UTC instant as `Date` writes it (2020-10-01T10:00:00Z, .123Z), the form every stored time has. */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const zoneParts = new Map<string, Intl.DateTimeFormat>();

/**
 * The wall-clock date and time of a UTC instant in a zone, by the runtime's own Intl (the same time-zone
 * data the Temporal polyfill reads, without its arithmetic in emulated big integers, which made each
 * request's "today" cost more than its database work). Null for anything else, which takes Temporal's
 * path and its errors: other offsets, more than milliseconds, a day the month does not have.
 */
function inZone(text: string, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number } | null {
  if (!UTC_INSTANT.test(text)) return null;
  const date = new Date(text);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1000 || date.toISOString().slice(0, 19) !== text.slice(0, 19)) return null;
  let format = zoneParts.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      return null;
    }
    zoneParts.set(timeZone, format);
  }
  const part: Record<string, number> = {};
  for (const { type, value } of format.formatToParts(date)) if (type !== 'literal') part[type] = Number(value);
  return { year: part.year!, month: part.month!, day: part.day!, hour: part.hour!, minute: part.minute!, second: part.second!, millisecond: date.getUTCMilliseconds() };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * The instant at a wall-clock time on a date in a time zone, as an ISO string in UTC. A time that
 * does not exist (the hour skipped when clocks go forward) moves later, as Temporal's "compatible" does.
 */
export function instantOn(date: IsoDate | string, wallTime: { hour: number; minute: number; second: number; millisecond?: number }, timeZone: string): string {
  const instant = toPlain(date).toZonedDateTime({ timeZone, plainTime: Temporal.PlainTime.from(wallTime) }).toInstant();
  // Always three digits of milliseconds, as Date writes them: instants are compared as strings.
  return new Date(instant.epochMilliseconds).toISOString();
}

/** The wall-clock time of an instant in a time zone. */
export function wallTimeOf(instant: string, timeZone: string): { hour: number; minute: number; second: number; millisecond: number } {
  const fast = inZone(instant, timeZone);
  if (fast !== null) return { hour: fast.hour, minute: fast.minute, second: fast.second, millisecond: fast.millisecond };
  const zoned = Temporal.Instant.from(instant).toZonedDateTimeISO(timeZone);
  return { hour: zoned.hour, minute: zoned.minute, second: zoned.second, millisecond: zoned.millisecond };
}

/** True for a time zone name the runtime knows (`Europe/London`). */
export function isTimeZone(name: string): boolean {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(name);
    return true;
  } catch {
    return false;
  }
}

/** Checks the data and builds the calendar; throws an Error naming the bad entry. */
export function createCalendar(data: CalendarData): WorkingDayCalendar {
  const { id, name, firstYear, lastYear } = data;
  const where = `Calendar "${id}"`;
  if (!Number.isInteger(firstYear) || !Number.isInteger(lastYear) || firstYear > lastYear) {
    throw new Error(`${where}: firstYear (${firstYear}) and lastYear (${lastYear}) must be whole years, first not after last.`);
  }

  const holidays = new Map<string, string>();
  for (const h of data.holidays) {
    let day: Temporal.PlainDate;
    try {
      day = toPlain(h.date);
    } catch (e) {
      throw new Error(`${where}: holiday "${h.name}": ${(e as Error).message}`);
    }
    if (day.year < firstYear || day.year > lastYear) {
      throw new Error(`${where}: holiday "${h.name}" on ${h.date} is outside ${firstYear} to ${lastYear}.`);
    }
    // A weekend entry changes nothing, so it is almost always the nominal date typed in
    // place of the substitute day, which would leave that Monday counted as working.
    if (day.dayOfWeek > 5) {
      throw new Error(`${where}: holiday "${h.name}" on ${h.date} falls at a weekend; list the substitute weekday instead.`);
    }
    const clash = holidays.get(h.date);
    if (clash !== undefined) {
      throw new Error(`${where}: ${h.date} is listed twice ("${clash}" and "${h.name}").`);
    }
    holidays.set(h.date, h.name);
  }

  // Every date the calendar looks at passes through here, so none is judged without data.
  const inRange = (day: Temporal.PlainDate): Temporal.PlainDate => {
    if (day.year < firstYear || day.year > lastYear) {
      throw new CalendarRangeError(id, fromPlain(day), firstYear, lastYear);
    }
    return day;
  };
  const working = (day: Temporal.PlainDate): boolean =>
    inRange(day).dayOfWeek <= 5 && !holidays.has(day.toString());

  return {
    id,
    name,
    fingerprint: JSON.stringify([firstYear, lastYear, [...holidays.keys()].sort()]),
    lastDay: `${lastYear}-12-31` as IsoDate,
    isWorkingDay: (date) => working(toPlain(date)),
    holidayName: (date) => holidays.get(inRange(toPlain(date)).toString()),
    addWorkingDays(date, n) {
      if (!Number.isInteger(n)) throw new RangeError(`A number of working days must be whole, not ${n}.`);
      let day = inRange(toPlain(date));
      const step = Math.sign(n);
      for (let left = Math.abs(n); left > 0; ) {
        day = day.add({ days: step });
        if (working(day)) left--;
      }
      return fromPlain(day);
    },
  };
}

/**
 * Said while less than a year of bank holidays is left in a calendar (its last day is before the same
 * day next year): deadlines counted in working days from then on would reach past its end and be refused,
 * so whoever keeps the configuration is told in time to add the next year's, as the government
 * announces them. Undefined while a year or more is left.
 */
export function calendarRunningOut(calendar: Pick<WorkingDayCalendar, 'id' | 'name' | 'lastDay'>, today: IsoDate | string): string | undefined {
  const lastDay = Temporal.PlainDate.from(calendar.lastDay);
  const now = toPlain(today);
  if (Temporal.PlainDate.compare(lastDay, now.add({ years: 1 })) >= 0) return undefined;
  const days = now.until(lastDay, { largestUnit: 'days' }).days;
  const when = days < 0 ? `ended on ${calendar.lastDay}` : `ends on ${calendar.lastDay}, in ${days} day${days === 1 ? '' : 's'}`;
  return `The working-day calendar "${calendar.name}" (${calendar.id}) ${when}: add the next year's bank holidays to workflows/calendars/${calendar.id}.yaml, or deadlines that reach past it will be refused.`;
}
