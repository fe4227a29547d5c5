import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Catalogue } from '../engine/catalogue.ts';
import { withStoredVersions } from './process-versions.ts';
import type { Connection, Database } from './database.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const POSTGRES_SCHEMA = fileURLToPath(new URL('./postgres-schema.sql', import.meta.url));
const MIGRATIONS_LOCK = 'migrations';
/** The migrations postgres-schema.sql stands for: a new PostgreSQL database starts at this version. */
const POSTGRES_BASELINE = 7;

/**
 * What a data migration may need beyond SQL: the configuration the cases run on. Find a case's
 * process with `processVersion(partnership, row.process, row.process_version)` (engine/catalogue.ts),
 * never `processes.get`: once migration 005 has run, `catalogue` holds every stored version.
 */
export interface MigrationContext {
  catalogue: Catalogue;
}

export interface Migration {
  version: number;
  name: string;
  /** Runs inside the migration's transaction. */
  up(tx: Connection, context: MigrationContext): Promise<void>;
}

/**
 * `NNN-name.sql` files, or `NNN-name.ts` modules exporting `up(tx, context)` for a migration that
 * must compute (re-hash, replay); in order. A file may never change once released, only be followed.
 */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = readdirSync(dir)
    .filter((file) => /^\d{3}-[a-z0-9-]+\.(sql|ts)$/.test(file))
    .sort();
  return Promise.all(
    files.map(async (file): Promise<Migration> => {
      const version = Number(file.slice(0, 3));
      if (file.endsWith('.sql')) {
        const sql = readFileSync(`${dir}${file}`, 'utf8');
        return { version, name: file, up: (tx) => tx.exec(sql) };
      }
      const module = (await import(pathToFileURL(`${dir}${file}`).href)) as { up: Migration['up'] };
      return { version, name: file, up: module.up };
    }),
  );
}

/** Applies the migrations the file has not seen, each in its own transaction with its record. */
export async function migrate(db: Database, context: MigrationContext, migrations?: Migration[]): Promise<number[]> {
  const known = migrations ?? (await readMigrations());
  await db.transaction(async (tx) => {
    await tx.exclusive(MIGRATIONS_LOCK);
    await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  });
  const applied = new Set(
    (await db.reader.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const newest = Math.max(0, ...applied);
  const newestKnown = Math.max(0, ...known.map((m) => m.version));
  if (newest > newestKnown) {
    throw new Error(`The database is at schema version ${newest}, newer than this program knows (${newestKnown}); run a newer version.`);
  }
  const done: number[] = [];
  if (db.dialect === 'postgres' && applied.size === 0) {
    const baseline = known.filter((m) => m.version <= POSTGRES_BASELINE);
    const created = await db.transaction(async (tx) => {
      await tx.exclusive(MIGRATIONS_LOCK);
      if (await appliedMeanwhile(tx, POSTGRES_BASELINE)) return false;
      await tx.exec(readFileSync(POSTGRES_SCHEMA, 'utf8'));
      for (const migration of baseline) await record(tx, migration);
      return true;
    });
    for (const migration of baseline) {
      applied.add(migration.version);
      if (created) done.push(migration.version);
    }
  } else if (db.dialect === 'postgres' && !applied.has(POSTGRES_BASELINE)) {
    throw new Error(`This PostgreSQL database has schema migrations recorded but not the baseline (version ${POSTGRES_BASELINE}); it was not made by this program.`);
  }
  for (const migration of known.filter((m) => !applied.has(m.version))) {
    const ran = await db.transaction(async (tx) => {
      await tx.exclusive(MIGRATIONS_LOCK);
      if (await appliedMeanwhile(tx, migration.version)) return false;
      // The versions the file stores so far (none before migration 005): a case runs on its own.
      await migration.up(tx, { ...context, catalogue: await withStoredVersions(tx, context.catalogue) });
      await record(tx, migration);
      return true;
    });
    if (ran) done.push(migration.version);
  }
  return done;
}

/**
 * Whether another server on the same database applied `version` since this one looked: servers
 * started together take turns (MIGRATIONS_LOCK) and each migration runs once.
 */
async function appliedMeanwhile(tx: Connection, version: number): Promise<boolean> {
  return (await tx.get('SELECT version FROM schema_migrations WHERE version = ?', [version])) !== undefined;
}

function record(tx: Connection, migration: Migration): Promise<unknown> {
  return tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, new Date().toISOString()]);
}
