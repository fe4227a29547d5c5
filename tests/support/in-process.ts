import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseService, type User } from '../../server/cases/service.ts';
import type { Catalogue } from '../../server/engine/catalogue.ts';
import type { Database } from '../../server/store/database.ts';
import { migrate } from '../../server/store/migrate.ts';
import { storeProcessVersions } from '../../server/store/process-versions.ts';
import { shippedCatalogue } from './catalogue.ts';
import { dropTestDatabase, newTestDatabase, openTestDatabase } from './database.ts';
import { MovableClock } from './server.ts';

/**
 * The case service on a real database of its own (a SQLite file, or PostgreSQL in the `postgres`
 * project) with the shipped configuration, without HTTP: for the store's tests, which need cases made
 * as the server makes them, fast enough to be rerun for every mutant (scripts/mutate.ts).
 */
export interface InProcess {
  db: Database;
  /** Where the database is, and a directory of its own beside it (for copies). */
  databaseUrl: string;
  dir: string;
  service: CaseService;
  clock: MovableClock;
  /** `<partnership>.<role>` holding that one role, as the demo users do. */
  user(partnership: string, ...roles: string[]): User;
  close(): Promise<void>;
}

/** `catalogue`: another configuration than the shipped one (a changed copy of it, loaded by the test). */
export async function inProcess(moment: string, catalogue: Catalogue = shippedCatalogue()): Promise<InProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'in-process-'));
  const url = await newTestDatabase(dir);
  const db = await openTestDatabase(url);
  await migrate(db, { catalogue });
  const clock = new MovableClock(moment);
  const versions = await storeProcessVersions(db, catalogue, { now: clock.now() });
  const service = new CaseService(db, versions.catalogue, clock);
  return {
    db,
    databaseUrl: url,
    dir,
    service,
    clock,
    user: (partnership, ...roles) => ({ username: `${partnership}.${roles.join('+')}`, partnership, roles }),
    async close() {
      await db.close();
      await dropTestDatabase(url);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
