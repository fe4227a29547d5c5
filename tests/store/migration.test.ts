import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';
import { readMigrations } from '../../server/store/migrate.ts';
import { openConnection } from '../../server/store/sqlite.ts';
import { runScript } from '../security/support.ts';
import { ApiClient } from '../support/server.ts';

/**
 * Migration 002 ("the history is the record") on a database made by the version before it: the
 * fixture was written by that version's own server through its API (see tests/fixtures/README.md),
 * and the expectations beside it are what that server showed of every case. The new server starts
 * on a copy, which runs the migration; then nothing may be lost, and `verify-audit` must pass.
 */
const FIXTURE = fileURLToPath(new URL('../fixtures/before-history-is-the-record.sqlite', import.meta.url));
/**
 * The configuration of the fixture's era, which the upgrade runs with: a database from before versions
 * were stored is upgraded before its processes change (see README, "Changing a process: versions"). It is
 * the shipped configuration as it was before the processes were fixed from a reading of the sources
 * (commit ae99b29); the last test then starts the current one on the upgraded file.
 */
const ERA_CONFIG = fileURLToPath(new URL('../fixtures/before-history-is-the-record.config', import.meta.url));
const EXPECTED = JSON.parse(readFileSync(new URL('../fixtures/before-history-is-the-record.expected.json', import.meta.url), 'utf8')) as {
  madeBy: string;
  today: string;
  cases: Record<string, OldCase>;
};

interface OldCase {
  id: string;
  partnership: string;
  process: string;
  processVersion: number;
  state: string;
  final: boolean;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  data: Record<string, unknown>;
  deadlines: { id: string; label: string; due: string; met: boolean | null; overdue: boolean }[];
  tasks: { id: string; label: string; done: boolean }[];
  links: { id: string; process: string; relation: string }[];
  history: { seq: number; type: string; from: string | null; to: string; by: string; at: string; data: Record<string, unknown> }[];
}

interface OldHistoryRow {
  position: number;
  case_id: string;
  seq: number;
  type: string;
  from_state: string | null;
  to_state: string;
  by: string;
  at: string;
  data: string;
  hash: string;
}

/** Every table's rows and the schema, to show that a refused upgrade changed nothing. */
async function dump(file: string): Promise<Record<string, unknown[]>> {
  const db = await openConnection(file, { readOnly: true });
  try {
    const schema = await db.all<{ type: string; name: string; sql: string | null }>('SELECT type, name, sql FROM sqlite_master ORDER BY type, name');
    const out: Record<string, unknown[]> = { sqlite_master: schema };
    for (const { name } of schema.filter((s) => s.type === 'table')) out[name] = await db.all(`SELECT * FROM "${name}" ORDER BY rowid`);
    return out;
  } finally {
    await db.close();
  }
}

async function readOld(file: string) {
  const db = await openConnection(file, { readOnly: true });
  try {
    return {
      history: await db.all<OldHistoryRow>('SELECT position, case_id, seq, type, from_state, to_state, by, at, data, hash FROM history ORDER BY position'),
      cases: await db.all<Record<string, unknown>>('SELECT * FROM cases ORDER BY id'),
      deadlines: await db.all<Record<string, unknown>>('SELECT case_id, id, label, due, satisfied_by, met FROM deadlines ORDER BY case_id, id'),
      tasks: await db.all<Record<string, unknown>>('SELECT case_id, id, label, done, position FROM tasks ORDER BY case_id, id'),
      timers: await db.all<Record<string, unknown>>('SELECT * FROM timers ORDER BY case_id, event'),
      links: await db.all<Record<string, unknown>>('SELECT * FROM links ORDER BY case_id, linked_case_id'),
      migrations: await db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version'),
    };
  } finally {
    await db.close();
  }
}

let dir: string;
let file: string;
let old: Awaited<ReturnType<typeof readOld>>;
let server: RunningServer;
const readers = new Map<string, ApiClient>();

