import { afterEach, expect, test, vi } from 'vitest';
import { notifiableIncident } from '../support/incidents.ts';
import { ApiClient, CHECK_TIMERS_ONLY_WHEN_ASKED, MovableClock, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The timer check that runs every minute while the server is up, on a clock the test moves: a Rotherham
 * SCR still in progress when its grace period ends (29 September 2020) moves to the partners on 30
 * September, London's date, which begins at 23:00 UTC on the 29th (BST): a check reading UTC's date
 * would fire an hour late. The same check sends the deadlines' reminders, on London's working days.
 */
const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});


async function inProgressScr(server: TestServer): Promise<{ lscb: ApiClient; id: string }> {
  const lscb = await ApiClient.signIn(server, 'rotherham.lscb');
  const created = await lscb.createCase('rotherham', 'scr-transition', { decisionDate: '2019-06-03', title: 'Child T' });
  expect(created.body).toMatchObject({ state: 'in-progress', version: 1 });
  return { lscb, id: created.body.id };
}

function timerEvents(history: { type: string }[]): number {
  return history.filter((h) => h.type === 'GRACE_PERIOD_ENDED').length;
}

test("the minute's check fires nothing before London's midnight, fires the timer once just after it (still the 29th in UTC), and nothing more after", async () => {
  const clock = new MovableClock('2020-09-29T12:00');
  const server = await startTestServer({ clock, ...CHECK_TIMERS_ONLY_WHEN_ASKED });
  servers.push(server);
  const { lscb, id } = await inProgressScr(server);

  expect(await server.checkTimersNow()).toBe(0);
  clock.moveTo('2020-09-29T23:59');
  expect(await server.checkTimersNow()).toBe(0);
  expect((await lscb.get(`/api/cases/${id}`)).body).toMatchObject({ state: 'in-progress', version: 1 });

  // 00:30 on 30 September in London: UTC still says the 29th.
  clock.moveTo('2020-09-29T23:30Z');
  expect(clock.today('Europe/London')).toBe('2020-09-30');
  expect(await server.checkTimersNow()).toBe(1);
  const moved = (await lscb.get(`/api/cases/${id}`)).body;
  expect(moved).toMatchObject({ state: 'partners-considering', version: 2 });
  expect(moved.history[1]).toMatchObject({ seq: 2, type: 'GRACE_PERIOD_ENDED', from: 'in-progress', to: 'partners-considering', by: 'system', at: '2020-09-29T23:30:00.000Z' });
  expect(timerEvents(moved.history)).toBe(1);

  expect(await server.checkTimersNow()).toBe(0);
  clock.moveTo('2020-10-01T09:00');
  expect(await server.checkTimersNow()).toBe(0);
  const after = (await lscb.get(`/api/cases/${id}`)).body;
  expect(after.version).toBe(2);
  expect(timerEvents(after.history)).toBe(1);
});

test("the same check reminds as the clock moves: from London's midnight two working days before a deadline, and once it is overdue, once each", async () => {
  const clock = new MovableClock('2026-12-01T12:00');
  const server = await startTestServer({ clock, ...CHECK_TIMERS_ONLY_WHEN_ASKED });
  servers.push(server);
  const la = await ApiClient.signIn(server, 'merton.local-authority');
  // Aware on Friday 27 November: the notifications are due five working days later, Friday 4 December.
  const created = await la.createCase('merton', 'cspr', notifiableIncident('2026-11-27', { title: 'Child R' }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const dueFriday = (created.body.deadlines as { due: string }[]).filter((d) => d.due === '2026-12-04').length;
  expect(dueFriday).toBeGreaterThan(0);
  /** The check run `times` at `moment`; then how many reminders of `kind` the local authority has had about the case. */
  const remindersAfterChecks = async (moment: string, times: number, kind: 'due-soon' | 'overdue') => {
    clock.moveTo(moment);
    for (let i = 0; i < times; i++) await server.checkTimersNow();
    const items = (await la.get('/api/notifications')).body.items as { caseId: string; kind: string }[];
    return items.filter((n) => n.caseId === created.body.id && n.kind === kind).length;
  };

  expect(await remindersAfterChecks('2026-12-01T23:59', 1, 'due-soon')).toBe(0);
  // Wednesday 2 December, two working days before; checked twice, told once.
  expect(await remindersAfterChecks('2026-12-02T00:01', 2, 'due-soon')).toBe(dueFriday);
  expect(await remindersAfterChecks('2026-12-04T23:59', 1, 'overdue')).toBe(0);
  expect(await remindersAfterChecks('2026-12-05T00:01', 2, 'overdue')).toBe(dueFriday);
  expect(await remindersAfterChecks('2026-12-05T09:00', 1, 'due-soon')).toBe(dueFriday);
});

test('the started server runs the check on its own interval: the timer fires with no request and no restart', async () => {
  const clock = new MovableClock('2020-09-29T12:00');
  const server = await startTestServer({ clock, timerCheckMs: 100 });
  servers.push(server);
  const { lscb, id } = await inProgressScr(server);

  clock.moveTo('2020-09-30T00:30');
  // Waiting for the condition, however slowly a loaded machine gets there; well inside the real
  // minute, so only the short interval can have fired it.
  await vi.waitFor(
    async () => {
      expect((await lscb.get(`/api/cases/${id}`)).body.state).toBe('partners-considering');
    },
    { timeout: 30_000, interval: 100 },
  );
  const moved = (await lscb.get(`/api/cases/${id}`)).body;
  expect(moved.version).toBe(2);
  expect(timerEvents(moved.history)).toBe(1);
}, 60_000);
