import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { verifyAudit } from '../../server/store/audit.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { dropTestDatabase, openTestConnection, openTestDatabase, tamperableCopy } from '../support/database.ts';

/**
 * Immutable versions (issue 10, point 1). Each process as the files say is stored at start-up when it
 * differs from its newest stored version; a case runs on the version it started on. The test edits a
 * copy of the configuration between restarts of a real server on one SQLite file:
 *
 * - version 2 of Merton's dispute resolution drops the quorate guard, renames stage 2, rewords the
 *   absent partner's task and removes withdrawal (its event and its state);
 * - version 3 changes only a form: the partners' meeting must now give its date;
 * - version 4 is the shipped files again.
 */
let root: string;
let server: TestServer;
let partner: ApiClient;
let businessUnit: ApiClient;
const processFile = () => join(root, 'workflows', 'merton', 'dispute-resolution.yaml');
const formFile = () => join(root, 'forms', 'merton', 'partners-meeting.schema.json');
let shippedProcess: string;
let shippedForm: string;
const DISPUTE = '/api/partnerships/merton/processes/dispute-resolution';
const TWO_PARTNERS = ['lb-merton', 'met-police'];

async function signIn() {
  [partner, businessUnit] = await Promise.all(
    ['statutory-partner', 'business-unit'].map((role) => ApiClient.signIn(server, `merton.${role}`)),
  );
}

async function restart() {
  await server.restart();
  await signIn();
}

async function storedVersions(): Promise<{ partnership: string; process: string; version: number; hash: string }[]> {
  const db = await openTestConnection(server.databaseUrl);
  try {
    return await db.all('SELECT partnership, process, version, hash FROM process_versions ORDER BY partnership, process, version');
  } finally {
    await db.close();
  }
}

async function raise() {
  const res = await partner.createCase('merton', 'dispute-resolution', { summary: 'Disagreement over funding of the MASH' });
  expect(res.status).toBe(201);
  return res.body;
}

const types = (available: { type: string }[]) => available.map((a) => a.type).sort();

/** Version 2: the same process with a guard, a state, a task's label and an event (and its state) changed or gone. */
function version2(text: string): string {
  const quorate = text.indexOf('    guards:\n      - id: quorate');
  const quorateEnd = text.indexOf('    to: resolved', quorate);
  const withdraw = text.indexOf('  - type: WITHDRAW');
  const withdrawEnd = text.indexOf('reports:', withdraw);
  const withdrawn = text.indexOf('  withdrawn:\n');
  const withdrawnEnd = text.indexOf('conditions:', withdrawn);
  for (const at of [quorate, quorateEnd, withdraw, withdrawEnd, withdrawn, withdrawnEnd]) expect(at).toBeGreaterThan(0);
  const cut = [
    [withdraw, withdrawEnd],
    [quorate, quorateEnd],
    [withdrawn, withdrawnEnd],
  ].sort((a, b) => b[0]! - a[0]!);
  let changed = text;
  for (const [from, to] of cut) changed = changed.slice(0, from) + changed.slice(to);
  changed = changed
    .replaceAll('stage-2-arbitration', 'stage-2-mediation')
    .replace("label: 'Stage 2: Independent Person arbitrates'", "label: 'Stage 2: Independent Person mediates'")
    .replace('label: Independent Person to write to the accountable officer of {itemLabel}', 'label: Write to the accountable officer of {itemLabel}');
  expect(changed).toContain('stage-2-mediation');
  expect(changed).not.toContain('WITHDRAW');
  return changed;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'process-versions-'));
  const project = join(import.meta.dirname, '..', '..');
  cpSync(join(project, 'workflows'), join(root, 'workflows'), { recursive: true });
  cpSync(join(project, 'forms'), join(root, 'forms'), { recursive: true });
  shippedProcess = readFileSync(processFile(), 'utf8');
  shippedForm = readFileSync(formFile(), 'utf8');
  server = await startTestServer({ root, now: '2020-10-01' });
  await signIn();
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

// The cases made along the way, by the version they started on.
const cases: Record<string, { id: string }> = {};

