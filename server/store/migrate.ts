import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Catalogue } from '../engine/catalogue.ts';
import { withStoredVersions } from './process-versions.ts';
import type { Connection, Database } from './sqlite.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

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
  await db.transaction((tx) =>
    tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)'),
  );
  const applied = new Set(
    (await db.reader.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const newest = Math.max(0, ...applied);
  const newestKnown = Math.max(0, ...known.map((m) => m.version));
  if (newest > newestKnown) {
    throw new Error(`The database is at schema version ${newest}, newer than this program knows (${newestKnown}); run a newer version.`);
  }
  const done: number[] = [];
  for (const migration of known.filter((m) => !applied.has(m.version))) {
    await db.transaction(async (tx) => {
      // The versions the file stores so far (none before migration 005): a case runs on its own.
      await migration.up(tx, { ...context, catalogue: await withStoredVersions(tx, context.catalogue) });
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
    });
    done.push(migration.version);
  }
  return done;
}
