import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { CaseService } from '../../server/cases/service.ts';
import type { Catalogue } from '../../server/engine/catalogue.ts';
import { NotFoundError, VersionConflictError } from '../../server/engine/errors.ts';
import { storeProcessVersions } from '../../server/store/process-versions.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { copyConfigurationInto, editFile } from '../support/configuration.ts';
import { notifiableIncident } from '../support/incidents.ts';
import { inProcess, type InProcess } from '../support/in-process.ts';

/**
 * The case service on a real database, without HTTP: who is told a case does not exist, refusals in
 * the API's order, the checks that store nothing, the timers it fires and the wording it follows.
 */
let app: InProcess;
let incident: { id: string; version: number };
beforeAll(async () => {
  app = await inProcess('2020-06-01T09:00Z');
  incident = await app.service.create(app.user('rotherham', 'local-authority'), 'rotherham', 'cspr', notifiableIncident('2020-05-28'));
});
afterAll(() => app.close());

const countRows = async () => (await app.db.reader.get<{ n: number }>('SELECT (SELECT COUNT(*) FROM history) + (SELECT COUNT(*) FROM cases) AS n'))!.n;
const notified = { partnersNotifiedOn: '2020-06-01', panelNotifiedOn: '2020-06-01' };

describe('need to know and refusals', () => {
  test("another partnership's case, a case one may not read and one that does not exist are all the same: not found", async () => {
    const la = app.user('rotherham', 'local-authority');
    const elsewhere = app.user('merton', 'business-unit');
    const chair = app.user('rotherham', 'conference-chair');
    for (const [who, id] of [[elsewhere, incident.id], [chair, incident.id], [la, 'no-such-case']] as const) {
      await expect(app.service.get(who, id)).rejects.toThrow(new NotFoundError(`No case "${id}" for you`));
      await expect(app.service.sendEvent(who, id, { type: 'NOTIFIED', data: notified, expectedVersion: 1 })).rejects.toThrow(new NotFoundError(`No case "${id}" for you`));
      await expect(app.service.checkEvent(who, id, { type: 'NOTIFIED', data: notified })).rejects.toThrow(NotFoundError);
    }
    await expect(app.service.create(elsewhere, 'rotherham', 'cspr', notifiableIncident('2020-05-28'))).rejects.toThrow(new NotFoundError('No partnership "rotherham" for you'));
    expect(() => app.service.process(la, 'rotherham', 'no-such-process')).toThrow(/has no process "no-such-process"/);
  });

  test('a stale version is refused naming the current one, after need to know and before the rules', async () => {
    const la = app.user('rotherham', 'local-authority');
    const stale = app.service.sendEvent(la, incident.id, { type: 'NO_SUCH_EVENT', data: {}, expectedVersion: incident.version + 5 });
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    await expect(stale).rejects.toMatchObject({ details: { currentVersion: incident.version }, message: `The case has changed since you loaded it (it is now at version ${incident.version}); reload it and try again` });
  });

  test('checking an event or a new case decides it without storing anything; a version is checked only when given', async () => {
    const la = app.user('rotherham', 'local-authority');
    const before = await countRows();
    await app.service.checkEvent(la, incident.id, { type: 'NOTIFIED', data: notified });
    await app.service.checkEvent(la, incident.id, { type: 'NOTIFIED', data: notified, expectedVersion: incident.version });
    await expect(app.service.checkEvent(la, incident.id, { type: 'NOTIFIED', data: notified, expectedVersion: incident.version + 1 })).rejects.toBeInstanceOf(VersionConflictError);
    app.service.checkCreate(la, 'rotherham', 'cspr', notifiableIncident('2020-05-28'));
    expect(() => app.service.checkCreate(la, 'rotherham', 'cspr', {})).toThrow('Some answers need correcting');
    expect(await countRows()).toBe(before);
  });

  test('the case as the API shows it: labels, who it waits for, what this person may do, and its record', async () => {
    const la = app.user('rotherham', 'local-authority');
    const view = await app.service.get(la, incident.id);
    const process = app.service.catalogue.partnerships.get('rotherham')!.processes.get('cspr')!;
    expect(view).toMatchObject({ partnership: 'rotherham', process: 'cspr', processVersion: 1, final: false, version: 1, createdBy: 'rotherham.local-authority', stateLabel: process.def.states[view.state]!.label });
    expect(view.reference).toMatch(/^[A-Z]+-2020-0001$/);
    expect(view.available.map((a: { type: string }) => a.type)).toContain('NOTIFIED');
    expect(view.waitingFor.length).toBeGreaterThan(0);
    expect(view.steps.map((s: { type: string }) => s.type)).toEqual(['CREATE']);
    expect(view.history).toHaveLength(1);
    expect(view.nextDeadline).toMatchObject({ due: expect.any(String) });
    // The business unit reads it too, but may not send the local authority's notification.
    const bu = await app.service.get(app.user('rotherham', 'business-unit'), incident.id);
    expect(bu.available.map((a: { type: string }) => a.type)).not.toContain('NOTIFIED');
  });
});

