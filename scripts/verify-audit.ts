/**
 * `npm run verify-audit [-- [--config DIR] DATABASE_URL-or-path]`: recomputes the hash chain of the history, replays
 * every case's history and compares the cases, deadlines, tasks, timers and links with what it
 * decides; reports "N rows, chain intact; M cases match their history" or each problem, exiting 1.
 * It opens the database read-only (a SQLite file, or a PostgreSQL session that refuses writes), so
 * it is safe to run against the live database or a backup.
 */
import { existsSync } from 'node:fs';
import { redactPassword } from '../server/main.ts';
import { AuditUnavailableError, verifyAudit } from '../server/store/audit.ts';
import { openReadOnly } from '../server/store/database.ts';
import { databaseOf, shippedCatalogue } from './database-file.ts';

// `--config DIR` replays under the configuration a server ran with (another deployment's checkout, say).
const args = process.argv.slice(2);
const configAt = args.indexOf('--config');
const configRoot = configAt === -1 ? undefined : args.splice(configAt, 2)[1];
if (configAt !== -1 && configRoot === undefined) {
  console.error('--config needs the folder that holds workflows/ and forms/');
  process.exit(2);
}
const location = databaseOf(args[0]);
const name = location.dialect === 'sqlite' ? location.path : redactPassword(location.url);
if (location.dialect === 'sqlite' && !existsSync(location.path)) {
  console.error(`There is no database at ${name}`);
  process.exit(2);
}
let db;
try {
  db = await openReadOnly(location);
} catch (error) {
  console.error(`${name}: cannot be opened: ${(error as Error).message}`);
  process.exit(2);
}
try {
  let result;
  try {
    result = await verifyAudit(db, shippedCatalogue(configRoot));
  } catch (error) {
    if (!(error instanceof AuditUnavailableError)) throw error;
    console.error(`${name}: ${error.message}`);
    process.exit(2);
  }
  if (result.firstBroken === undefined) {
    console.log(`${name}: ${result.rows} rows, chain intact (head hash ${result.headHash})`);
  } else {
    const b = result.firstBroken;
    console.error(`${name}: chain BROKEN at history position ${b.position} (case ${b.caseId}, seq ${b.seq}): ${b.reason}`);
    console.error(`${result.rows - 1} row(s) before it verify.`);
  }
  if (result.differences.length === 0) {
    console.log(`${name}: ${result.cases} case(s) match what their history decides`);
  } else {
    for (const d of result.differences) console.error(`${name}: case ${d.caseId}: ${d.what}`);
    const shown = result.differences.length < result.differenceCount ? ` (the first ${result.differences.length} are shown)` : '';
    console.error(`${result.differenceCount} difference(s) in ${result.differingCases} case(s) between the stored cases and their history${shown}.`);
  }
  if (!result.ok) process.exitCode = 1;
} finally {
  await db.close();
}
