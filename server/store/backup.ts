import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Catalogue } from '../engine/catalogue.ts';
import { verifyAudit, type AuditResult } from './audit.ts';
import type { Connection } from './database.ts';
import { openConnection } from './sqlite.ts';

export class BackupError extends Error {}

export interface BackupReport {
  source: string;
  target: string;
  bytes: number;
  cases: number;
  historyRows: number;
  integrity: string;
  audit: AuditResult;
}

/**
 * SQLite only: a PostgreSQL database is backed up online with `pg_dump` (README, "Backup and restore").
 * Copies a live database to `target` with `VACUUM INTO` on a connection of its own. The copy is
 * one read transaction, so it is a consistent snapshot even while the server commits transitions
 * (WAL lets those writers carry on). SQLite neither fsyncs the copy nor writes it atomically, so
 * it is written beside the target, fsynced and then renamed: `target` is either complete or absent.
 * An existing `target` is never overwritten: a backup must not destroy an older one by a typo.
 * The copy is then checked as `verify-audit` checks: chain, and every case against its history.
 */
export async function backupDatabase(source: string, target: string, catalogue: Catalogue): Promise<BackupReport> {
  if (!existsSync(source)) throw new BackupError(`There is no database at ${source}`);
  if (existsSync(target)) throw new BackupError(`${target} already exists; choose a new file name (backups are never overwritten)`);
  const partial = `${target}.partial-${process.pid}`;
  const db = await openConnection(source, { readOnly: true });
  try {
    await db.exec('PRAGMA busy_timeout = 10000');
    await db.run('VACUUM INTO ?', [partial]);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    await db.close();
  }
  fsyncFile(partial);
  if (existsSync(target)) {
    rmSync(partial, { force: true });
    throw new BackupError(`${target} appeared while the backup was being written; it was left alone`);
  }
  renameSync(partial, target);
  fsyncFile(dirname(target));
  const copy = await openConnection(target, { readOnly: true });
  try {
    return { source, target, bytes: statSync(target).size, ...(await inspect(copy, catalogue)) };
  } finally {
    await copy.close();
  }
}

/** What a restore would bring back, and whether it is sound. */
export async function inspect(db: Connection, catalogue: Catalogue): Promise<{ cases: number; historyRows: number; integrity: string; audit: AuditResult }> {
  const integrity = (await db.all<{ integrity_check: string }>('PRAGMA integrity_check')).map((r) => r.integrity_check).join('; ');
  const cases = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM cases'))!.n;
  const historyRows = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM history'))!.n;
  return { cases, historyRows, integrity, audit: await verifyAudit(db, catalogue) };
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