/** A case page on the new server, read by its partnership's business unit (who reads every case there). */
async function page(c: OldCase) {
  let reader = readers.get(c.partnership);
  if (reader === undefined) {
    reader = await ApiClient.signIn(server, `${c.partnership}.business-unit`);
    readers.set(c.partnership, reader);
  }
  const res = await reader.get(`/api/cases/${c.id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'migration-test-'));
  file = join(dir, 'db.sqlite');
  copyFileSync(FIXTURE, file);
  old = await readOld(file);
  // The new version on the old file: the same "today" the old server last ran on, so pages compare.
  server = await startServer({ port: 0, databaseUrl: `sqlite:${file}`, now: EXPECTED.today, demo: true, root: ERA_CONFIG });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('migration 002 on a database made by the version before it', () => {
  test('the fixture is what its README says: 16 cases of 7 processes in 3 partnerships, 39 history rows, only migration 001', () => {
    expect(old.migrations).toEqual([{ version: 1 }]);
    expect(old.cases).toHaveLength(16);
    expect(old.history).toHaveLength(39);
    expect(new Set(old.cases.map((c) => c.partnership))).toEqual(new Set(['merton', 'rotherham', 'leicester']));
    expect(new Set(old.cases.map((c) => `${c.partnership}/${c.process}`)).size).toBe(7);
    expect(new Set(old.cases.map((c) => c.process))).toEqual(new Set(['dispute-resolution', 'cspr', 'scr-transition', 'veto-review']));
    expect(Object.values(EXPECTED.cases).map((c) => c.id).sort()).toEqual(old.cases.map((c) => c.id));
  });

  test('every case and every history row is still there, with the same data, seq, by and at', async () => {
    const db = await openConnection(file, { readOnly: true });
    try {
      const history = await db.all<OldHistoryRow & { partnership: string; process: string; process_version: number; effects: string }>(
        'SELECT position, case_id, partnership, process, process_version, seq, type, from_state, to_state, by, at, data, effects FROM history ORDER BY position',
      );
      // Not one row more either: starting the new server sent no timer and moved no deadline.
      expect(history).toHaveLength(39);
      for (const [i, before] of old.history.entries()) {
        const after = history[i]!;
        expect({ ...after, data: JSON.parse(after.data) }).toMatchObject({
          position: before.position,
          case_id: before.case_id,
          seq: before.seq,
          type: before.type,
          from_state: before.from_state,
          to_state: before.to_state,
          by: before.by,
          at: before.at,
          data: JSON.parse(before.data),
        });
        const owner = old.cases.find((c) => c.id === before.case_id)!;
        expect([after.partnership, after.process, after.process_version]).toEqual([owner.partnership, owner.process, owner.process_version]);
      }
      const cases = await db.all<Record<string, unknown>>('SELECT id, partnership, process, process_version, state, final, version, created_by, created_at, updated_at FROM cases ORDER BY id');
      expect(cases).toEqual(old.cases.map(({ data: _data, ...rest }) => rest));
      // The cache beside the cases lost nothing either (deadlines gained `corrected`, all false).
      expect(await db.all('SELECT case_id, id, label, due, satisfied_by, met FROM deadlines ORDER BY case_id, id')).toEqual(old.deadlines);
      expect(await db.all('SELECT DISTINCT corrected FROM deadlines')).toEqual([{ corrected: 0 }]);
      expect(await db.all('SELECT case_id, id, label, done, position FROM tasks ORDER BY case_id, id')).toEqual(old.tasks);
      expect(await db.all('SELECT * FROM timers ORDER BY case_id, event')).toEqual(old.timers);
      expect(old.timers).toHaveLength(1);
      expect(await db.all('SELECT * FROM links ORDER BY case_id, linked_case_id')).toEqual(old.links);
      expect(old.links).toHaveLength(4);
      // Every migration there is, each recorded once (later ones are tested on their own).
      const known = (await readMigrations()).map((m) => ({ version: m.version }));
      expect(known.slice(0, 3)).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
      expect(await db.all('SELECT version FROM schema_migrations ORDER BY version')).toEqual(known);
      // The cases all ran on version 1, which is now each process as the files were at this first start.
      expect(await db.all('SELECT DISTINCT process_version FROM cases')).toEqual([{ process_version: 1 }]);
      expect(await db.all("SELECT DISTINCT version FROM process_versions WHERE partnership = 'rotherham'")).toEqual([{ version: 1 }]);
    } finally {
      await db.close();
    }
  });

  test('npm run verify-audit passes on it: "39 rows, chain intact", "16 case(s) match"', async () => {
    // Under the configuration the server upgraded it with: the tasks' wording names partners as that configuration does.
    const result = await runScript('scripts/verify-audit.ts', ['--config', ERA_CONFIG, file]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(': 39 rows, chain intact (head hash ');
    expect(result.stdout).toContain(': 16 case(s) match what their history decides');
    expect(result.stderr).toBe('');
  });

  test('an audit_epochs row records the old head hash, the rows re-sealed and the new head', async () => {
    const db = await openConnection(file, { readOnly: true });
    try {
      const epochs = await db.all<{ reason: string; rows: number; old_head_hash: string; new_head_hash: string }>('SELECT reason, rows, old_head_hash, new_head_hash FROM audit_epochs');
      const head = await db.get<{ hash: string }>('SELECT hash FROM history ORDER BY position DESC LIMIT 1');
      expect(epochs).toEqual([{ reason: expect.stringMatching(/^Migration 002: the old chain verified intact/), rows: 39, old_head_hash: old.history.at(-1)!.hash, new_head_hash: head!.hash }]);
      expect(head!.hash).not.toBe(old.history.at(-1)!.hash);
    } finally {
      await db.close();
    }
  });

  test.each(Object.entries(EXPECTED.cases))('%s: its page shows the state, deadlines, tasks, links and history the old version showed', async (_name, before) => {
    const after = await page(before);
    expect({ state: after.state, final: after.final, version: after.version, createdBy: after.createdBy, createdAt: after.createdAt, updatedAt: after.updatedAt }).toEqual({
      state: before.state,
      final: before.final,
      version: before.version,
      createdBy: before.createdBy,
      createdAt: before.createdAt,
      updatedAt: before.updatedAt,
    });
    expect(after.deadlines).toEqual(before.deadlines.map((d) => ({ ...d, corrected: false })));
    // Tasks and links gained fields (whose a task is; the linked case's reference): what was shown is unchanged.
    expect(after.tasks.map(({ id, label, done }: { id: string; label: string; done: boolean }) => ({ id, label, done }))).toEqual(before.tasks);
    expect(after.links.map(({ id, process, relation }: { id: string; process: string; relation: string }) => ({ id, process, relation }))).toEqual(before.links);
    expect(after.history).toEqual(before.history);
    // Every answer the old page showed is still on the page: in `data` as first recorded, and each step's own in `steps`.
    for (const [field, shown] of Object.entries(before.data)) {
      const recordedBy = before.history.filter((h) => field in h.data);
      expect(after.data[field], field).toEqual(recordedBy[0]?.data[field] ?? shown);
      expect(recordedBy.at(-1)?.data[field] ?? shown, field).toEqual(shown);
    }
    expect(Object.keys(after.data).sort()).toEqual(Object.keys(before.data).sort());
  });

  test('migration 004 gave every existing case a reference: per partnership and year, in the order they were recorded', async () => {
    const db = await openConnection(file, { readOnly: true });
    try {
      const cases = await db.all<{ partnership: string; created_at: string; reference: string }>('SELECT partnership, created_at, reference FROM cases ORDER BY created_at, id');
      const next = new Map<string, number>();
      for (const c of cases) {
        const stem = `${c.partnership.slice(0, 3).toUpperCase()}-${c.created_at.slice(0, 4)}-`;
        next.set(stem, (next.get(stem) ?? 0) + 1);
        expect(c.reference).toBe(`${stem}${String(next.get(stem)).padStart(4, '0')}`);
      }
    } finally {
      await db.close();
    }
    for (const before of Object.values(EXPECTED.cases)) expect((await page(before)).reference).toMatch(/^[A-Z]{3}-\d{4}-\d{4}$/);
  });

  test('a field two steps answered: the first-recorded rationale is in data, both answers are in steps', async () => {
    const before = EXPECTED.cases['rotherham-cspr-rationale']!;
    const recommended = before.history.find((h) => h.type === 'RECOMMEND')!.data.rationale;
    const decided = before.history.find((h) => h.type === 'DECIDE')!.data.rationale;
    expect(recommended).toBe('Agencies did not share information about the move.');
    expect(decided).toBe('The criteria for a local review are met.');
    // The old version showed the last answer given under the name, the Independent Chair's.
    expect(before.data.rationale).toBe(decided);
    const after = await page(before);
    expect(after.data.rationale).toBe(recommended);
    const entries = (type: string) => after.steps.find((s: { type: string }) => s.type === type)?.entries as { seq: number; by: string; data: Record<string, unknown> }[];
    expect(entries('RECOMMEND')).toEqual([expect.objectContaining({ seq: 3, by: 'rotherham.practice-review-panel', data: expect.objectContaining({ rationale: recommended }) })]);
    expect(entries('DECIDE')).toEqual([expect.objectContaining({ seq: 4, by: 'rotherham.independent-chair', data: expect.objectContaining({ rationale: decided }) })]);
  });

  test('the SCR moved by its timer and the local review it started stay linked both ways, and a pending timer still fires, once', async () => {
    const scr = await page(EXPECTED.cases['rotherham-scr-timer']!);
    expect(scr.history.map((h: { type: string; by: string }) => `${h.type} by ${h.by}`)).toEqual([
      'CREATE by rotherham.lscb',
      'GRACE_PERIOD_ENDED by system',
      'HANDOVER_RECORDED by rotherham.business-unit',
      'COMMISSION_LOCAL_REVIEW by rotherham.business-unit',
    ]);
    const review = await page(EXPECTED.cases['rotherham-linked-cspr']!);
    expect(scr.links).toEqual([{ id: review.id, process: 'cspr', relation: 'local-review', reference: review.reference }]);
    expect(review.links).toEqual([{ id: scr.id, process: 'scr-transition', relation: 'serious-case-review', reference: scr.reference }]);
    // An SCR recorded in 2023 whose local review was recorded with the clock set back to 2020 keeps its deadlines.
    const late = await page(EXPECTED.cases['rotherham-scr-recorded-late']!);
    expect(late.deadlines.map((d: { id: string }) => d.id)).toEqual(['target-publication', 'latest-publication']);

    // The timer left pending by the old version is the new version's to fire, on its day: a fresh
    // copy of the fixture upgraded by a server whose today is the timer's.
    const pending = EXPECTED.cases['rotherham-scr-pending-timer']!;
    const second = join(dir, 'timer.sqlite');
    copyFileSync(FIXTURE, second);
    for (let start = 0; start < 2; start++) {
      const later = await startServer({ port: 0, databaseUrl: `sqlite:${second}`, now: '2020-09-30', demo: true, root: ERA_CONFIG });
      try {
        const reader = await ApiClient.signIn(later, 'rotherham.business-unit');
        const moved = (await reader.get(`/api/cases/${pending.id}`)).body;
        expect(moved.state).toBe('partners-considering');
        expect(moved.history.map((h: { type: string; by: string }) => `${h.type} by ${h.by}`)).toEqual(['CREATE by rotherham.lscb', 'GRACE_PERIOD_ENDED by system']);
      } finally {
        await later.close();
      }
    }
    const verified = await runScript('scripts/verify-audit.ts', ['--config', ERA_CONFIG, second]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('40 rows, chain intact');
  });

  test("then today's configuration: the processes it changed are stored as new versions, and every old case keeps its own", async () => {
    await server.close();
    server = await startServer({ port: 0, databaseUrl: `sqlite:${file}`, now: EXPECTED.today, demo: true });
    readers.clear(); // signed in to the server that is gone
    const reader = await ApiClient.signIn(server, 'rotherham.business-unit');
    const cspr = (await reader.get('/api/partnerships/rotherham/processes/cspr')).body;
    expect(cspr.newestVersion).toBe(2);
    for (const [name, before] of Object.entries(EXPECTED.cases)) {
      const now = await page(before);
      expect(now.processVersion, name).toBe(1);
      expect({ state: now.state, tasks: now.tasks.map((t: { id: string; done: boolean }) => [t.id, t.done]), deadlines: now.deadlines.map((d: { id: string }) => d.id) }, name).toEqual({
        state: before.state,
        tasks: before.tasks.map((t) => [t.id, t.done]),
        deadlines: before.deadlines.map((d) => d.id),
      });
    }
    // Today's partnership files name Merton's health partner by date: the letter owed since June 2023 names the ICB,
    // reworded in the cache at start-up, so the record checks out under today's configuration too.
    const merton = await ApiClient.signIn(server, 'merton.business-unit');
    const letters = Object.values(EXPECTED.cases).filter((c) => c.tasks.some((t) => t.id === 'write-to-accountable-officer-merton-ccg'));
    expect(letters.length).toBeGreaterThan(0);
    for (const c of letters) {
      const task = (await merton.get(`/api/cases/${c.id}`)).body.tasks.find((t: { id: string }) => t.id === 'write-to-accountable-officer-merton-ccg');
      expect(task.label).toContain('NHS South West London Integrated Care Board');
    }
    await server.close();
    const verified = await runScript('scripts/verify-audit.ts', [file]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('16 case(s) match');
    server = await startServer({ port: 0, databaseUrl: `sqlite:${file}`, now: EXPECTED.today, demo: true });
  });
});

describe('migration 002 refuses a database it cannot upgrade without loss, and changes nothing', () => {
  /**
   * The fixture with `sql` applied (triggers dropped for it, then put back), and the new server run on it:
   * as an operator would, `npm start` on the file; or, to upgrade with the fixture's own configuration,
   * the server started here on it.
   */
  async function refused(name: string, sql: string, how: 'npm start' | 'with its configuration' = 'npm start') {
    const copy = join(dir, `${name}.sqlite`);
    copyFileSync(FIXTURE, copy);
    const db = await openConnection(copy);
    try {
      await db.exec('DROP TRIGGER history_is_append_only_update; DROP TRIGGER history_is_append_only_delete;');
      await db.exec(sql);
      await db.exec(`
        CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
        CREATE TRIGGER history_is_append_only_delete BEFORE DELETE ON history BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
      `);
    } finally {
      await db.close();
    }
    const before = await dump(copy);
    const result =
      how === 'npm start'
        ? await runScript('server/main.ts', [], { env: { PORT: '0', DATABASE_URL: `sqlite:${copy}`, WORKFLOW_NOW: EXPECTED.today } })
        : await startServer({ port: 0, databaseUrl: `sqlite:${copy}`, now: EXPECTED.today, demo: true, root: ERA_CONFIG }).then(
            async (started) => (await started.close(), { code: 0, stderr: '' }),
            (error: Error) => ({ code: 1, stderr: error.message }),
          );
    const after = await dump(copy);
    return { result, before, after, copy };
  }

  test('an old chain that was tampered with: the upgrade says so and the file is left as it was', async () => {
    const target = old.history.find((h) => h.type === 'DECIDE')!;
    const { result, before, after } = await refused(
      'tampered',
      `UPDATE history SET data = json_set(data, '$.decision', 'no-review') WHERE position = ${target.position}`,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The history's hash chain is broken at position ${target.position} (case ${target.case_id}, seq ${target.seq})`);
    expect(result.stderr).toContain('refuses to run on a record that may have been tampered with');
    expect(after).toEqual(before);
    expect(after.schema_migrations).toEqual([expect.objectContaining({ version: 1 })]);
  }, 90_000);

  test('a case the new fold would show differently (an old deadline row edited): named, refused after the re-seal had begun, nothing kept', async () => {
    // The old chain never covered the deadlines table, so this passes the chain check; the rebuild shows it.
    const incident = EXPECTED.cases['rotherham-cspr-rationale']!;
    const { result, before, after } = await refused(
      'cache-edited',
      `UPDATE deadlines SET met = 1 WHERE case_id = '${incident.id}' AND id = 'notify-national-panel'`,
      'with its configuration',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`After the upgrade, case ${incident.id} (rotherham/cspr) would not be what this version showed: deadlines: `);
    expect(result.stderr).toMatch(/"notify-national-panel":\{"due":"2022-09-26","met":true\}.* before, .*"notify-national-panel":\{"due":"2022-09-26","met":false\}.* after/);
    // The history was already re-sealed and the tables altered when it refused: one transaction, all rolled back.
    expect(after).toEqual(before);
    expect(Object.keys(after)).not.toContain('audit_epochs');
  }, 90_000);
});
