import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import type { Catalogue } from '../../server/engine/catalogue.ts';
import type { MigrationSpec } from '../../server/engine/migration.ts';
import { verifyAudit } from '../../server/store/audit.ts';
import { applyMigrations, MigrationAbortedError, previewMigrations } from '../../server/store/case-migration.ts';
import { SqliteDatabase, openConnection } from '../../server/store/sqlite.ts';
import { ApiClient } from '../support/server.ts';
import { PARTNERSHIP, PROCESS, RENAMED, versionedCases, type VersionedCases } from '../support/versioned-cases.ts';

/**
 * Migrating running cases, on purpose (issue 10, point 3), against a real SQLite file while a real
 * server runs on it: cases on version 1 of Merton's disputes, version 2 renaming stage 2. A migration
 * that would strand the stage 2 cases is refused and changes nothing; the one that maps stage 2 is
 * previewed, then applied in one transaction, each case with a history entry by `system`; the cases
 * then take version 2's events, and verify-audit still replays every case to what the tables hold.
 */
let fixture: VersionedCases;
let catalogue: Catalogue;
let independentPerson: ApiClient;

const stranding: MigrationSpec = { process: PROCESS, from: 1, to: 2, states: {} };
const mapping: MigrationSpec = { ...stranding, states: { [RENAMED.from]: RENAMED.to }, reason: 'Stage 2 is now mediation' };
const AT = '2020-10-01T10:00:00.000Z';

async function preview(spec: MigrationSpec) {
  const db = await openConnection(fixture.file, { readOnly: true });
  try {
    return await previewMigrations(db, catalogue, { partnership: PARTNERSHIP, specs: [spec] });
  } finally {
    await db.close();
  }
}

async function apply(spec: MigrationSpec) {
  // A second writer on the file the server is using, as the migrate command is.
  const db = await SqliteDatabase.open(fixture.file);
  try {
    return await applyMigrations(db, catalogue, { partnership: PARTNERSHIP, specs: [spec] }, AT);
  } finally {
    await db.close();
  }
}

const caseOf = async (id: string) => (await independentPerson.get(`/api/cases/${id}`)).body;

beforeAll(async () => {
  fixture = await versionedCases();
  const loaded = loadCatalogue(fixture.root);
  if (!loaded.ok) throw new Error('the changed configuration does not load');
  catalogue = loaded.catalogue;
  independentPerson = await ApiClient.signIn(fixture.server, `${PARTNERSHIP}.independent-person`);
}, 60_000);
afterAll(() => fixture.close());

