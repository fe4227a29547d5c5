import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { sqlitePath } from '../../server/main.ts';
import { SqliteDatabase, openConnection } from '../../server/store/sqlite.ts';
import { ApiClient, startTestServer, type TestServer } from './server.ts';

/** Merton's disputes, whose version 2 renames this state; a running case in it has nowhere to go without a migration. */
export const PARTNERSHIP = 'merton';
export const PROCESS = 'dispute-resolution';
export const RENAMED = { from: 'stage-2-arbitration', to: 'stage-2-mediation' } as const;
export const MIGRATION_FILE = join('workflows', PARTNERSHIP, 'migrations', `${PROCESS}.1-to-2.yaml`);

/**
 * A real server on a copy of the configuration with cases on version 1 of Merton's disputes: one
 * at stage 1, two at stage 2 (each owing a letter to the partner absent at stage 1) and one
 * resolved. Then the copy renames stage 2 and the server restarts, storing that as version 2.
 */
export interface VersionedCases {
  root: string;
  server: TestServer;
  file: string;
  ids: { stage1: string; stage2: string[]; resolved: string };
  /** The state a case starts in (the same id in both versions). */
  stage1State: string;
  references: Map<string, string>;
  /** Writes the migration file beside the workflows of the copy and returns its path. */
  writeMigration(text: string): string;
  /** Sets a column of a case's row alone, as someone editing the file would: the row then differs from the case's history. */
  setColumn(id: string, column: 'state' | 'process_version', value: string | number): Promise<void>;
  /** Every row of the tables a migration may change, to show that nothing did. */
  snapshot(): Promise<unknown>;
  close(): Promise<void>;
}

export async function versionedCases(): Promise<VersionedCases> {
  const root = mkdtempSync(join(tmpdir(), 'migration-'));
  const project = join(import.meta.dirname, '..', '..');
  cpSync(join(project, 'workflows'), join(root, 'workflows'), { recursive: true });
  cpSync(join(project, 'forms'), join(root, 'forms'), { recursive: true });
  const loaded = loadCatalogue(root);
  if (!loaded.ok) throw new Error('the configuration does not load');
  const partners = loaded.catalogue.partnerships.get(PARTNERSHIP)!.def.statutoryPartners.map((p) => p.id);
  const server = await startTestServer({ root, now: '2020-10-01' });
  const partner = await ApiClient.signIn(server, `${PARTNERSHIP}.statutory-partner`);
  const raise = async (summary: string) => {
    const res = await partner.createCase(PARTNERSHIP, PROCESS, { summary });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; reference: string; state: string };
  };
  const toStage2 = async (id: string) => {
    const res = await partner.sendEvent(id, 'UNRESOLVED', { attendees: partners.slice(0, 2), reason: 'No agreement on funding' }, 1);
    expect(res.body.state, JSON.stringify(res.body)).toBe(RENAMED.from);
  };
  const raised = [await raise('Funding of the MASH'), await raise('Health visitor caseloads'), await raise('Police attendance at strategy meetings'), await raise('Agreed at once')];
  await toStage2(raised[1]!.id);
  await toStage2(raised[2]!.id);
  const agreed = await partner.sendEvent(raised[3]!.id, 'AGREED', { attendees: partners }, 1);
  expect(agreed.body.final, JSON.stringify(agreed.body)).toBe(true);

  renameState(join(root, 'workflows'));
  await server.restart();
  const file = sqlitePath(server.databaseUrl);
  return {
    root,
    server,
    file,
    ids: { stage1: raised[0]!.id, stage2: [raised[1]!.id, raised[2]!.id], resolved: raised[3]!.id },
    stage1State: raised[0]!.state,
    references: new Map(raised.map((c) => [c.id, c.reference])),
    writeMigration(text) {
      mkdirSync(join(root, 'workflows', PARTNERSHIP, 'migrations'), { recursive: true });
      writeFileSync(join(root, MIGRATION_FILE), text);
      return join(root, MIGRATION_FILE);
    },
    async setColumn(id, column, value) {
      const db = await SqliteDatabase.open(file);
      try {
        await db.transaction((tx) => tx.run(`UPDATE cases SET ${column} = ? WHERE id = ?`, [value, id]));
      } finally {
        await db.close();
      }
    },
    async snapshot() {
      const db = await openConnection(file, { readOnly: true });
      try {
        const tables = ['cases', 'history', 'deadlines', 'tasks', 'timers', 'links'];
        return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await db.all(`SELECT * FROM ${t} ORDER BY rowid`)] as const)));
      } finally {
        await db.close();
      }
    },
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Renames the state in every configuration file that names it (the process's own file, or a template it uses); scenarios are left alone. */
function renameState(dir: string): void {
  let renamed = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || !entry.name.endsWith('.yaml') || path.includes(`${join('/', 'scenarios')}/`)) continue;
    const text = readFileSync(path, 'utf8');
    if (!text.includes(RENAMED.from)) continue;
    writeFileSync(path, text.replaceAll(RENAMED.from, RENAMED.to));
    renamed++;
  }
  expect(renamed).toBeGreaterThan(0);
}
