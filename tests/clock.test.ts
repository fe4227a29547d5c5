import { describe, expect, test } from 'vitest';
import { fixedClock, systemClock } from '../server/clock.ts';
import { dateInZone } from '../server/engine/dates/index.ts';

const LONDON = 'Europe/London';

describe("today is London's", () => {
  test.each([
    ['2026-04-01T23:30:00Z', '2026-04-02', 'in summer time 23:30 UTC is 00:30 the next day: 2 April, the new financial year'],
    ['2026-12-01T23:30:00Z', '2026-12-01', 'in winter London is on UTC'],
    ['2022-03-27T00:59:59Z', '2022-03-27', 'the last second of GMT before the clocks go forward'],
    ['2022-03-26T23:59:59Z', '2022-03-26', 'the day before, still GMT'],
    ['2022-10-29T23:30:00Z', '2022-10-30', 'the last night of summer time'],
    ['2022-10-30T23:30:00Z', '2022-10-30', 'the first night of GMT'],
    ['2024-02-28T23:30:00Z', '2024-02-28', 'a leap year, in winter'],
    ['2020-06-30T23:00:00Z', '2020-07-01', 'a month end in summer'],
  ])('%s is %s in London (%s)', (instant, date) => {
    expect(dateInZone(instant, LONDON)).toBe(date);
    expect(fixedClock(instant, LONDON).today(LONDON)).toBe(date);
  });

  test('a WORKFLOW_NOW time without an offset is London wall-clock time', () => {
    const clock = fixedClock('2026-04-02T00:30', LONDON);
    expect(clock.now()).toBe('2026-04-01T23:30:00.000Z');
    expect(clock.today(LONDON)).toBe('2026-04-02');
    // 01:30 on 29 March 2026 does not exist in London (the clocks go from 01:00 to 02:00): it is read as 02:30 BST.
    expect(fixedClock('2026-03-29T01:30', LONDON).now()).toBe('2026-03-29T01:30:00.000Z');
  });

  test('a WORKFLOW_NOW date fixes the London date, whatever the real time of day, and instants sort as text', () => {
    const clock = fixedClock('2026-04-02', LONDON);
    const instants = Array.from({ length: 50 }, () => clock.now());
    for (const instant of instants) {
      expect(instant).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(dateInZone(instant, LONDON)).toBe('2026-04-02');
    }
    expect([...instants].sort()).toEqual(instants);
    expect(clock.today(LONDON)).toBe('2026-04-02');
  });

  test('a WORKFLOW_NOW that is neither is refused with what to write', () => {
    expect(() => fixedClock('next Tuesday', LONDON)).toThrow(/neither YYYY-MM-DD nor an ISO date-time/);
    expect(() => fixedClock('2026-02-30', LONDON)).toThrow();
  });

  test('the real clock gives a London date and a UTC instant', () => {
    expect(systemClock.now()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(systemClock.today(LONDON)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
