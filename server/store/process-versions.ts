/**
 * Immutable versions of each process (migration 005). At start-up every process of the files is
 * compared, by the hash of its content (see `versionContent`: the resolved definition and the forms it
 * uses), with its newest stored version: the same, and nothing is written (a plain restart); different,
 * and it is stored as the next number, which the database assigns. A file that goes back to an older
 * content is a new number too, with that content: numbers only grow, the newest is always the
 * highest, and the cases of the version in between keep theirs.
 *
 * A database from before versions were stored: the first start stores the files as version 1 and
 * as every other number an existing case names (they were all 1 in the shipped files), so each old
 * case runs on the files as they were at that first start. What the files were when those cases
 * started is not known; the cases are read under the content at the upgrade.
 */
import {
  contentHash,
  versionContent,
  withVersions,
  type Catalogue,
  type StoredVersion,
} from '../engine/catalogue.ts';
import type { IsoDate } from '../engine/definition.ts';
import type { SqlFilter } from '../cases/access.ts';
import { OVERDUE_SQL } from './cases.ts';
import type { Connection, Database } from './sqlite.ts';

interface VersionRecord {
  partnership: string;
  process: string;
  version: number;
  hash: string;
  content: string;
  created_at: string;
}

/** Every stored version, in order; none on a file from before migration 005. */
export async function readStoredVersions(db: Connection): Promise<StoredVersion[]> {
  const table = await db.get<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'process_versions'");
  if (table === undefined) return [];
  const rows = await db.all<VersionRecord>('SELECT partnership, process, version, hash, content, created_at FROM process_versions ORDER BY partnership, process, version');
  return rows.map((r) => ({ partnership: r.partnership, process: r.process, version: r.version, hash: r.hash, content: r.content, createdAt: r.created_at }));
}

/** The catalogue with the versions this database holds, for reading it (verify-audit, backups, migrations). */
export async function withStoredVersions(db: Connection, catalogue: Catalogue): Promise<Catalogue> {
  return withVersions(catalogue, await readStoredVersions(db));
}

export interface NewVersion {
  partnership: string;
  process: string;
  version: number;
}

/**
 * Stores each process of the files whose content is not its newest stored version's, in one
 * transaction, and returns the catalogue with every stored version and the versions it added.
 */
export async function storeProcessVersions(db: Database, catalogue: Catalogue, now = new Date().toISOString()): Promise<{ catalogue: Catalogue; added: NewVersion[] }> {
  const added: NewVersion[] = [];
  const stored = await db.transaction(async (tx) => {
    for (const [partnershipId, partnership] of catalogue.partnerships) {
      for (const [processId, process] of partnership.processes) {
        const content = versionContent(partnership, process);
        const hash = contentHash(content);
        const newest = await tx.get<{ version: number; hash: string }>(
          'SELECT version, hash FROM process_versions WHERE partnership = ? AND process = ? ORDER BY version DESC LIMIT 1',
          [partnershipId, processId],
        );
        if (newest?.hash === hash) continue;
        const insert = (version: number) =>
          tx.run('INSERT INTO process_versions (partnership, process, version, hash, content, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
            partnershipId,
            processId,
            version,
            hash,
            content,
            now,
          ]);
        if (newest === undefined) {
          // The first content seen: version 1, and every number a case from before versions names.
          const used = await tx.all<{ v: number }>(
            'SELECT DISTINCT process_version AS v FROM cases WHERE partnership = ? AND process = ? UNION SELECT DISTINCT process_version FROM history WHERE partnership = ? AND process = ?',
            [partnershipId, processId, partnershipId, processId],
          );
          const numbers = [...new Set([1, ...used.map((u) => u.v).filter((v) => Number.isInteger(v) && v >= 1)])].sort((a, b) => a - b);
          for (const version of numbers) await insert(version);
          added.push(...numbers.map((version) => ({ partnership: partnershipId, process: processId, version })));
          continue;
        }
        const { next } = (await tx.get<{ next: number }>(
          'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM process_versions WHERE partnership = ? AND process = ?',
          [partnershipId, processId],
        ))!;
        await insert(next);
        added.push({ partnership: partnershipId, process: processId, version: next });
      }
    }
    return readStoredVersions(tx);
  });
  return { catalogue: withVersions(catalogue, stored), added };
}

/** The cases of a process a person may read, per state and version, and how many of those are overdue on `today`. */
export async function countReadableByStateAndVersion(
  db: Connection,
  partnership: string,
  process: string,
  readable: SqlFilter,
  today: IsoDate,
): Promise<{ state: string; version: number; count: number; overdue: number }[]> {
  return db.all<{ state: string; version: number; count: number; overdue: number }>(
    `SELECT state, process_version AS version, COUNT(*) AS count, SUM(CASE WHEN ${OVERDUE_SQL} THEN 1 ELSE 0 END) AS overdue
       FROM cases WHERE partnership = ? AND process = ? AND ${readable.sql} GROUP BY state, process_version ORDER BY process_version, state`,
    [today, partnership, process, ...readable.params],
  );
}
