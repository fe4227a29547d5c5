/**
 * A real SQLite database for the auth tests, in a temporary directory, with the schema the server's
 * start-up gives it (every migration). Empty, so the migrations need no configuration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalogue } from '../../server/engine/catalogue.ts';
import { openDatabase, type Database } from '../../server/store/database.ts';
import { migrate } from '../../server/store/migrate.ts';

export interface TestDatabase {
  db: Database;
  close(): Promise<void>;
}

export async function migratedDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'auth-test-'));
  const db = await openDatabase({ dialect: 'sqlite', path: join(dir, 'db.sqlite') });
  await migrate(db, { catalogue: { partnerships: new Map() } as unknown as Catalogue });
  return {
    db,
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
