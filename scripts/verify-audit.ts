/**
 * `npm run verify-audit [-- [--config DIR] [--expect-heads POSITION:DIGEST] DATABASE_URL-or-path]`: recomputes
 * every case's hash chain of the history, replays every case's history and compares the cases,
 * deadlines, tasks, timers and links with what it decides, and recounts the read aggregates; reports
 * "N rows, chain intact; M cases match their history" and the heads digest, or each problem, exiting 1.
 * Given the heads digest a run printed earlier, it recomputes it as of the same position and says whether it still matches.
 * It opens the database read-only (a SQLite file, or a PostgreSQL session that refuses writes), so
 * it is safe to run against the live database or a backup.
 */
import { existsSync } from 'node:fs';
import { redactPassword } from '../server/main.ts';
import { checkAggregates } from '../server/store/aggregates.ts';
import { AuditUnavailableError, verifyAudit } from '../server/store/audit.ts';
import { openReadOnly } from '../server/store/database.ts';
import { databaseOf, shippedCatalogue } from './database-file.ts';

const args = process.argv.slice(2);
/** The value after `flag`, taken out of `args`; exits 2 saying what `flag` needs when it has none. */
function option(flag: string, needs: string): string | undefined {
  const at = args.indexOf(flag);
  if (at === -1) return undefined;
  const value = args.splice(at, 2)[1];
  if (value === undefined) {
    console.error(`${flag} needs ${needs}`);
    process.exit(2);
  }
  return value;
}
// `--config DIR` replays under the configuration a server ran with (another deployment's checkout, say).
const configRoot = option('--config', 'the folder that holds workflows/ and forms/');
// `--expect-heads` takes the heads digest as an earlier run printed it: `POSITION:DIGEST`.
const expectHeads = option('--expect-heads', 'the heads digest an earlier run printed, POSITION:DIGEST');
const expected = expectHeads === undefined ? undefined : /^(\d+):([0-9a-f]{64})$/.exec(expectHeads);
if (expected === null) {
  console.error(`--expect-heads ${expectHeads} is not a heads digest as verify-audit prints it: POSITION:DIGEST, e.g. 42:${'0'.repeat(64)}`);
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
    result = await verifyAudit(db, shippedCatalogue(configRoot), expected ? { headsAsOf: Number(expected[1]) } : {});
  } catch (error) {
    if (!(error instanceof AuditUnavailableError)) throw error;
    console.error(`${name}: ${error.message}`);
    process.exit(2);
  }
  if (result.firstBroken === undefined) {
    console.log(`${name}: ${result.rows} rows, chain intact (head hash ${result.headHash})`);
    const heads = `${result.headsAt}:${result.headHash}`;
    if (expected === undefined) {
      console.log(`${name}: heads digest ${heads} over ${result.chains} case chain(s): write it down, and check later with --expect-heads ${heads}`);
    } else if (expected[2] === result.headHash) {
      console.log(`${name}: heads digest ${heads} is the one expected: every case ends where it did then or has grown since`);
    } else {
      console.error(
        `${name}: heads digest as of position ${result.headsAt} is ${result.headHash}, not the ${expected[2]} expected: ` +
          "since it was recorded, a case's last row(s) or a whole case were deleted, or a chain was rewritten",
      );
      process.exitCode = 1;
    }
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
  // The read aggregates (migration 013) are a cache of the record, not part of it: a file older has none to check.
  const hasAggregates = await db.get('SELECT 1 FROM schema_migrations WHERE version = 13').catch(() => undefined);
  if (hasAggregates !== undefined) {
    const aggregates = await checkAggregates(db);
    if (aggregates.length === 0) console.log(`${name}: the read aggregates match a recount from the cases, deadlines and history`);
    for (const a of aggregates) {
      console.error(
        `${name}: read aggregate ${a.aggregate} differs from its recount (${a.storedOnly} stored row(s) not recounted, ${a.recountedOnly} recounted row(s) not stored, ` +
          `e.g. ${JSON.stringify(a.examples[0])}); the record itself is unaffected: run npm run rebuild-aggregates`,
      );
    }
    if (aggregates.length > 0) process.exitCode = 1;
  }
} finally {
  await db.close();
}
