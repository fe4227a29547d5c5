import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { verifyAudit } from '../../server/store/audit.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { openTestConnection } from '../support/database.ts';

/**
 * Deadlines follow the calendar in force. The bank holiday for the State Funeral was announced on
 * 10 September 2022 for Monday the 19th: a deadline running across it moves a day when the calendar
 * data gains it, recorded by `system`; one already met or missed keeps its date and its result.
 */
const HOLIDAY = "  - { date: '2022-09-19', name: 'Bank Holiday for the State Funeral of Queen Elizabeth II' }\n";
let root: string;
let server: TestServer;
const calendarFile = () => join(root, 'workflows', 'calendars', 'england-and-wales.yaml');
const incident = (awareOn: string) => ({ title: 'Child X', awareOn, childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'calendar-change-'));
  const project = join(import.meta.dirname, '..', '..');
  cpSync(join(project, 'workflows'), join(root, 'workflows'), { recursive: true });
  cpSync(join(project, 'forms'), join(root, 'forms'), { recursive: true });
  const shipped = readFileSync(calendarFile(), 'utf8');
  expect(shipped).toContain(HOLIDAY);
  // The calendar as it was before the announcement.
  writeFileSync(calendarFile(), shipped.replace(HOLIDAY, ''));
  server = await startTestServer({ root, now: '2022-09-09' });
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

test('a holiday added inside a running five-working-day window moves the open deadline, once, and not a decided one', async () => {
  const la = await ApiClient.signIn(server, 'merton.local-authority');
  // Aware on Thursday 8 September: five working days end on Thursday the 15th, before the funeral.
  const untouched = await la.createCase('merton', 'cspr', incident('2022-09-08'));
  await server.restart({ now: '2022-09-12' });
  // Aware on Monday 12 September: the fifth working day is Monday the 19th on the old calendar.
  const open = await la.createCase('merton', 'cspr', incident('2022-09-12'));
  expect(open.body.deadlines).toContainEqual(expect.objectContaining({ id: 'notify-national-panel', due: '2022-09-19' }));
  // Aware on Tuesday 13 September and notified on the 21st: due the 20th on the old calendar, so missed.
  await server.restart({ now: '2022-09-21' });
  const decided = await la.createCase('merton', 'cspr', incident('2022-09-13'));
  expect(decided.body.deadlines).toContainEqual(expect.objectContaining({ id: 'notify-national-panel', due: '2022-09-20' }));
  const notified = await la.sendEvent(decided.body.id, 'NOTIFIED', { panelNotifiedOn: '2022-09-21', partnersNotifiedOn: '2022-09-21' }, 1);
  expect(notified.body.deadlines).toContainEqual(expect.objectContaining({ id: 'notify-national-panel', met: false }));

  writeFileSync(calendarFile(), readFileSync(calendarFile(), 'utf8').replace("  - { date: '2022-12-26'", `${HOLIDAY}  - { date: '2022-12-26'`));
  await server.restart({ now: '2022-09-21' });

  const moved = (await la.get(`/api/cases/${open.body.id}`)).body;
  expect(moved.deadlines).toContainEqual(expect.objectContaining({ id: 'notify-national-panel', due: '2022-09-20', met: null }));
  expect(moved.deadlines).toContainEqual(expect.objectContaining({ id: 'notify-safeguarding-partners', due: '2022-09-20' }));
  expect(moved.version).toBe(2);
  expect(moved.history[1]).toMatchObject({
    seq: 2,
    type: 'CALENDAR_CHANGED',
    from: 'notification',
    to: 'notification',
    by: 'system',
    data: {
      calendar: 'england-and-wales',
      moved: expect.arrayContaining([
        { deadline: 'notify-national-panel', label: 'Notify the National Panel', from: '2022-09-19', to: '2022-09-20' },
        expect.objectContaining({ deadline: 'notify-safeguarding-partners', from: '2022-09-19', to: '2022-09-20' }),
      ]),
    },
  });
  // Nothing moves for a window the holiday does not fall in, nor for a result already decided.
  expect((await la.get(`/api/cases/${untouched.body.id}`)).body.version).toBe(1);
  const kept = (await la.get(`/api/cases/${decided.body.id}`)).body;
  expect(kept.version).toBe(2);
  expect(kept.deadlines).toContainEqual(expect.objectContaining({ id: 'notify-national-panel', due: '2022-09-20', met: false }));

  // A plain restart moves nothing again.
  await server.restart({ now: '2022-09-22' });
  expect((await la.get(`/api/cases/${open.body.id}`)).body.version).toBe(2);

  const loaded = loadCatalogue(root);
  if (!loaded.ok) throw new Error('configuration');
  const db = await openTestConnection(server.databaseUrl);
  try {
    expect(await verifyAudit(db, loaded.catalogue)).toMatchObject({ ok: true, cases: 3, differences: [] });
  } finally {
    await db.close();
  }
  // Four restarts, each loading the whole configuration: minutes, not seconds, on a machine busy with other work.
}, 120_000);
