import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import {
  addCalendarDays,
  calendarRunningOut,
  addMonths,
  CalendarRangeError,
  compareDates,
  createCalendar,
  earliest,
  InvalidDateError,
  isIsoDate,
  parseIsoDate,
  toIsoDate,
  type CalendarData,
} from '../../server/engine/dates/index.ts';
import { dateInZone, wallTimeOf } from '../../server/engine/dates/calendar.ts';
import { Temporal } from '@js-temporal/polyfill';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const data = parse(read('workflows/calendars/england-and-wales.yaml')) as CalendarData;
const schema = JSON.parse(read('workflows/calendar.schema.json')) as object;
const cal = createCalendar(data);

describe('the england-and-wales data', () => {
  it('matches calendar.schema.json, which refuses unknown keys and malformed dates', () => {
    const validate = new Ajv2020({ allErrors: true }).compile(schema);
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...data, extra: 1 })).toBe(false);
    expect(validate({ ...data, holidays: [{ date: '2023-1-2', name: 'x' }] })).toBe(false);
    expect(validate({ ...data, holidays: [{ date: '2023-01-02', name: 'x', note: 'y' }] })).toBe(false);
  });

  it('has 8 bank holidays a year, but 10 in 2022 and 9 in 2023', () => {
    const perYear: Record<string, number> = {};
    for (const h of data.holidays) perYear[h.date.slice(0, 4)] = (perYear[h.date.slice(0, 4)] ?? 0) + 1;
    expect(perYear).toEqual({
      2018: 8, 2019: 8, 2020: 8, 2021: 8, 2022: 10, 2023: 9, 2024: 8, 2025: 8, 2026: 8, 2027: 8,
    });
  });

  // Easter Sunday per year, from an independent table; Good Friday is 2 days before, Easter Monday 1 after.
  it.each([
    ['2018-04-01'], ['2019-04-21'], ['2020-04-12'], ['2021-04-04'], ['2022-04-17'],
    ['2023-04-09'], ['2024-03-31'], ['2025-04-20'], ['2026-04-05'], ['2027-03-28'],
  ])('has Good Friday and Easter Monday around Easter Sunday %s', (easter) => {
    expect(cal.holidayName(addCalendarDays(easter, -2))).toBe('Good Friday');
    expect(cal.holidayName(addCalendarDays(easter, 1))).toBe('Easter Monday');
  });

  it.each([
    ['2020-12-28', 'Boxing Day (substitute day)'],
    ['2021-12-27', 'Christmas Day (substitute day)'],
    ['2021-12-28', 'Boxing Day (substitute day)'],
    ['2022-01-03', "New Year's Day (substitute day)"],
    ['2022-12-26', 'Boxing Day'],
    ['2022-12-27', 'Christmas Day (substitute day)'],
    ['2023-01-02', "New Year's Day (substitute day)"],
    ['2026-12-28', 'Boxing Day (substitute day)'],
    ['2027-12-27', 'Christmas Day (substitute day)'],
    ['2027-12-28', 'Boxing Day (substitute day)'],
  ])('has the substitute day %s (%s)', (date, name) => {
    expect(cal.holidayName(date)).toBe(name);
  });

  it.each([
    ['2020-05-08', 'VE day replaced the early May holiday'],
    ['2022-06-02', 'the spring holiday moved to Thursday'],
    ['2022-06-03', 'the Platinum Jubilee'],
    ['2022-09-19', 'the State Funeral'],
    ['2023-05-08', 'the Coronation'],
  ])('treats the one-off %s as a holiday (%s)', (date) => {
    expect(cal.isWorkingDay(date)).toBe(false);
  });

  it.each([
    ['2020-05-04', 'the usual early May Monday, moved to the 8th'],
    ['2022-05-30', 'the usual spring Monday, moved to 2 June'],
    ['2021-12-24', 'Christmas Eve'],
    ['2020-12-29', 'the day after the 2020 substitute'],
  ])('treats %s as a working day (%s)', (date) => {
    expect(cal.isWorkingDay(date)).toBe(true);
  });
});

