/**
 * Immutable versions of each process (migrations 005 and 007). At start-up every process of the files
 * is compared, by the hash of its content (see `versionContent`: the resolved definition and the forms
 * it uses), with its stored versions:
 *
 * - the same as the newest: nothing is written (a plain restart);
 * - the same as an older version, with a version published through the app after it: the files are
 *   behind (nobody has yet put the published file into the repository). Nothing is written and the
 *   published version stays the newest; the caller says so in the log. A published version is never
 *   silently replaced by an older file;
 * - otherwise: a deliberate change in the repository, stored as the next number, which the database
 *   assigns. A file that goes back to an older content, with no publishing since, is a new number too:
 *   numbers only grow, the newest is always the highest, and the cases of the versions in between keep theirs.
 *
 * Publishing (`publishVersion`) stores an uploaded process file as the next number while the server
 * runs, with who published it and the file's own text.
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
  type VersionOrigin,
} from '../engine/catalogue.ts';
import type { IsoDate } from '../engine/definition.ts';
import { ProcessRejectedError, VersionConflictError } from '../engine/errors.ts';
import type { SqlFilter } from '../cases/access.ts';
import { CASE_COUNTS_AS_CASES, wholeGroupsSql } from './aggregates.ts';
import { OVERDUE_SQL } from './cases.ts';
import type { Connection, Database } from './database.ts';

/** Held while the next version number of a process is decided (Connection.exclusive). */
const VERSIONS_LOCK = 'process-versions';

interface VersionRecord {
  partnership: string;
  process: string;
  version: number;
  hash: string;
  content: string;
  created_at: string;
  origin: VersionOrigin;
  published_by: string | null;
}

/** Whether the file has migration 007's columns: migrations before it read the versions too. */
async function hasPublishing(db: Connection): Promise<boolean> {
  // A PostgreSQL database starts at 007's schema (postgres-schema.sql).
  if (db.dialect === 'postgres') return true;
  const columns = await db.all<{ name: string }>('PRAGMA table_info(process_versions)');
  return columns.some((c) => c.name === 'origin');
}

/** Every stored version, in order; none on a file from before migration 005. */
export async function readStoredVersions(db: Connection): Promise<StoredVersion[]> {
  if (db.dialect === 'sqlite') {
    const table = await db.get<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'process_versions'");
    if (table === undefined) return [];
  }
  const published = (await hasPublishing(db)) ? 'origin, published_by' : "'files' AS origin, NULL AS published_by";
  const rows = await db.all<VersionRecord>(
    `SELECT partnership, process, version, hash, content, created_at, ${published} FROM process_versions ORDER BY partnership, process, version`,
  );
  return rows.map((r) => ({
    partnership: r.partnership,
    process: r.process,
    version: r.version,
    hash: r.hash,
    content: r.content,
    createdAt: r.created_at,
    origin: r.origin,
    publishedBy: r.published_by,
  }));
}

/** The catalogue with the versions this database holds, for reading it (verify-audit, backups, migrations). */
export async function withStoredVersions(db: Connection, catalogue: Catalogue): Promise<Catalogue> {
  return withVersions(catalogue, await readStoredVersions(db));
}

export interface NewVersion {
  partnership: string;
  process: string;
  version: number;
  /** The newest version before it, when that one was published through the app: the files have replaced it. */
  replacesPublished?: { version: number; by: string };
}

/** A process whose files are an older version than the one published through the app. */
export interface FilesBehind {
  partnership: string;
  process: string;
  /** The version the files hold, and the newest, published one. */
  files: number;
  newest: number;
  publishedBy: string;
}

interface Row {
  version: number;
  hash: string;
  origin: VersionOrigin;
  published_by: string | null;
}

/**
 * Stores each process of the files whose content is no stored version's (or an older one's with
 * nothing published since), in one transaction, and returns the catalogue with every stored version,
 * the versions it added and the processes whose files are behind a published version. `sourceOf`
 * gives a process file's own text, kept for downloading.
 */
