/**
 * `npm run verify-audit [-- DATABASE_URL-or-path]`: recomputes the hash chain of the history and
 * reports "N rows, chain intact" or the first broken row, exiting 1. It opens the file read-only,
 * so it is safe to run against the live database or a backup.
 */
import { existsSync } from 'node:fs';
import { verifyAudit } from '../server/store/audit.ts';
import { openConnection } from '../server/store/sqlite.ts';
import { databaseFile } from './database-file.ts';

const file = databaseFile(process.argv[2]);
if (!existsSync(file)) {
  console.error(`There is no database at ${file}`);
  process.exit(2);
}
const db = await openConnection(file, { readOnly: true });
try {
  await db.exec('PRAGMA busy_timeout = 10000');
  const result = await verifyAudit(db);
  if (result.ok) {
    console.log(`${file}: ${result.rows} rows, chain intact (head hash ${result.headHash})`);
  } else {
    const b = result.firstBroken!;
    console.error(`${file}: chain BROKEN at history position ${b.position} (case ${b.caseId}, seq ${b.seq}): ${b.reason}`);
    console.error(`${result.rows - 1} row(s) before it verify.`);
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