describe('migrating running cases from version 1 to version 2', () => {
  test('a migration that would strand the stage 2 cases is refused, saying where they are, and nothing changes', async () => {
    const before = await fixture.snapshot();
    for (const plans of [await preview(stranding), await apply(stranding)]) {
      expect(plans).toEqual([
        {
          ok: false,
          spec: stranding,
          problems: [{ path: ['states'], message: expect.stringMatching(new RegExp(`^2 running case\\(s\\) are in "${RENAMED.from}" \\(.+\\), which version 2 does not have: map it under states to a running state of version 2 \\(.*${RENAMED.to}.*\\)$`)) }],
        },
      ]);
    }
    const typo = await apply({ ...mapping, states: { [RENAMED.from]: 'stage-2-mediaton' } });
    expect(typo[0]).toMatchObject({ ok: false, problems: [{ path: ['states', RENAMED.from], message: expect.stringContaining('"stage-2-mediaton" is not a state of version 2') }] });
    const missing = await apply({ ...mapping, to: 3 });
    expect(missing[0]).toMatchObject({ ok: false, problems: [{ path: ['to'], message: expect.stringContaining(`${PARTNERSHIP}/${PROCESS} has no version 3 in this database`) }] });
    expect(await fixture.snapshot()).toEqual(before);
    expect(await caseOf(fixture.ids.stage2[0]!)).toMatchObject({ processVersion: 1, state: RENAMED.from });
  });

  test('the preview lists each running case, from where to where; closed cases stay; nothing changes', async () => {
    const before = await fixture.snapshot();
    const ref = (id: string) => fixture.references.get(id)!;
    const [plan] = await preview(mapping);
    const stage1 = fixture.stage1State;
    expect(plan).toEqual({
      ok: true,
      spec: mapping,
      closed: 1,
      moves: [
        { caseId: fixture.ids.stage1, reference: ref(fixture.ids.stage1), from: stage1, to: stage1 },
        ...fixture.ids.stage2.map((id) => ({ caseId: id, reference: ref(id), from: RENAMED.from, to: RENAMED.to })),
      ],
    });
    expect(await fixture.snapshot()).toEqual(before);
  });

  test('all or nothing: when one case cannot be moved, none is', async () => {
    // The last case's row says something its history does not: the migration stops there, after the others were written.
    const last = fixture.ids.stage2[1]!;
    const before = await fixture.snapshot();
    await fixture.setColumn(last, 'state', fixture.stage1State);
    await expect(apply(mapping)).rejects.toThrow(MigrationAbortedError);
    await fixture.setColumn(last, 'state', RENAMED.from);
    expect(await fixture.snapshot()).toEqual(before);
  });

  test('applied in one transaction: each case on version 2 in its new state, with a history entry by system naming both versions', async () => {
    const before = await Promise.all(fixture.ids.stage2.map(caseOf));
    const [plan] = await apply(mapping);
    expect(plan).toMatchObject({ ok: true, closed: 1 });
    for (const [i, id] of fixture.ids.stage2.entries()) {
      const after = await caseOf(id);
      expect(after).toMatchObject({ processVersion: 2, state: RENAMED.to, final: false, version: before[i].version + 1 });
      expect(after.history.at(-1)).toEqual({
        seq: before[i].version + 1,
        type: 'VERSION_MIGRATED',
        from: RENAMED.from,
        to: RENAMED.to,
        by: 'system',
        at: AT,
        data: { fromVersion: 1, toVersion: 2, reason: 'Stage 2 is now mediation' },
      });
      // What the case was stays: its facts, its owed letter, what was recorded at each step (read under version 1).
      expect(after.data).toEqual(before[i].data);
      expect(after.tasks).toEqual(before[i].tasks);
      expect(before[i].steps).not.toEqual([]);
      expect(before[i].tasks).not.toEqual([]);
      expect(after.steps).toEqual(before[i].steps);
      expect(after.available.map((a: { type: string }) => a.type)).toContain('AGREED');
    }
    expect(await caseOf(fixture.ids.stage1)).toMatchObject({ processVersion: 2 });
    expect(await caseOf(fixture.ids.resolved)).toMatchObject({ processVersion: 1, final: true });
    // The escalation log says what happened in words, by the service.
    const businessUnit = await ApiClient.signIn(fixture.server, `${PARTNERSHIP}.business-unit`);
    const log = (await businessUnit.get(`/api/partnerships/${PARTNERSHIP}/escalation-log`)).body as { caseId: string; event: string }[];
    expect(log.filter((r) => r.event === 'VERSION_MIGRATED' && r.caseId === fixture.ids.stage2[0])).toEqual([
      expect.objectContaining({ eventLabel: 'Moved to version 2 of the process', byLabel: 'The service (automatic)', from: RENAMED.from, to: RENAMED.to }),
    ]);
    // Run again: every running case is on version 2 already.
    expect((await preview(mapping))[0]).toEqual({ ok: true, spec: mapping, moves: [], closed: 1 });
  });

  test("a migrated case takes version 2's events; a page loaded before the migration is out of date", async () => {
    const [id] = fixture.ids.stage2 as [string];
    const current = await caseOf(id);
    const stale = await independentPerson.sendEvent(id, 'AGREED', { outcome: 'Agreed at mediation' }, current.version - 1);
    expect(stale.status).toBe(409);
    const agreed = await independentPerson.sendEvent(id, 'AGREED', { outcome: 'Agreed at mediation' }, current.version);
    expect(agreed.status, JSON.stringify(agreed.body)).toBe(200);
    expect(agreed.body).toMatchObject({ processVersion: 2, final: true });
    expect(agreed.body.history.at(-1)).toMatchObject({ type: 'AGREED', from: RENAMED.to, by: `${PARTNERSHIP}.independent-person` });
  });

  test('verify-audit replays every migrated case to what the tables hold, across a restart, and still names a moved version', async () => {
    // A migration file beside the workflows is no part of the configuration the server loads.
    fixture.writeMigration(`process: ${PROCESS}\nfrom: 1\nto: 2\nstates:\n  ${RENAMED.from}: ${RENAMED.to}\n`);
    await fixture.server.restart();
    const audit = async () => {
      const db = await openConnection(fixture.file, { readOnly: true });
      try {
        return await verifyAudit(db, catalogue);
      } finally {
        await db.close();
      }
    };
    const result = await audit();
    expect(result.differences).toEqual([]);
    expect(result).toMatchObject({ ok: true, cases: 4 });

    // A migrated case put back on version 1 in the cases table alone: its history says 2.
    const [id] = fixture.ids.stage2 as [string];
    await fixture.setColumn(id, 'process_version', 1);
    try {
      expect((await audit()).differences).toContainEqual({ caseId: id, what: 'process version is 1 in the cases table, the history says 2' });
    } finally {
      await fixture.setColumn(id, 'process_version', 2);
    }
  });
});
