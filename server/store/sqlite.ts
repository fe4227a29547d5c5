import sqlite3 from 'sqlite3';
import type { Connection, Database, Params } from './database.ts';

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

/**
 * Two connections to one WAL-mode file. Writes run one at a time on the writer, each inside
 * `BEGIN IMMEDIATE … COMMIT`; reads use the reader, which sees only committed data, so a request
 * never observes half a transition, even one that is about to roll back.
 */
export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly writer: Connection,
    readonly reader: Connection,
  ) {}

  static async open(path: string): Promise<SqliteDatabase> {
    const writer = await openConnection(path);
    // FULL: a transition answered 200 survives a power cut, not just a crash of this process.
    await writer.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    const reader = await openConnection(path);
    await reader.exec('PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;');
    return new SqliteDatabase(path, writer, reader);
  }

  /** Runs `work` in one write transaction, after every write queued before it. */
  transaction<T>(work: (tx: Connection) => Promise<T>): Promise<T> {
    const run = async () => {
      await this.writer.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.writer);
        await this.writer.exec('COMMIT');
        return result;
      } catch (error) {
        await this.writer.exec('ROLLBACK');
        throw error;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.reader.close();
    await this.writer.close();
  }
}
