/**
 * `npm run verify-audit [-- DATABASE_URL-or-path]`: recomputes the hash chain of the history, replays
 * every case's history and compares the cases, deadlines, tasks, timers and links with what it
 * decides; reports "N rows, chain intact; M cases match their history" or each problem, exiting 1.
 * It opens the file read-only, so it is safe to run against the live database or a backup.
 */
import { existsSync } from 'node:fs';
import { AuditUnavailableError, verifyAudit } from '../server/store/audit.ts';
import { openConnection } from '../server/store/sqlite.ts';
import { databaseFile, shippedCatalogue } from './database-file.ts';

const file = databaseFile(process.argv[2]);
if (!existsSync(file)) {
  console.error(`There is no database at ${file}`);
  process.exit(2);
}
const db = await openConnection(file, { readOnly: true });
try {
  await db.exec('PRAGMA busy_timeout = 10000');
  let result;
  try {
    result = await verifyAudit(db, shippedCatalogue());
  } catch (error) {
    if (!(error instanceof AuditUnavailableError)) throw error;
    console.error(`${file}: ${error.message}`);
    process.exit(2);
  }
  if (result.firstBroken === undefined) {
    console.log(`${file}: ${result.rows} rows, chain intact (head hash ${result.headHash})`);
  } else {
    const b = result.firstBroken;
    console.error(`${file}: chain BROKEN at history position ${b.position} (case ${b.caseId}, seq ${b.seq}): ${b.reason}`);
    console.error(`${result.rows - 1} row(s) before it verify.`);
  }
  if (result.differences.length === 0) {
    console.log(`${file}: ${result.cases} case(s) match what their history decides`);
  } else {
    for (const d of result.differences) console.error(`${file}: case ${d.caseId}: ${d.what}`);
    const shown = result.differences.length < result.differenceCount ? ` (the first ${result.differences.length} are shown)` : '';
    console.error(`${result.differenceCount} difference(s) in ${result.differingCases} case(s) between the stored cases and their history${shown}.`);
  }
  if (!result.ok) process.exitCode = 1;
} finally {
  await db.close();
}
