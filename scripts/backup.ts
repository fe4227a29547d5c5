/**
 * `npm run backup -- FILE [DATABASE_URL-or-path]`: a consistent copy of the database taken while
 * the server runs. Restore: stop the server, copy FILE to the DATABASE_URL path, start it again
 * (see README, "Backup and restore").
 */
import { resolve } from 'node:path';
import { AuditUnavailableError } from '../server/store/audit.ts';
import { BackupError, backupDatabase } from '../server/store/backup.ts';
import { databaseFile, databaseOf, shippedCatalogue } from './database-file.ts';

const [target, source] = process.argv.slice(2);
if (target === undefined || target.startsWith('-')) {
  console.error('Usage: npm run backup -- FILE [DATABASE_URL]   (the database defaults to $DATABASE_URL, then data/workflows.sqlite)');
  process.exit(2);
}
if (databaseOf(source).dialect === 'postgres') {
  console.error(
    'This command copies a SQLite file. Back up PostgreSQL online with pg_dump: pg_dump --format=custom --file=FILE "$DATABASE_URL", ' +
      'then check the copy with npm run verify-audit -- postgres://…/RESTORED after pg_restore (see README, "Backup and restore").',
  );
  process.exit(2);
}
try {
  const report = await backupDatabase(databaseFile(source), resolve(target), shippedCatalogue());
  console.log(`Backed up ${report.source} to ${report.target} (${report.bytes} bytes): ${report.cases} case(s), ${report.historyRows} history row(s).`);
  console.log(`integrity_check: ${report.integrity}; audit chain: ${report.audit.firstBroken === undefined ? `intact (head hash ${report.audit.headHash})` : `BROKEN at history position ${report.audit.firstBroken.position} (case ${report.audit.firstBroken.caseId}, seq ${report.audit.firstBroken.seq}): ${report.audit.firstBroken.reason}`}; ${report.audit.cases} case(s), ${report.audit.differingCases} differing from their history.`);
  for (const d of report.audit.differences) console.error(`case ${d.caseId}: ${d.what}`);
  if (report.integrity !== 'ok' || !report.audit.ok) process.exitCode = 1;
} catch (error) {
  console.error(error instanceof BackupError || error instanceof AuditUnavailableError ? error.message : error);
  process.exitCode = 1;
}
