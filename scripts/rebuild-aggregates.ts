/**
 * `npm run rebuild-aggregates [-- DATABASE_URL-or-path]`: throws away the read aggregates (the
 * cases' next due dates, the counts per state, per day of history and per deadline: see
 * server/store/aggregates.ts) and recounts them from the cases, deadlines and history, in one
 * transaction, then checks them against a second recount. For when `verify-audit` reports an
 * aggregate that differs from its recount; safe on a live database (readers see the old figures or
 * the new). The database must already be at migration 013: start the server once to migrate it.
 */
import { existsSync } from 'node:fs';
import { redactPassword } from '../server/main.ts';
import { checkAggregates, rebuildAggregates } from '../server/store/aggregates.ts';
import { openDatabase } from '../server/store/database.ts';
import { databaseOf } from './database-file.ts';

const location = databaseOf(process.argv[2]);
const name = location.dialect === 'sqlite' ? location.path : redactPassword(location.url);
if (location.dialect === 'sqlite' && !existsSync(location.path)) {
  console.error(`There is no database at ${name}`);
  process.exit(2);
}
const db = await openDatabase(location);
try {
  const began = performance.now();
  await rebuildAggregates(db);
  const differences = await checkAggregates(db.reader);
  if (differences.length > 0) {
    // Only a write between the rebuild and the check, counted wrong by a trigger, gets here.
    for (const d of differences) console.error(`${name}: ${d.aggregate} still differs from its recount after the rebuild (${d.storedOnly} stored rows, ${d.recountedOnly} recounted rows)`);
    process.exitCode = 1;
  } else {
    console.log(`${name}: read aggregates rebuilt from the cases, deadlines and history in ${Math.round(performance.now() - began)} ms; they match a recount`);
  }
} finally {
  await db.close();
}
