import sqlite3 from 'sqlite3';
import type { Connection, Database, Params } from './database.ts';
import { SqliteReaders } from './sqlite-readers.ts';

/** Opens one connection; `readOnly` for tools that must never change (or create) the file they inspect. */
export function openConnection(path: string, options: { readOnly?: boolean } = {}): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const opened = (error: Error | null) => (error ? reject(error) : resolve(wrap(db)));
    const db = options.readOnly ? new sqlite3.Database(path, sqlite3.OPEN_READONLY, opened) : new sqlite3.Database(path, opened);
  });
}

function wrap(db: sqlite3.Database): Connection {
  return {
    dialect: 'sqlite',
    run: (sql, params = []) =>
      new Promise((resolve, reject) => {
        db.run(sql, params as unknown[], function (this: sqlite3.RunResult, error: Error | null) {
          if (error) reject(error);
          else resolve({ changes: this.changes });
        });
      }),
    get: <T>(sql: string, params: Params = []) =>
      new Promise<T | undefined>((resolve, reject) => {
        db.get(sql, params as unknown[], (error: Error | null, row: T | undefined) => (error ? reject(error) : resolve(row)));
      }),
    all: <T>(sql: string, params: Params = []) =>
      new Promise<T[]>((resolve, reject) => {
        db.all(sql, params as unknown[], (error: Error | null, rows: T[]) => (error ? reject(error) : resolve(rows)));
      }),
    exec: (sql) => new Promise((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve()))),
    // The write transaction (BEGIN IMMEDIATE) already holds the whole file.
    exclusive: () => Promise.resolve(),
    close: () => new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** The most transactions one commit carries, so the first of a group is not kept waiting behind many. */
const MOST_IN_ONE_COMMIT = 32;

interface Queued {
  work: (tx: Connection) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Read connections beside the writer (sqlite-readers.ts says why this many). */
const READERS = 2;

/**
 * Connections to one WAL-mode file. Writes run one at a time on the writer, inside
 * `BEGIN IMMEDIATE … COMMIT`; reads use the readers, which see only committed data, so a request
 * never observes half a transition, even one that is about to roll back.
 *
 * Group commit: the transactions that queue up while one commit is being made to disk go into the
 * next commit together, each in a savepoint of its own. Each still runs alone, after the one before
 * it, and a refused one rolls back to its savepoint, taking nothing of the others with it; but one
 * fsync makes the whole group durable, and no transaction's promise settles with success before the
 * commit that holds it is on disk, so no answer says "saved" early.
 */
export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  private readonly queued: Queued[] = [];
  private draining: Promise<void> | null = null;
  /** Commits made so far, each one fsync: fewer than the transactions when they were grouped. */
  commits = 0;

  private constructor(
    readonly path: string,
    private readonly writer: Connection,
    readonly reader: SqliteReaders,
  ) {}

  static async open(path: string): Promise<SqliteDatabase> {
    const writer = await openConnection(path);
    // FULL: a transition answered 200 survives a power cut, not just a crash of this process.
    await writer.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    const readers = await Promise.all(
      Array.from({ length: READERS }, async () => {
        const reader = await openConnection(path);
        await reader.exec('PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;');
        return reader;
      }),
    );
    return new SqliteDatabase(path, writer, new SqliteReaders(readers));
  }

  read<T>(work: (conn: Connection) => Promise<T>): Promise<T> {
    return this.reader.snapshot(work);
  }

  /** Runs `work` in one write transaction, after every write queued before it. */
  transaction<T>(work: (tx: Connection) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.draining ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queued.length > 0) await this.commitGroup(this.queued.splice(0, MOST_IN_ONE_COMMIT));
    } finally {
      // In the same turn as the check above: a transaction queued after it starts the next drain.
      this.draining = null;
    }
  }

  private async commitGroup(group: Queued[]): Promise<void> {
    const done: { entry: Queued; result: unknown }[] = [];
    const refused: { entry: Queued; error: unknown }[] = [];
    const settle = (failure?: { error: unknown }) => {
      for (const { entry, result } of done) (failure ? entry.reject(failure.error) : entry.resolve(result));
      for (const { entry, error } of refused) entry.reject(error);
    };
    try {
      await this.writer.exec('BEGIN IMMEDIATE');
    } catch (error) {
      for (const entry of group) entry.reject(error);
      return;
    }
    // Alone, a transaction needs no savepoint: its failure rolls back the whole (one-member) group.
    const alone = group.length === 1;
    for (const [index, entry] of group.entries()) {
      if (!alone) await this.writer.exec('SAVEPOINT member');
      try {
        const result = await entry.work(this.writer);
        if (!alone) await this.writer.exec('RELEASE member');
        done.push({ entry, result });
      } catch (error) {
        // Told only once the group is settled: what a refusal says (a case's current version) may come from
        // the members before it, and must be on disk before anyone acts on it.
        refused.push({ entry, error });
        if (alone) break;
        try {
          await this.writer.exec('ROLLBACK TO member; RELEASE member');
        } catch (lost) {
          // SQLite rolls the whole transaction back itself on some errors (a full disk, an I/O error):
          // the group's earlier members are lost with it, and those after it go into a group of their own.
          this.queued.unshift(...group.slice(index + 1));
          await this.writer.exec('ROLLBACK').catch(() => undefined);
          settle({ error: lost });
          return;
        }
      }
    }
    if (done.length === 0) {
      await this.writer.exec('ROLLBACK').catch(() => undefined);
      settle();
      return;
    }
    try {
      await this.writer.exec('COMMIT');
      this.commits++;
    } catch (error) {
      await this.writer.exec('ROLLBACK').catch(() => undefined);
      settle({ error });
      return;
    }
    settle();
  }

  async close(): Promise<void> {
    await this.draining;
    await this.reader.close();
    await this.writer.close();
  }
}
