/**
 * The database each test server runs on. A test file runs once per project (vitest.config.ts): in
 * `sqlite`, a file in the test's temporary directory; in `postgres` (TEST_DATABASE=postgres), a
 * database of its own on the server that postgres-setup.ts found, created here and dropped after.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { databaseLocation } from '../../server/main.ts';
import { openDatabase, openReadOnly, type Connection, type Database, type Dialect } from '../../server/store/database.ts';
import { openConnection } from '../../server/store/sqlite.ts';

/** Which database the storage tests of this run use. */
export const TEST_DIALECT: Dialect = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database for one server: `sqlite:` a file in `dir`, or a PostgreSQL database of its own. */
export async function newTestDatabase(dir: string, dialect: Dialect = TEST_DIALECT): Promise<string> {
  if (dialect === 'sqlite') return `sqlite:${join(dir, 'db.sqlite')}`;
  const name = `workflows_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(inject('postgresAdminUrl'));
  url.pathname = `/${name}`;
  return url.href;
}

/** Removes what {@link newTestDatabase} made (a SQLite file goes with its directory). */
export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const location = databaseLocation(databaseUrl);
  if (location.dialect === 'sqlite') return;
  const name = new URL(location.url).pathname.slice(1);
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** The test server's database, opened beside it as a second writer would (a migration tool, an attacker with the credentials). */
export function openTestDatabase(databaseUrl: string): Promise<Database> {
  return openDatabase(databaseLocation(databaseUrl));
}

/** One read-only connection to the test server's database, to look at what it stored. */
export function openTestConnection(databaseUrl: string): Promise<Connection> {
  return openReadOnly(databaseLocation(databaseUrl));
}

/**
 * A copy of the test server's database, and a way to alter it as someone with full access to it
 * could: with the append-only triggers out of the way (SQLite drops them and, on a plain connection,
 * enforces no foreign keys; PostgreSQL turns every trigger and foreign key off for the transaction
 * with `session_replication_role`). SQLite copies with VACUUM INTO; PostgreSQL makes a database from
 * it as a template, which takes the other sessions on it away first (the server's pool opens new ones).
 */
export async function tamperableCopy(databaseUrl: string, dir: string): Promise<{ databaseUrl: string; tamper(sql: string): Promise<void> }> {
  const location = databaseLocation(databaseUrl);
  if (location.dialect === 'sqlite') {
    const copy = join(dir, `tampered-${randomBytes(4).toString('hex')}.sqlite`);
    const db = await openReadOnly(location);
    try {
      await db.run('VACUUM INTO ?', [copy]);
    } finally {
      await db.close();
    }
    const triggers = ['history_is_append_only_update', 'history_is_append_only_delete', 'process_versions_are_immutable_update', 'process_versions_are_immutable_delete'];
    return {
      databaseUrl: `sqlite:${copy}`,
      async tamper(sql) {
        const db = await openConnection(copy);
        try {
          await db.exec(`${triggers.map((t) => `DROP TRIGGER IF EXISTS ${t};`).join(' ')} ${sql}`);
        } finally {
          await db.close();
        }
      },
    };
  }
  const source = new URL(location.url).pathname.slice(1);
  const name = `workflows_test_${randomBytes(6).toString('hex')}`;
  await admin(async (client) => {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [source]);
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${source}`);
  });
  const url = new URL(location.url);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.href,
    async tamper(sql) {
      const client = new pg.Client({ connectionString: url.href });
      await client.connect();
      try {
        await client.query(`BEGIN; SET LOCAL session_replication_role = replica; ${sql}; COMMIT`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The names of the database's own tables (not SQLite's internal ones). */
export async function tableNames(db: Connection): Promise<string[]> {
  const sql =
    db.dialect === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
      : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name";
  return (await db.all<{ name: string }>(sql)).map((t) => t.name);
}