export async function storeProcessVersions(
  db: Database,
  catalogue: Catalogue,
  options: { now?: string; sourceOf?: (partnership: string, process: string) => string | undefined } = {},
): Promise<{ catalogue: Catalogue; added: NewVersion[]; behind: FilesBehind[] }> {
  const now = options.now ?? new Date().toISOString();
  const added: NewVersion[] = [];
  const behind: FilesBehind[] = [];
  const stored = await db.transaction(async (tx) => {
    // Servers starting together on one database: the second sees what the first stored.
    await tx.exclusive(VERSIONS_LOCK);
    for (const [partnershipId, partnership] of catalogue.partnerships) {
      for (const [processId, process] of partnership.processes) {
        const content = versionContent(partnership, process);
        const hash = contentHash(content);
        const rows = await tx.all<Row>('SELECT version, hash, origin, published_by FROM process_versions WHERE partnership = ? AND process = ? ORDER BY version', [
          partnershipId,
          processId,
        ]);
        const newest = rows.at(-1);
        if (newest?.hash === hash) continue;
        const insert = (version: number) =>
          tx.run('INSERT INTO process_versions (partnership, process, version, hash, content, created_at, origin, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
            partnershipId,
            processId,
            version,
            hash,
            content,
            now,
            'files',
            options.sourceOf?.(partnershipId, processId) ?? null,
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
        const latestFirst = [...rows].reverse();
        const same = latestFirst.find((r) => r.hash === hash);
        const publishedSince = same === undefined ? undefined : latestFirst.find((r) => r.version > same.version && r.origin === 'upload');
        if (same !== undefined && publishedSince !== undefined) {
          behind.push({ partnership: partnershipId, process: processId, files: same.version, newest: newest.version, publishedBy: publishedSince.published_by ?? '' });
          continue;
        }
        const next = newest.version + 1;
        await insert(next);
        added.push({
          partnership: partnershipId,
          process: processId,
          version: next,
          ...(newest.origin === 'upload' ? { replacesPublished: { version: newest.version, by: newest.published_by ?? '' } } : {}),
        });
      }
    }
    return readStoredVersions(tx);
  });
  return { catalogue: withVersions(catalogue, stored), added, behind };
}

export interface Publication {
  partnership: string;
  process: string;
  /** The newest version the publisher saw when they checked the change. */
  basedOn: number;
  content: string;
  hash: string;
  /** The process file as uploaded. */
  source: string;
  by: string;
  at: string;
  /** Where the file would be in the configuration, for a refusal's problem. */
  file: string;
}

/**
 * Stores an uploaded process as the next version, in one transaction, unless someone published (or
 * a restart stored) another since `basedOn` (409, naming it: the publisher checks again against it),
 * or it is the newest's content already (422: there is nothing to publish). Returns every stored version.
 */
export async function publishVersion(db: Database, publication: Publication): Promise<{ version: number; stored: StoredVersion[] }> {
  const { partnership, process } = publication;
  return db.transaction(async (tx) => {
    await tx.exclusive(VERSIONS_LOCK);
    const newest = await tx.get<Row & { created_at: string }>(
      'SELECT version, hash, origin, published_by, created_at FROM process_versions WHERE partnership = ? AND process = ? ORDER BY version DESC LIMIT 1',
      [partnership, process],
    );
    const current = newest?.version ?? 0;
    if (current !== publication.basedOn) {
      const who = newest?.published_by === null || newest === undefined ? 'from the files at a restart' : `by ${newest.published_by}`;
      throw new VersionConflictError(
        `Version ${current} was published ${who} at ${newest?.created_at ?? 'an unknown time'}, after you checked your file against version ${publication.basedOn}. Nothing was published: check your file again against version ${current}, then publish it if it is still what you want.`,
        { currentVersion: current },
      );
    }
    if (newest?.hash === publication.hash) {
      throw new ProcessRejectedError(`This file makes no change to version ${current}: there is nothing to publish`, [
        { file: publication.file, line: 1, message: `makes no change to version ${current}, the version running now; change something, or leave it` },
      ]);
    }
    const version = current + 1;
    await tx.run(
      'INSERT INTO process_versions (partnership, process, version, hash, content, created_at, origin, published_by, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [partnership, process, version, publication.hash, publication.content, publication.at, 'upload', publication.by, publication.source],
    );
    return { version, stored: await readStoredVersions(tx) };
  });
}

/**
 * The process files published through the app that are still the newest of their process, by
 * process id: the running configuration where the files on disk are behind it.
 */
export async function publishedSources(db: Connection, partnership: string): Promise<Map<string, string>> {
  const rows = await db.all<{ process: string; source: string }>(
    `SELECT v.process, v.source FROM process_versions v
      WHERE v.partnership = ? AND v.origin = 'upload' AND v.source IS NOT NULL
        AND v.version = (SELECT MAX(n.version) FROM process_versions n WHERE n.partnership = v.partnership AND n.process = v.process)`,
    [partnership],
  );
  return new Map(rows.map((r) => [r.process, r.source]));
}

/** A stored version's process file as written (null when stored before the text was kept), and its content. */
export async function readVersionSource(db: Connection, partnership: string, process: string, version: number): Promise<{ source: string | null; content: string } | undefined> {
  return db.get<{ source: string | null; content: string }>('SELECT source, content FROM process_versions WHERE partnership = ? AND process = ? AND version = ?', [
    partnership,
    process,
    version,
  ]);
}

/**
 * The cases of a process a person may read, per state and version, and how many of those are overdue
 * on `today`. A state and version whose every case the person may read is counted from
 * `case_counts`, the rest case by case (server/store/aggregates.ts, `wholeGroupsSql`); the overdue
 * ones are a range of the index cases_overdue_by_process.
 */
export async function countReadableByStateAndVersion(
  db: Connection,
  partnership: string,
  process: string,
  readable: SqlFilter,
  today: IsoDate,
): Promise<{ state: string; version: number; count: number; overdue: number }[]> {
  type Group = { state: string; version: number; count: number };
  const groups = await db.all<Group & { whole: number }>(
    `SELECT cases.state, cases.process_version AS version, cases.n AS count, ${wholeGroupsSql(readable)} AS whole
       FROM ${CASE_COUNTS_AS_CASES} WHERE cases.partnership = ? AND cases.process = ? AND cases.n <> 0`,
    [...readable.params, partnership, process],
  );
  const key = (g: { state: string; version: number }) => `${g.version} ${g.state}`;
  const counted = new Map(groups.filter((g) => g.whole === 1).map((g) => [key(g), Number(g.count)]));
  const partial = groups.filter((g) => g.whole !== 1);
  if (partial.length > 0) {
    const rows = await db.all<Group>(
      `SELECT state, process_version AS version, COUNT(*) AS count FROM cases
        WHERE partnership = ? AND process = ? AND ${readable.sql} AND (${partial.map(() => '(state = ? AND process_version = ?)').join(' OR ')})
        GROUP BY state, process_version`,
      [partnership, process, ...readable.params, ...partial.flatMap((g) => [g.state, g.version])],
    );
    for (const r of rows) counted.set(key(r), Number(r.count));
  }
  const overdue = await db.all<Group>(
    `SELECT state, process_version AS version, COUNT(*) AS count FROM cases
      WHERE partnership = ? AND process = ? AND ${OVERDUE_SQL} AND ${readable.sql} GROUP BY state, process_version`,
    [partnership, process, today, ...readable.params],
  );
  const overdueOf = new Map(overdue.map((r) => [key(r), Number(r.count)]));
  return groups
    .filter((g) => (counted.get(key(g)) ?? 0) > 0)
    .map((g) => ({ state: g.state, version: g.version, count: counted.get(key(g))!, overdue: overdueOf.get(key(g)) ?? 0 }))
    .sort((a, b) => a.version - b.version || (a.state < b.state ? -1 : a.state > b.state ? 1 : 0));
}
