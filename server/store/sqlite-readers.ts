import type { Connection, Params } from './database.ts';

/**
 * The read side of a SQLite file: a few connections, each running one statement at a time.
 *
 * One connection would do the work, but not the reading: SQLite starts a read transaction with a
 * connection's first active statement and ends it only when none is active, so on a connection
 * that always has a statement in flight (twenty clients reading at once) the snapshot never moves
 * on, and a client can read the case it has just changed as it was before (measured: 93 of 200
 * reads after a commit were stale). Taking a connection for each statement alone lets each start
 * afresh, after every commit before it. Two connections: with the writer and a password hash,
 * that is all four of libuv's threads, and the machine's two cores.
 */
export class SqliteReaders implements Connection {
  readonly dialect = 'sqlite' as const;
  private readonly free: Connection[];
  private readonly waiting: ((connection: Connection) => void)[] = [];

  constructor(private readonly connections: readonly Connection[]) {
    this.free = [...connections];
  }

  run(sql: string, params?: Params) {
    return this.using((connection) => connection.run(sql, params));
  }

  get<T>(sql: string, params?: Params) {
    return this.using((connection) => connection.get<T>(sql, params));
  }

  all<T>(sql: string, params?: Params) {
    return this.using((connection) => connection.all<T>(sql, params));
  }

  exec(sql: string) {
    return this.using((connection) => connection.exec(sql));
  }

  /** Readers never write, so there is nothing to hold. */
  exclusive(): Promise<void> {
    return Promise.resolve();
  }

  /** Every statement of `work` on one connection inside one read transaction: one snapshot. */
  snapshot<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
    return this.using(async (connection) => {
      await connection.exec('BEGIN');
      try {
        return await work(connection);
      } finally {
        // A read transaction has nothing to keep or undo: ending it only lets the snapshot go.
        await connection.exec('COMMIT');
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.close()));
  }

  private async using<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = this.free.pop() ?? (await new Promise<Connection>((take) => this.waiting.push(take)));
    try {
      return await work(connection);
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.free.push(connection);
      else next(connection);
    }
  }
}
