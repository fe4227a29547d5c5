/**
 * Date arithmetic for deadlines. Every function is pure and takes `YYYY-MM-DD` strings;
 * anything else throws InvalidDateError rather than being coerced.
 */
export type {
  /** A `YYYY-MM-DD` string that has been checked to be a real date. */
  IsoDate,
  /** The shape of workflows/calendars/*.yaml, as parsed. */
  CalendarData,
  /** Weekends and bank holidays of one jurisdiction, for firstYear..lastYear only. */
  WorkingDayCalendar,
} from './calendar.ts';

export {
  /** Builds a calendar from its data; throws an Error naming any bad, duplicate, weekend or out-of-range holiday. */
  createCalendar,
  /** Thrown (code `calendar_out_of_range`) when a date outside the calendar's years is looked at. */
  CalendarRangeError,
  /** Thrown (code `invalid_date`) for a string that is not a real `YYYY-MM-DD` date. */
  InvalidDateError,
  /** Returns the string as an IsoDate, or throws InvalidDateError. */
  parseIsoDate,
  /** True only for a string that is a real `YYYY-MM-DD` date. */
  isIsoDate,
  /** Adds n (possibly negative) calendar days. */
  addCalendarDays,
  /** Adds n (possibly negative) months, clamping to month end: 2019-08-31 + 6 is 2020-02-29. */
  addMonths,
  /** -1, 0 or 1 as a is before, the same as, or after b. */
  compareDates,
  /** The earliest of a non-empty list of dates. */
  earliest,
  /** The UTC date of `YYYY-MM-DD` or an ISO date-time with an offset; refuses one without. */
  toIsoDate,
  /** The calendar date of an instant in a time zone (`Europe/London`): a person's "today" there. */
  dateInZone,
  /** The instant (ISO, UTC) of a wall-clock time on a date in a time zone. */
  instantOn,
  /** The wall-clock time of an instant in a time zone. */
  wallTimeOf,
  /** True for a time zone name the runtime knows. */
  isTimeZone,
  /** What to say while less than a year of bank holidays is left in a calendar; undefined otherwise. */
  calendarRunningOut,
} from './calendar.ts';