describe('isWorkingDay and holidayName', () => {
  it('treats weekends as non-working without naming them', () => {
    expect(cal.isWorkingDay('2024-06-08')).toBe(false); // Saturday
    expect(cal.isWorkingDay('2024-06-09')).toBe(false); // Sunday
    expect(cal.isWorkingDay('2024-06-10')).toBe(true); // Monday
    expect(cal.holidayName('2024-06-08')).toBeUndefined();
    expect(cal.holidayName('2023-05-08')).toBe('Bank holiday for the coronation of King Charles III');
  });

  it('refuses dates outside 2018 to 2027', () => {
    expect(() => cal.isWorkingDay('2017-12-29')).toThrow(CalendarRangeError);
    expect(() => cal.holidayName('2028-01-03')).toThrow(CalendarRangeError);
    expect(cal.isWorkingDay('2018-01-02')).toBe(true);
    expect(cal.isWorkingDay('2027-12-31')).toBe(true);
  });

  it('refuses strings that are not real dates', () => {
    expect(() => cal.isWorkingDay('2023-02-29')).toThrow(InvalidDateError);
    expect(() => cal.holidayName('25/12/2023')).toThrow(InvalidDateError);
  });
});

describe('addWorkingDays', () => {
  it.each([
    // [start, n, expected, why]
    ['2022-09-16', 5, '2022-09-26', 'Friday awareness; the State Funeral Monday is skipped'],
    ['2023-05-10', -7, '2023-04-27', 'back over the Coronation and the early May Monday'],
    ['2024-03-28', 1, '2024-04-02', 'Maundy Thursday to the Tuesday after Easter'],
    ['2024-04-02', -1, '2024-03-28', 'and back again'],
    ['2021-12-24', 1, '2021-12-29', 'over both 2021 Christmas substitute days'],
    ['2022-12-23', 1, '2022-12-28', 'over Boxing Day and the Christmas substitute'],
    ['2020-12-24', 1, '2020-12-29', 'over the 2020 Boxing Day substitute'],
    ['2021-12-31', 1, '2022-01-04', 'over the New Year substitute'],
    ['2020-05-01', 1, '2020-05-04', '4 May 2020 was a working day'],
    ['2020-05-07', 1, '2020-05-11', 'VE day Friday skipped'],
    ['2022-05-27', 1, '2022-05-30', '30 May 2022 was a working day'],
    ['2022-06-01', 1, '2022-06-06', 'the Jubilee Thursday and Friday skipped'],
    ['2023-05-02', -1, '2023-04-28', 'back across the early May Monday'],
    ['2024-08-27', -1, '2024-08-23', 'back across the summer Monday'],
    ['2024-06-07', 1, '2024-06-10', 'Friday to Monday'],
    ['2024-06-10', -1, '2024-06-07', 'Monday back to Friday'],
    ['2024-06-08', 1, '2024-06-10', 'a Saturday start counts Monday as day 1'],
    ['2024-06-09', -1, '2024-06-07', 'a Sunday start counts Friday as day 1 back'],
    ['2024-06-08', -1, '2024-06-07', 'a Saturday start counts Friday as day 1 back'],
    ['2023-05-08', 1, '2023-05-09', 'a start on a holiday counts the next working day'],
    ['2023-05-08', -1, '2023-05-05', 'and the one before'],
    ['2024-06-05', 10, '2024-06-19', 'two ordinary weeks'],
    ['2024-06-08', 0, '2024-06-08', 'n = 0 returns the start, even on a weekend'],
    ['2027-12-30', 1, '2027-12-31', 'the last day covered'],
    ['2018-01-03', -1, '2018-01-02', 'the first working day covered'],
  ])('%s %i → %s (%s)', (start, n, expected) => {
    expect(cal.addWorkingDays(start, n)).toBe(expected);
  });

  it('throws CalendarRangeError, saying which file to extend, once it would step outside the years', () => {
    let error: unknown;
    try {
      cal.addWorkingDays('2027-12-31', 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalendarRangeError);
    expect(error).toMatchObject({
      code: 'calendar_out_of_range',
      calendarId: 'england-and-wales',
      date: '2028-01-01',
      firstYear: 2018,
      lastYear: 2027,
      message:
        'The working-day calendar "england-and-wales" covers 2018 to 2027; 2028-01-01 is outside it. ' +
        "Add that year's bank holidays to workflows/calendars/england-and-wales.yaml.",
    });
    expect(() => cal.addWorkingDays('2018-01-02', -1)).toThrow(CalendarRangeError); // 1 Jan is a holiday
    expect(() => cal.addWorkingDays('2017-06-01', 0)).toThrow(CalendarRangeError);
    expect(() => cal.addWorkingDays('2017-12-29', 3)).toThrow(CalendarRangeError);
  });

  it('refuses a fractional count and an invalid start', () => {
    expect(() => cal.addWorkingDays('2024-06-05', 1.5)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2023-02-29', 1)).toThrow(InvalidDateError);
  });
});

describe('properties over the covered years', () => {
  // Keep clear of the edges so that 30 working days either way stays inside 2018..2027.
  const start = parseIsoDate('2018-03-01');
  const span = 3500; // days from 2018-03-01, ending in October 2027
  const date = fc.integer({ min: 0, max: span }).map((i) => addCalendarDays(start, i));
  const count = fc.integer({ min: 1, max: 30 });

  it('always lands on a working day, exactly n working days away', () => {
    fc.assert(
      fc.property(date, count, (d, n) => {
        const after = cal.addWorkingDays(d, n);
        const before = cal.addWorkingDays(d, -n);
        expect(cal.isWorkingDay(after)).toBe(true);
        expect(cal.isWorkingDay(before)).toBe(true);
        let between = 0;
        for (let x = addCalendarDays(d, 1); compareDates(x, after) <= 0; x = addCalendarDays(x, 1)) {
          if (cal.isWorkingDay(x)) between++;
        }
        expect(between).toBe(n);
      }),
    );
  });

  it('comes back to the start, or to the working day before a non-working start', () => {
    fc.assert(
      fc.property(date, count, (d, n) => {
        const back = cal.addWorkingDays(cal.addWorkingDays(d, n), -n);
        expect(compareDates(back, d)).toBeLessThanOrEqual(0);
        expect(back).toBe(cal.isWorkingDay(d) ? d : cal.addWorkingDays(d, -1));
      }),
    );
  });
});

describe('calendar arithmetic', () => {
  it.each([
    ['2019-08-31', 6, '2020-02-29'],
    ['2020-02-29', 12, '2021-02-28'],
    ['2020-02-29', 48, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2023-03-31', -1, '2023-02-28'],
    ['2023-10-15', 3, '2024-01-15'],
  ])('%s + %i months = %s', (d, n, expected) => {
    expect(addMonths(d, n)).toBe(expected);
  });

  it('adds calendar days across month, year and leap day', () => {
    expect(addCalendarDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(addCalendarDays('2021-02-28', 1)).toBe('2021-03-01');
    expect(addCalendarDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(addCalendarDays('2024-01-01', -1)).toBe('2023-12-31');
    expect(addCalendarDays('2024-01-01', 0)).toBe('2024-01-01');
  });

  it('compares and picks the earliest', () => {
    expect(compareDates('2023-01-02', '2023-01-10')).toBe(-1);
    expect(compareDates('2023-01-10', '2023-01-10')).toBe(0);
    expect(compareDates('2024-01-01', '2023-12-31')).toBe(1);
    expect(earliest(['2023-05-10', '2022-12-31', '2023-01-01'])).toBe('2022-12-31');
    expect(earliest(['2023-05-10'])).toBe('2023-05-10');
    expect(() => earliest([])).toThrow(RangeError);
    expect(() => earliest(['2023-05-10', 'soon'])).toThrow(InvalidDateError);
  });
});

describe('parsing', () => {
  it.each(['2023-02-29', '2023-1-5', '2023-13-01', '2023-00-10', '2023-04-31', '20230105', '+002023-01-05', '2023-01-05T00:00:00Z', ' 2023-01-05', ''])(
    'refuses %j',
    (s) => {
      expect(() => parseIsoDate(s)).toThrow(InvalidDateError);
      expect(isIsoDate(s)).toBe(false);
    },
  );

  it('accepts real dates, including 29 February in a leap year', () => {
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate(20240229)).toBe(false);
    expect(isIsoDate(null)).toBe(false);
  });

  it('says what was wrong', () => {
    expect(() => parseIsoDate('2023-1-5')).toThrow('"2023-1-5" is not a date in the form YYYY-MM-DD.');
    expect(() => parseIsoDate('2023-02-29')).toThrow('"2023-02-29" is not a real date.');
    expect(new InvalidDateError('x').code).toBe('invalid_date');
  });

  it.each([
    ['2020-10-01', '2020-10-01'],
    ['2020-10-01T10:00:00Z', '2020-10-01'],
    ['2020-10-01T10:00:00.123Z', '2020-10-01'],
    ['2020-10-01T23:30:00-02:00', '2020-10-02'],
    ['2020-10-01T00:30:00+01:00', '2020-09-30'],
  ])('toIsoDate(%s) is the UTC date %s', (input, expected) => {
    expect(toIsoDate(input)).toBe(expected);
  });

  it.each(['2020-10-01T10:00:00', '2020-02-30T10:00:00Z', 'yesterday', '2020-13-01'])('toIsoDate refuses %j', (s) => {
    expect(() => toIsoDate(s)).toThrow(InvalidDateError);
  });

  it('names the day that does not exist in a date-time, and a missing offset as missing', () => {
    const noSuchDay = '"2023-02-30T10:00:00Z" is not a real date and time (2023-02-30 is not a day of the calendar).';
    expect(() => toIsoDate('2023-02-30T10:00:00Z')).toThrow(noSuchDay);
    expect(() => dateInZone('2023-02-30T10:00:00Z', 'Europe/London')).toThrow(noSuchDay);
    expect(() => dateInZone('2023-02-28T10:00:00', 'Europe/London')).toThrow('"2023-02-28T10:00:00" is not a date-time with an offset (such as 2020-10-01T10:00:00Z).');
    // Only a text that starts with the day is blamed on the day; anything else is told what is expected.
    const expected = 'a date (YYYY-MM-DD) or a date-time with an offset (such as 2020-10-01T10:00:00Z).';
    expect(() => toIsoDate('x2023-02-30T10:00:00Z')).toThrow(`"x2023-02-30T10:00:00Z" is not ${expected}`);
    expect(() => toIsoDate('yesterday')).toThrow(`"yesterday" is not ${expected}`);
  });

  it('says a date before the year 0000 is before it, not beyond 9999', () => {
    expect(() => addCalendarDays('0000-01-01', -1)).toThrow('-000001-12-31 is before the year 0000.');
    expect(() => addCalendarDays('9999-12-31', 1)).toThrow('+010000-01-01 is beyond the year 9999.');
  });
});

describe('createCalendar', () => {
  const base: CalendarData = { id: 'test', name: 'Test', firstYear: 2023, lastYear: 2023, holidays: [] };
  const holiday = (date: string) => ({ ...base, holidays: [{ date, name: 'Holiday' }] });

  it('refuses a holiday outside its years', () => {
    expect(() => createCalendar(holiday('2024-01-01'))).toThrow('Calendar "test": holiday "Holiday" on 2024-01-01 is outside 2023 to 2023.');
  });

  it('refuses a holiday that is not a real date', () => {
    expect(() => createCalendar(holiday('2023-02-29'))).toThrow('Calendar "test": holiday "Holiday": "2023-02-29" is not a real date.');
  });

  it('refuses a weekend holiday, which is the nominal date typed in place of the substitute', () => {
    expect(() => createCalendar(holiday('2023-12-24'))).toThrow('2023-12-24 falls at a weekend'); // a Sunday
  });

  it('refuses a date listed twice', () => {
    const twice = { ...base, holidays: [{ date: '2023-05-08', name: 'A' }, { date: '2023-05-08', name: 'B' }] };
    expect(() => createCalendar(twice)).toThrow('2023-05-08 is listed twice ("A" and "B")');
  });

  it('refuses years the wrong way round', () => {
    expect(() => createCalendar({ ...base, firstYear: 2024 })).toThrow('first not after last');
  });

  it('keeps its id and name', () => {
    expect(createCalendar(base)).toMatchObject({ id: 'test', name: 'Test' });
  });
});

describe("the calendar's end", () => {
  const small = createCalendar({ id: 'small', name: 'A small calendar', firstYear: 2023, lastYear: 2024, holidays: [] });

  it('is said while less than a year is left, to the day, leap days included', () => {
    expect(small.lastDay).toBe('2024-12-31');
    // 31 December 2023 to 31 December 2024 is a whole (leap) year: not yet.
    expect(calendarRunningOut(small, '2023-12-31')).toBeUndefined();
    expect(calendarRunningOut(small, '2024-01-01')).toBe(
      'The working-day calendar "A small calendar" (small) ends on 2024-12-31, in 365 days: add the next year\'s bank holidays to workflows/calendars/small.yaml, or deadlines that reach past it will be refused.',
    );
    expect(calendarRunningOut(small, '2024-12-31')).toContain('ends on 2024-12-31, in 0 days');
    expect(calendarRunningOut(small, '2024-12-30')).toContain('in 1 day:');
    expect(calendarRunningOut(small, '2025-01-01')).toContain('ended on 2024-12-31');
  });

  it('for the shipped calendar: nothing to say on 1 December 2026, said from 1 January 2027', () => {
    expect(calendarRunningOut(cal, '2026-12-01')).toBeUndefined();
    expect(calendarRunningOut(cal, '2027-01-01')).toContain('ends on 2027-12-31, in 364 days');
  });
});

describe('dates and times in a zone agree with Temporal for every instant', () => {
  // dateInZone and wallTimeOf read stored instants through the runtime's Intl; Temporal is the reference.
  const zones = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'];
  it('for random instants from 1000 to 9999, in zones with odd offsets and half-hour summer time', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1000, 0, 2), max: Date.UTC(9999, 11, 30) }), fc.constantFrom(...zones), (ms, zone) => {
        const instant = new Date(ms).toISOString();
        const zoned = Temporal.Instant.from(instant).toZonedDateTimeISO(zone);
        expect(dateInZone(instant, zone)).toBe(zoned.toPlainDate().toString());
        expect(wallTimeOf(instant, zone)).toEqual({ hour: zoned.hour, minute: zoned.minute, second: zoned.second, millisecond: zoned.millisecond });
      }),
      { numRuns: 2000 },
    );
  });
  it('either side of the clocks changing in London, and at midnight', () => {
    const cases: [string, string, string][] = [
      ['2026-03-29T00:59:59.999Z', '2026-03-29', '00:59:59'],
      ['2026-03-29T01:00:00.000Z', '2026-03-29', '02:00:00'],
      ['2026-10-25T00:59:59Z', '2026-10-25', '01:59:59'],
      ['2026-10-25T01:00:00Z', '2026-10-25', '01:00:00'],
      ['2026-06-30T23:30:00Z', '2026-07-01', '00:30:00'],
      ['2024-02-28T23:00:00Z', '2024-02-28', '23:00:00'],
      ['2024-12-31T23:59:59.999Z', '2024-12-31', '23:59:59'],
    ];
    for (const [instant, date, time] of cases) {
      const wall = wallTimeOf(instant, 'Europe/London');
      expect([dateInZone(instant, 'Europe/London'), [wall.hour, wall.minute, wall.second].map((n) => String(n).padStart(2, '0')).join(':')]).toEqual([date, time]);
    }
  });
  it('refuses what is not an instant with an offset, as before', () => {
    expect(() => dateInZone('2026-02-30T10:00:00Z', 'Europe/London')).toThrow(InvalidDateError);
    expect(() => dateInZone('2026-02-01T10:00:00', 'Europe/London')).toThrow(InvalidDateError);
    expect(dateInZone('2026-02-01T23:30:00-05:00', 'Europe/London')).toBe('2026-02-02');
    expect(() => dateInZone('9999-12-31T23:00:00Z', 'Pacific/Chatham')).toThrow(RangeError);
  });
});