describe('versions of a process, and the cases that run on them', () => {
  test('the first start stores every process as version 1; a plain restart stores nothing', async () => {
    const first = await storedVersions();
    const processes = [...shippedCatalogue().partnerships.values()].reduce((n, p) => n + p.processes.size, 0);
    expect(first).toHaveLength(processes);
    expect(new Set(first.map((v) => v.version))).toEqual(new Set([1]));
    await restart();
    expect(await storedVersions()).toEqual(first);
    const listed = (await partner.get('/api/partnerships')).body[0].processes;
    expect(listed).toContainEqual(expect.objectContaining({ id: 'dispute-resolution', version: 1 }));
    const def = await partner.get(DISPUTE);
    expect(def.body).toMatchObject({ version: 1, newestVersion: 1, versions: [{ version: 1, createdAt: expect.any(String) }] });
  });

  test('a changed file is version 2: a running case keeps version 1\'s events, guards, states, tasks and labels; a new case takes version 2\'s', async () => {
    cases.old = await raise();
    cases.oldInStage2 = await raise();
    expect((await partner.sendEvent(cases.oldInStage2.id, 'UNRESOLVED', { attendees: TWO_PARTNERS, reason: 'No agreement' }, 1)).status).toBe(200);
    const before = await storedVersions();

    writeFileSync(processFile(), version2(shippedProcess));
    await restart();
    const after = await storedVersions();
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((v) => v.process === 'dispute-resolution' && v.partnership === 'merton').map((v) => v.version)).toEqual([1, 2]);
    // Only the changed process has a new version.
    expect(after.filter((v) => v.version > 1)).toEqual([expect.objectContaining({ partnership: 'merton', process: 'dispute-resolution', version: 2 })]);

    // The old case: version 1's events (WITHDRAW), guard (quorate), state names, labels and task.
    const old = (await partner.get(`/api/cases/${cases.old.id}`)).body;
    expect(old).toMatchObject({ processVersion: 1, state: 'stage-1-partners-meet' });
    expect(types(old.available)).toEqual(['AGREED', 'UNRESOLVED', 'WITHDRAW']);
    const refused = await partner.sendEvent(cases.old.id, 'AGREED', { attendees: TWO_PARTNERS }, 1);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([{ guard: 'quorate', message: expect.stringContaining('quorate'), paths: ['/attendees'], dates: [] }]);
    const oldStage2 = await partner.sendEvent(cases.old.id, 'UNRESOLVED', { attendees: TWO_PARTNERS, reason: 'No agreement' }, 1);
    expect(oldStage2.status).toBe(200);
    expect(oldStage2.body).toMatchObject({ processVersion: 1, state: 'stage-2-arbitration', stateLabel: 'Stage 2: Independent Person arbitrates' });
    expect(oldStage2.body.tasks).toEqual([expect.objectContaining({ label: expect.stringMatching(/^Independent Person to write to the accountable officer of NHS Merton CCG/) })]);
    expect(types((await businessUnit.get(`/api/cases/${cases.oldInStage2.id}`)).body.available)).toContain('WITHDRAW');

    // A new case: version 2's rules.
    cases.new = await raise();
    expect(cases.new).toMatchObject({ processVersion: 2 });
    const fresh = cases.new as unknown as { available: { type: string }[] };
    expect(types(fresh.available)).toEqual(['AGREED', 'UNRESOLVED']);
    const gone = await partner.sendEvent(cases.new.id, 'WITHDRAW', { reason: 'Resolved informally' }, 1);
    expect(gone.status).toBe(409);
    expect(gone.body.error.code).toBe('event_not_allowed');
    const agreed = await partner.sendEvent(cases.new.id, 'AGREED', { attendees: TWO_PARTNERS, outcome: 'Funding shared' }, 1);
    expect(agreed.status).toBe(200);
    expect(agreed.body).toMatchObject({ processVersion: 2, state: 'resolved', final: true });
    cases.newInStage2 = await raise();
    const newStage2 = await partner.sendEvent(cases.newInStage2.id, 'UNRESOLVED', { attendees: TWO_PARTNERS, reason: 'No agreement' }, 1);
    expect(newStage2.body).toMatchObject({ processVersion: 2, state: 'stage-2-mediation', stateLabel: 'Stage 2: Independent Person mediates' });
    expect(newStage2.body.tasks).toEqual([expect.objectContaining({ label: expect.stringMatching(/^Write to the accountable officer of NHS Merton CCG/) })]);

    // The old case moves on under version 1 after the change too, and lists show its version's labels.
    const withdrawn = await businessUnit.sendEvent(cases.oldInStage2.id, 'WITHDRAW', { reason: 'Resolved informally' }, 2);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ processVersion: 1, state: 'withdrawn', stateLabel: 'Withdrawn', final: true });
    const items = (await businessUnit.get('/api/cases?process=dispute-resolution')).body.items as { id: string; stateLabel: string }[];
    expect(items.find((i) => i.id === cases.old.id)).toMatchObject({ stateLabel: 'Stage 2: Independent Person arbitrates' });
    expect(items.find((i) => i.id === cases.newInStage2.id)).toMatchObject({ stateLabel: 'Stage 2: Independent Person mediates' });
  });

  test('the definition route serves the newest, ?version=N that version, 404 for one that does not exist and 400 for one that is not a number', async () => {
    const newest = (await partner.get(DISPUTE)).body;
    expect(newest).toMatchObject({ version: 2, newestVersion: 2, versions: [{ version: 1 }, { version: 2 }] });
    expect(newest.states.map((s: { id: string }) => s.id)).toContain('stage-2-mediation');
    expect(newest.states.map((s: { id: string }) => s.id)).not.toContain('withdrawn');
    expect(newest.events.map((e: { type: string }) => e.type)).not.toContain('WITHDRAW');

    const first = (await partner.get(`${DISPUTE}?version=1`)).body;
    expect(first).toMatchObject({ version: 1, newestVersion: 2 });
    expect(first.states.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(['stage-2-arbitration', 'withdrawn']));
    expect(first.events.map((e: { type: string }) => e.type)).toContain('WITHDRAW');
    expect((await partner.get(`${DISPUTE}?version=2`)).body).toEqual(newest);

    const missing = await partner.get(`${DISPUTE}?version=3`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ code: 'not_found', message: expect.stringMatching(/has no version 3; its versions are 1, 2$/) });
    for (const bad of ['abc', '0', '-1', '1.5', '', '1e2']) {
      const res = await partner.get(`${DISPUTE}?version=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
    expect((await partner.get(`${DISPUTE}?version=1&version=2`)).status).toBe(400);
    expect((await partner.get(`${DISPUTE}/graph?version=9`)).status).toBe(404);
  });

  test('the graph counts the cases of every version on its states, says how many are on each, and keeps a state only an older version has while cases are in it', async () => {
    const graph = (await businessUnit.get(`${DISPUTE}/graph`)).body;
    const node = (id: string) => graph.nodes.find((n: { id: string }) => n.id === id);
    // Version 1: one case in stage 2 (arbitration), one withdrawn; version 2: one resolved, one in stage 2 (mediation).
    expect(graph.version).toBe(2);
    expect(graph.versions).toEqual([
      { version: 1, count: 2 },
      { version: 2, count: 2 },
    ]);
    expect(node('stage-2-arbitration')).toEqual({
      id: 'stage-2-arbitration',
      label: 'Stage 2: Independent Person arbitrates',
      final: false,
      count: 1,
      overdue: 0,
      versions: [{ version: 1, count: 1 }],
      retired: true,
    });
    expect(node('withdrawn')).toMatchObject({ label: 'Withdrawn', final: true, count: 1, versions: [{ version: 1, count: 1 }], retired: true });
    expect(node('stage-2-mediation')).toMatchObject({ count: 1, versions: [{ version: 2, count: 1 }] });
    expect(node('stage-2-mediation').retired).toBeUndefined();
    expect(node('resolved')).toMatchObject({ count: 1, versions: [{ version: 2, count: 1 }] });
    expect(node('stage-1-partners-meet')).toMatchObject({ count: 0, versions: [] });
    // Edges are the version's own.
    expect(graph.edges.map((e: { event: string }) => e.event)).not.toContain('WITHDRAW');

    const old = (await businessUnit.get(`${DISPUTE}/graph?version=1`)).body;
    expect(old.version).toBe(1);
    expect(old.nodes.find((n: { id: string }) => n.id === 'stage-2-arbitration')).toMatchObject({ count: 1 });
    expect(old.nodes.find((n: { id: string }) => n.id === 'stage-2-arbitration').retired).toBeUndefined();
    expect(old.nodes.find((n: { id: string }) => n.id === 'stage-2-mediation')).toMatchObject({ count: 1, retired: true });
    expect(old.edges.map((e: { event: string }) => e.event)).toContain('WITHDRAW');

    // Reports read each case's states under its version: withdrawn is final in version 1 only.
    const summary = (await businessUnit.get('/api/partnerships/merton/reports/summary?from=2020-10-01&to=2020-10-01')).body;
    const disputes = summary.processes.find((p: { process: string }) => p.process === 'dispute-resolution');
    expect(disputes.closed).toEqual({ withdrawn: 1, resolved: 1 });
  });

  test('a changed form alone is a new version: a case validates against the forms of its own version', async () => {
    cases.v2Open = await raise();
    const form = JSON.parse(shippedForm) as { required: string[] };
    writeFileSync(formFile(), JSON.stringify({ ...form, required: [...form.required, 'meetingDate'] }, null, 2));
    await restart();
    const versions = await storedVersions();
    expect(versions.filter((v) => v.version > 1).map((v) => `${v.partnership}/${v.process} ${v.version}`)).toEqual([
      'merton/dispute-resolution 2',
      'merton/dispute-resolution 3',
    ]);

    const newCase = await raise();
    expect(newCase.processVersion).toBe(3);
    const refused = await partner.sendEvent(newCase.id, 'UNRESOLVED', { attendees: TWO_PARTNERS, reason: 'No agreement' }, 1);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: '/meetingDate' })]);
    // The case of version 2 still answers its own version's form, without the date.
    const accepted = await partner.sendEvent(cases.v2Open.id, 'UNRESOLVED', { attendees: TWO_PARTNERS, reason: 'No agreement' }, 1);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ processVersion: 2, state: 'stage-2-mediation' });

    // The form as each version has it.
    expect((await partner.get('/api/partnerships/merton/forms/partners-meeting')).body.schema.required).toEqual(['attendees', 'meetingDate']);
    const ofVersion2 = await partner.get('/api/partnerships/merton/forms/partners-meeting?process=dispute-resolution&version=2');
    expect(ofVersion2.body.schema.required).toEqual(['attendees']);
    const validator = await partner.get('/api/partnerships/merton/forms/partners-meeting/validator.js?process=dispute-resolution&version=2');
    expect(validator.status).toBe(200);
    expect((await partner.get('/api/partnerships/merton/forms/partners-meeting?process=dispute-resolution')).status).toBe(400);
    expect((await partner.get('/api/partnerships/merton/forms/partners-meeting?process=dispute-resolution&version=7')).status).toBe(404);
  });

  test('files that go back to an older content are the next version, never a replacement of one; stored versions cannot be changed', async () => {
    writeFileSync(processFile(), shippedProcess);
    writeFileSync(formFile(), shippedForm);
    await restart();
    const versions = (await storedVersions()).filter((v) => v.partnership === 'merton' && v.process === 'dispute-resolution');
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4]);
    expect(versions[3]!.hash).toBe(versions[0]!.hash);
    expect(new Set(versions.slice(0, 3).map((v) => v.hash)).size).toBe(3);
    expect((await raise()).processVersion).toBe(4);
    expect((await partner.get(DISPUTE)).body).toMatchObject({ version: 4, newestVersion: 4 });

    const db = await openTestDatabase(server.databaseUrl);
    try {
      await expect(db.transaction((tx) => tx.run("UPDATE process_versions SET content = '{}' WHERE version = 1"))).rejects.toThrow(/never changed/);
      await expect(db.transaction((tx) => tx.run('DELETE FROM process_versions WHERE version = 2'))).rejects.toThrow(/never removed/);
    } finally {
      await db.close();
    }
  });

  test('verify-audit replays every case under its own version: the chain and all cases match, whatever the files now say', async () => {
    const db = await openTestConnection(server.databaseUrl);
    try {
      const onVersions = await db.all<{ process_version: number; n: number }>(
        "SELECT process_version, COUNT(*) AS n FROM cases WHERE process = 'dispute-resolution' GROUP BY process_version ORDER BY process_version",
      );
      expect(onVersions.map((v) => v.process_version)).toEqual([1, 2, 3, 4]);
      const result = await verifyAudit(db, shippedCatalogue());
      expect(result).toMatchObject({ ok: true, differences: [], differenceCount: 0 });
      // With version 2's file on disk instead: the stored versions decide, not the file.
      writeFileSync(processFile(), version2(shippedProcess));
      const loaded = loadCatalogue(root);
      expect(loaded.ok).toBe(true);
      if (loaded.ok) expect(await verifyAudit(db, loaded.catalogue)).toMatchObject({ ok: true, differenceCount: 0 });
    } finally {
      writeFileSync(processFile(), shippedProcess);
      await db.close();
    }
  });

  test('verify-audit names a stored version whose definition was edited behind the triggers', async () => {
    const copy = await tamperableCopy(server.databaseUrl, root);
    await copy.tamper("UPDATE process_versions SET content = replace(content, 'quorate', 'q') WHERE partnership = 'merton' AND process = 'dispute-resolution' AND version = 1");
    const tampered = await openTestConnection(copy.databaseUrl);
    try {
      const result = await verifyAudit(tampered, shippedCatalogue());
      expect(result.ok).toBe(false);
      expect(result.differences).toContainEqual({ caseId: 'merton/dispute-resolution version 1', what: expect.stringContaining('does not match its hash') });
    } finally {
      await tampered.close();
      await dropTestDatabase(copy.databaseUrl);
    }
  });
});
