import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  addCalendarDays,
  CalendarRangeError,
  createCalendar,
  dateInZone,
  earliest,
  InvalidDateError,
  isIsoDate,
  isTimeZone,
  parseIsoDate,
  toIsoDate,
  wallTimeOf,
  type CalendarData,
} from '../../server/engine/dates/calendar.ts';

const englandAndWales = parse(readFileSync(new URL('../../workflows/calendars/england-and-wales.yaml', import.meta.url), 'utf8')) as CalendarData;
/** Built inside each test: the working-day rules are the calendar's own functions. */
const calendar = () => createCalendar(englandAndWales);

/** What a call throws: its class name and message. */
function thrown(f: () => unknown): { name: string; message: string } {
  try {
    f();
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('nothing was thrown');
}

describe('working days on the England and Wales bank holidays', () => {
  test.each([
    ['the day after the Thursday before Easter is the Tuesday after it', '2024-03-28', 1, '2024-04-02'],
    ['the day before the Tuesday after Easter is the Thursday before it', '2024-04-02', -1, '2024-03-28'],
    ['the first day from the Saturday of Easter is the Tuesday', '2024-03-30', 1, '2024-04-02'],
    ['Christmas Day and Boxing Day, moved to Monday and Tuesday, are skipped', '2022-12-23', 1, '2022-12-28'],
    ['three days after the Friday before Christmas 2022 is the Friday after', '2022-12-23', 3, '2022-12-30'],
    ['the coronation bank holiday is skipped', '2023-05-05', 1, '2023-05-09'],
    ['counting back over the coronation bank holiday and a weekend', '2023-05-09', -2, '2023-05-04'],
    ['29 February is a working day in a leap year', '2024-02-28', 1, '2024-02-29'],
    ['two days from 28 February 2024 is 1 March', '2024-02-28', 2, '2024-03-01'],
    ['the day after 28 February 2023 is 1 March', '2023-02-28', 1, '2023-03-01'],
    ['the day before 1 March 2024 is 29 February', '2024-03-01', -1, '2024-02-29'],
    ['no days from a Saturday is that Saturday', '2024-03-30', 0, '2024-03-30'],
  ])('%s', (_why, from, n, expected) => {
    expect(calendar().addWorkingDays(from, n)).toBe(expected);
  });

  test('which days are working days, and the names of the holidays', () => {
    const cal = calendar();
    expect(['2024-03-28', '2024-03-29', '2024-03-30', '2024-03-31', '2024-04-01', '2024-04-02', '2024-02-29'].map((d) => cal.isWorkingDay(d))).toEqual([
      true, false, false, false, false, true, true,
    ]);
    expect(cal.holidayName('2023-05-08')).toBe('Bank holiday for the coronation of King Charles III');
    expect(cal.holidayName('2023-05-09')).toBeUndefined();
    expect(cal.lastDay).toBe('2027-12-31');
  });

  test('a count that reaches past the last year is refused, naming the file to extend', () => {
    const cal = calendar();
    expect(cal.addWorkingDays('2027-12-24', 2)).toBe('2027-12-30');
    expect(thrown(() => cal.addWorkingDays('2027-12-30', 2))).toEqual({
      name: 'CalendarRangeError',
      message: 'The working-day calendar "england-and-wales" covers 2018 to 2027; 2028-01-01 is outside it. Add that year\'s bank holidays to workflows/calendars/england-and-wales.yaml.',
    });
    expect(() => cal.holidayName('2017-12-25')).toThrow(CalendarRangeError);
  });

  test('a number of working days must be whole', () => {
    expect(thrown(() => calendar().addWorkingDays('2024-01-02', 1.5))).toEqual({ name: 'RangeError', message: 'A number of working days must be whole, not 1.5.' });
  });
});

describe('building a calendar from its data', () => {
  const small = (parts: Partial<CalendarData>): CalendarData => ({ id: 'test', name: 'Test', firstYear: 2024, lastYear: 2025, holidays: [], ...parts });

  test('its fingerprint is its years and holiday dates in order, whatever order they are listed in', () => {
    const cal = createCalendar(small({ holidays: [{ date: '2025-01-01', name: 'New Year' }, { date: '2024-03-29', name: 'Good Friday' }] }));
    expect(cal.fingerprint).toBe('[2024,2025,["2024-03-29","2025-01-01"]]');
  });

  test.each([
    [{ firstYear: 2024.5 }, 'Calendar "test": firstYear (2024.5) and lastYear (2025) must be whole years, first not after last.'],
    [{ lastYear: 2025.5 }, 'Calendar "test": firstYear (2024) and lastYear (2025.5) must be whole years, first not after last.'],
    [{ firstYear: 2026 }, 'Calendar "test": firstYear (2026) and lastYear (2025) must be whole years, first not after last.'],
    [{ holidays: [{ date: '2023-12-25', name: 'Christmas Day' }] }, 'Calendar "test": holiday "Christmas Day" on 2023-12-25 is outside 2024 to 2025.'],
    [{ holidays: [{ date: '2026-01-01', name: 'New Year' }] }, 'Calendar "test": holiday "New Year" on 2026-01-01 is outside 2024 to 2025.'],
    [{ holidays: [{ date: '2024-12-25', name: 'Christmas Day' }, { date: '2024-12-25', name: 'Xmas' }] }, 'Calendar "test": 2024-12-25 is listed twice ("Christmas Day" and "Xmas").'],
    [{ holidays: [{ date: '2024-12-28', name: 'Boxing Day' }] }, 'Calendar "test": holiday "Boxing Day" on 2024-12-28 falls at a weekend; list the substitute weekday instead.'],
    [{ holidays: [{ date: '2024-02-30', name: 'Odd' }] }, 'Calendar "test": holiday "Odd": "2024-02-30" is not a real date.'],
  ])('refuses %o', (parts, message) => {
    expect(() => createCalendar(small(parts))).toThrow(new Error(message));
  });
});

describe('dates and their limits', () => {
  test('the year 0000 and 31 December 9999 are dates; the days either side of them are refused', () => {
    expect(parseIsoDate('0000-01-01')).toBe('0000-01-01');
    expect(parseIsoDate('9999-12-31')).toBe('9999-12-31');
    expect(thrown(() => addCalendarDays('9999-12-31', 1))).toEqual({ name: 'RangeError', message: '+010000-01-01 is beyond the year 9999.' });
    expect(() => addCalendarDays('0000-01-01', -1)).toThrow(RangeError);
  });

  test('a list holding one date is not a date', () => {
    expect(isIsoDate(['2023-01-01'])).toBe(false);
  });

  test('the earliest of no dates is refused', () => {
    expect(thrown(() => earliest([]))).toEqual({ name: 'RangeError', message: 'earliest() needs at least one date.' });
  });

  test('a date-time without an offset is refused, saying what would do', () => {
    expect(thrown(() => toIsoDate('2020-10-01T10:00:00'))).toEqual({
      name: 'InvalidDateError',
      message: '"2020-10-01T10:00:00" is not a date (YYYY-MM-DD) or a date-time with an offset (such as 2020-10-01T10:00:00Z).',
    });
    expect(thrown(() => dateInZone('2020-10-01T10:00:00', 'Europe/London'))).toEqual({
      name: 'InvalidDateError',
      message: '"2020-10-01T10:00:00" is not a date-time with an offset (such as 2020-10-01T10:00:00Z).',
    });
  });
});

describe('the date and time of an instant in a time zone', () => {
  test('a date is its own date in any zone', () => {
    expect(dateInZone('2023-01-05', 'Europe/London')).toBe('2023-01-05');
  });

  test('an instant past midnight in London in summer is the next day there; in the year 0000 too', () => {
    expect(dateInZone('2023-06-30T23:30:00Z', 'Europe/London')).toBe('2023-07-01');
    expect(dateInZone('0000-01-01T12:00:00Z', 'UTC')).toBe('0000-01-01');
  });

  test('a day the month does not have is refused as a date-time', () => {
    expect(() => dateInZone('2023-02-32T10:00:00Z', 'Europe/London')).toThrow(InvalidDateError);
  });

  test('a time zone the runtime does not know is refused, and is not a time zone', () => {
    expect(() => dateInZone('2020-10-01T10:00:00Z', 'Mars/Olympus')).toThrow(RangeError);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('Europe/London')).toBe(true);
  });

  test('the wall-clock time of an instant written with another offset', () => {
    expect(wallTimeOf('2020-10-01T10:00:00+05:00', 'Europe/London')).toEqual({ hour: 6, minute: 0, second: 0, millisecond: 0 });
    expect(wallTimeOf('2020-10-01T10:00:00.250Z', 'Europe/London')).toEqual({ hour: 11, minute: 0, second: 0, millisecond: 250 });
  });
});
