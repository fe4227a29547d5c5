/**
 * The storage interface every repository in server/store (and the SQL in auth, notify and cases)
 * is written against, whichever database is behind it: SQLite (the embedded default, sqlite.ts) or
 * PostgreSQL (postgres.ts), chosen by DATABASE_URL. The SQL they send is the common dialect of the
 * two: `?` placeholders, `INSERT … RETURNING`, `ON CONFLICT`, and `json_extract(text, '$.field')`,
 * which the PostgreSQL schema defines as a function of its own.
 */

export type Params = readonly (string | number | null)[];

export type Dialect = 'sqlite' | 'postgres';

/** One connection, or one transaction on one. */
export interface Connection {
  readonly dialect: Dialect;
  /** `changes`: how many rows the statement inserted, changed or deleted. */
  run(sql: string, params?: Params): Promise<{ changes: number }>;
  get<T>(sql: string, params?: Params): Promise<T | undefined>;
  all<T>(sql: string, params?: Params): Promise<T[]>;
  /** Statements without parameters, separated by semicolons. */
  exec(sql: string): Promise<void>;
  /**
   * Inside a write transaction: waits until no other transaction holds `name`, then holds it until
   * this one ends. For what must be decided one writer at a time (the next number, the next link of
   * the hash chain); SQLite's write transactions hold the whole file already, so there it is a no-op.
   */
  exclusive(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A database: write transactions, and a reader that sees only committed data, so a request never
 * observes half a transition, even one that is about to roll back.
 */
export interface Database {
  readonly dialect: Dialect;
  /** Each statement on its own sees every transaction committed before it starts. */
  readonly reader: Connection;
  /**
   * Runs `work`'s statements on one snapshot of committed data: they all see the same transactions,
   * so what they read together (a case's row and its history) is never from either side of a commit.
   */
  read<T>(work: (conn: Connection) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one write transaction: all of it commits, or none. Two transactions that collide
   * (PostgreSQL runs them side by side) end with one refused as a VersionConflictError, never a 5xx.
   */
  transaction<T>(work: (tx: Connection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Where the data is, parsed from DATABASE_URL. */
export type DatabaseLocation = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

/** Opens the database `location` names; `migrate` (migrate.ts) brings its schema up to date. */
export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  if (location.dialect === 'sqlite') {
    const { SqliteDatabase } = await import('./sqlite.ts');
    return SqliteDatabase.open(location.path);
  }
  const { PostgresDatabase } = await import('./postgres.ts');
  return PostgresDatabase.open(location.url);
}

/** One connection that refuses every write, for tools that inspect a live database or a backup. */
export async function openReadOnly(location: DatabaseLocation): Promise<Connection> {
  if (location.dialect === 'sqlite') {
    const { openConnection } = await import('./sqlite.ts');
    const db = await openConnection(location.path, { readOnly: true });
    await db.exec('PRAGMA busy_timeout = 10000');
    return db;
  }
  const { openPostgresConnection } = await import('./postgres.ts');
  return openPostgresConnection(location.url, { readOnly: true });
}
