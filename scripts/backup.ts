/**
 * `npm run backup -- FILE [DATABASE_URL-or-path]`: a consistent copy of the database taken while
 * the server runs. Restore: stop the server, copy FILE to the DATABASE_URL path, start it again
 * (see README, "Backup and restore").
 */
import { resolve } from 'node:path';
import { BackupError, backupDatabase } from '../server/store/backup.ts';
import { databaseFile } from './database-file.ts';

const [target, source] = process.argv.slice(2);
if (target === undefined || target.startsWith('-')) {
  console.error('Usage: npm run backup -- FILE [DATABASE_URL]   (the database defaults to $DATABASE_URL, then data/workflows.sqlite)');
  process.exit(2);
}
try {
  const report = await backupDatabase(databaseFile(source), resolve(target));
  console.log(`Backed up ${report.source} to ${report.target} (${report.bytes} bytes): ${report.cases} case(s), ${report.historyRows} history row(s).`);
  console.log(`integrity_check: ${report.integrity}; audit chain: ${report.audit.ok ? `intact (head hash ${report.audit.headHash})` : `BROKEN at position ${report.audit.firstBroken!.position}`}.`);
  if (report.integrity !== 'ok' || !report.audit.ok) process.exitCode = 1;
} catch (error) {
  console.error(error instanceof BackupError ? error.message : error);
  process.exitCode = 1;
}
