import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './sqlite.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** `NNN-name.sql` files, in order; a file may never change once released, only be followed. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}-[a-z0-9-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 3)), name: file, sql: readFileSync(`${dir}${file}`, 'utf8') }));
}

/** Applies the migrations the file has not seen, each in its own transaction with its record. */
export async function migrate(db: Database, migrations = readMigrations()): Promise<number[]> {
  await db.transaction((tx) =>
    tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)'),
  );
  const applied = new Set(
    (await db.reader.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known) {
    throw new Error(`The database is at schema version ${newest}, newer than this program knows (${known}); run a newer version.`);
  }
  const done: number[] = [];
  for (const migration of migrations.filter((m) => !applied.has(m.version))) {
    await db.transaction(async (tx) => {
      await tx.exec(migration.sql);
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
