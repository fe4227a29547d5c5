import pg from 'pg';
import { BadRequestError, VersionConflictError } from '../engine/errors.ts';
import type { Connection, Database, Params } from './database.ts';

/**
 * PostgreSQL behind the storage interface (database.ts), for several servers on one database.
 *
 * Unlike SQLite's single queued writer, PostgreSQL runs write transactions side by side (READ
 * COMMITTED). The guarantees hold all the same: a case moves on only from the version it was read
 * at (`UPDATE … WHERE version = ?` waits for the other writer's row lock, then finds the version
 * gone), and what must be decided one writer at a time takes `exclusive` (an advisory lock held to
 * the end of the transaction). A collision PostgreSQL itself detects instead (a deadlock, a unique
 * key taken by a writer that committed first) is the same conflict, and answered as one.
 */

/** SQLSTATEs that mean "another transaction got there first": retrying on fresh data may succeed. */
const CONFLICTS = new Set(['40001', '40P01', '23505']);

/** Counts (bigint) and sums (numeric) as numbers, as SQLite gives them; none comes near 2^53. */
const NUMBER_TYPES = new Set<number>([pg.types.builtins.INT8, pg.types.builtins.NUMERIC]);
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    NUMBER_TYPES.has(oid) ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** `?` placeholders, outside quotes and comments, as PostgreSQL's `$1, $2, …`. */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else {
      out += c === '?' ? `$${++n}` : c;
    }
  }
  return out;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * PostgreSQL text cannot hold U+0000, and refuses a parameter with one outright, where SQLite
 * simply finds nothing equal to it. Such text can only have come from a request (answers are stored
 * as JSON, where it is escaped), so the request is refused as the client's mistake, never a 5xx.
 */
function checkedParams(params: Params): unknown[] {
  if (params.some((p) => typeof p === 'string' && p.includes('\u0000'))) {
    throw new BadRequestError('Text with a NUL character (U+0000) cannot be looked up or stored; remove it and try again');
  }
  return params as unknown[];
}

/**
 * `oneAtATime` for a single client (a transaction's): it can run only one query at a time, and
 * queues a second sent meanwhile itself only until pg 9, which refuses it; a pool runs them side by side.
 */
function wrap(client: Queryable, close: () => Promise<void>, oneAtATime = false): Connection {
  let last: Promise<unknown> = Promise.resolve();
  const send = <R>(query: () => Promise<R>): Promise<R> => {
    if (!oneAtATime) return query();
    const next = last.then(query);
    last = next.catch(() => undefined);
    return next;
  };
  const query = (sql: string, params: Params = []) => send(() => client.query(numberPlaceholders(sql), checkedParams(params)));
  return {
    dialect: 'postgres',
    run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
    get: async <T>(sql: string, params?: Params) => (await query(sql, params)).rows[0] as T | undefined,
    all: async <T>(sql: string, params?: Params) => (await query(sql, params)).rows as T[],
    // Without parameters node-postgres uses the simple protocol, which takes several statements.
    exec: async (sql) => {
      await send(() => client.query(sql));
    },
    exclusive: async (name) => {
      await send(() => client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`workflows:${name}`]));
    },
    close,
  };
}

function poolOf(url: string, readOnly: boolean, max: number): pg.Pool {
  // The reader's sessions refuse writes, as SQLite's query_only reader does.
  const pool = new pg.Pool({ connectionString: url, max, types, ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}) });
  // An idle connection the server ended (a restart, a failover): the pool drops it and opens
  // another when next needed, so it is no reason to stop; unhandled, it would end the process.
  pool.on('error', () => {});
  return pool;
}

/** One connection of its own; `readOnly` refuses every write, for tools run against a live database. */
export async function openPostgresConnection(url: string, options: { readOnly?: boolean } = {}): Promise<Connection> {
  const client = new pg.Client({ connectionString: url, types, ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}) });
  await client.connect();
  return wrap(client, () => client.end(), true);
}

function isConflict(error: unknown): boolean {
  return CONFLICTS.has(String((error as { code?: unknown } | null)?.code));
}

/** Runs `work` on one of `pool`'s connections between `begin` and COMMIT; rolled back if it throws. */
async function inTransaction<T>(pool: pg.Pool, begin: string, work: (conn: Connection) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await work(wrap(client, () => Promise.resolve(), true));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // The connection itself failed: the pool must not hand it out again.
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  readonly reader: Connection;

  private constructor(
    private readonly writers: pg.Pool,
    private readonly readers: pg.Pool,
  ) {
    this.reader = wrap(readers, () => readers.end());
  }

  static async open(url: string): Promise<PostgresDatabase> {
    const db = new PostgresDatabase(poolOf(url, false, 10), poolOf(url, true, 10));
    try {
      // Fail at start-up, with the driver's reason, rather than at the first request.
      await db.reader.get('SELECT 1');
    } catch (error) {
      await db.close();
      throw error;
    }
    return db;
  }

  async transaction<T>(work: (tx: Connection) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.writers, 'BEGIN', work);
    } catch (error) {
      if (isConflict(error)) {
        throw new VersionConflictError('Someone else changed this at the same moment and theirs was saved first; reload it and try again');
      }
      throw error;
    }
  }

  read<T>(work: (conn: Connection) => Promise<T>): Promise<T> {
    // READ COMMITTED takes a new snapshot for each statement; REPEATABLE READ keeps the first.
    return inTransaction(this.readers, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work);
  }

  async close(): Promise<void> {
    await Promise.all([this.writers.end(), this.readers.end()]);
  }
}