describe('timers and what the service follows', () => {
  test('a due timer fires once, by the service, and not before its day', async () => {
    const lscb = app.user('rotherham', 'lscb');
    const scr = await app.service.create(lscb, 'rotherham', 'scr-transition', { title: 'Child L', decisionDate: '2019-09-10' });
    expect(await app.service.fireDueTimers()).toBe(0);
    app.clock.moveTo('2020-09-30T09:00');
    expect(await app.service.fireDueTimers()).toBe(1);
    expect(await app.service.fireDueTimers()).toBe(0);
    const after = await app.service.get(lscb, scr.id);
    expect(after.history.at(-1)).toMatchObject({ type: 'GRACE_PERIOD_ENDED', by: 'system' });
    expect(after.state).not.toBe(scr.state);
  });

  test("a timer whose case has moved on before its day never fires", async () => {
    app.clock.moveTo('2020-06-02T09:00');
    const lscb = app.user('rotherham', 'lscb');
    const scr = await app.service.create(lscb, 'rotherham', 'scr-transition', { title: 'Child M', decisionDate: '2019-09-12' });
    await app.service.sendEvent(lscb, scr.id, { type: 'PUBLISHED', data: { publishedOn: '2020-06-01' }, expectedVersion: scr.version });
    app.clock.moveTo('2020-10-01T09:00');
    expect(await app.service.fireDueTimers()).toBe(0);
    expect((await app.service.get(lscb, scr.id)).history.map((h: { type: string }) => h.type)).toEqual(['CREATE', 'PUBLISHED']);
  });

  test('a renamed partner rewords the stored tasks of its cases, once; nothing in the history changes', async () => {
    const partner = app.user('merton', 'statutory-partner');
    const dispute = await app.service.create(partner, 'merton', 'dispute-resolution', { summary: 'A dispute' });
    await app.service.sendEvent(partner, dispute.id, { type: 'UNRESOLVED', data: { attendees: ['lb-merton'] }, expectedVersion: 1 });
    // The first check records what the files say; there is nothing stale to reword.
    expect(await app.service.followPlaces()).toBe(0);
    expect(await app.service.followPlaces()).toBe(0);
    const shipped = app.service.catalogue;
    const merton = shipped.partnerships.get('merton')!;
    const renamed = merton.def.statutoryPartners.map((p) => (p.id === 'met-police' ? { ...p, label: 'Metropolitan Police (renamed)' } : p));
    const catalogue: Catalogue = { ...shipped, partnerships: new Map([...shipped.partnerships, ['merton', { ...merton, def: { ...merton.def, statutoryPartners: renamed } }]]) };
    const history = await app.db.reader.all('SELECT hash FROM history ORDER BY position');
    const service = new CaseService(app.db, catalogue, app.clock);
    expect(await service.followPlaces()).toBe(1);
    expect(await service.followPlaces()).toBe(0);
    const tasks = (await service.get(partner, dispute.id)).tasks.map((t: { label: string }) => t.label);
    expect(tasks.some((label: string) => label.includes('Metropolitan Police (renamed)'))).toBe(true);
    expect(await app.db.reader.all('SELECT hash FROM history ORDER BY position')).toEqual(history);
  });

});

describe('following the calendar in force', () => {
  /** The State Funeral's bank holiday, announced on 10 September 2022 for Monday the 19th. */
  const HOLIDAY = "  - { date: '2022-09-19', name: 'Bank Holiday for the State Funeral of Queen Elizabeth II' }\n";
  let before: InProcess;
  let root: string;
  beforeAll(async () => {
    root = copyConfigurationInto(mkdtempSync(join(tmpdir(), 'calendar-')));
    editFile(join(root, 'workflows', 'calendars', 'england-and-wales.yaml'), (shipped) => shipped.replace(HOLIDAY, ''));
    const loaded = loadCatalogue(root);
    if (!loaded.ok) throw new Error('the copy does not load');
    before = await inProcess('2022-09-09T09:00Z', loaded.catalogue);
  });
  afterAll(async () => {
    await before.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('a new bank holiday moves the open deadlines running across it, once, by the service; a case whose deadlines all fall after it is left alone', async () => {
    const la = before.user('rotherham', 'local-authority');
    const open = await before.service.create(la, 'rotherham', 'cspr', notifiableIncident('2022-09-12'));
    const far = await before.service.create(la, 'rotherham', 'cspr', notifiableIncident('2022-10-03'));
    // The first look records the calendar as it is: nothing to move.
    expect(await before.service.followCalendar()).toBe(0);
    expect(await before.service.followCalendar()).toBe(0);
    const dueBefore = (await before.service.get(la, open.id)).deadlines.map((d: { id: string; due: string }) => [d.id, d.due]);
    const stored = await storeProcessVersions(before.db, shippedCatalogue(), { now: before.clock.now() });
    const after = new CaseService(before.db, stored.catalogue, before.clock);
    expect(await after.followCalendar()).toBe(1);
    expect(await after.followCalendar()).toBe(0);
    const moved = await after.get(la, open.id);
    expect(moved.history.at(-1)).toMatchObject({ type: 'CALENDAR_CHANGED', by: 'system' });
    const dueAfter = new Map(moved.deadlines.map((d: { id: string; due: string }) => [d.id, d.due]));
    // Five working days from 12 September: the 19th no longer counts, so the 19th becomes the 20th.
    expect(dueBefore).toContainEqual(['notify-national-panel', '2022-09-19']);
    expect(dueAfter.get('notify-national-panel')).toBe('2022-09-20');
    expect((await after.get(la, far.id)).history).toHaveLength(1);
  });
});
