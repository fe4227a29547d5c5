/**
 * From a few thousand cases made through the API to BENCH_CASES, in SQL, in one transaction on the
 * product's database (the server is stopped), SQLite or PostgreSQL alike. Copy k of a case is the
 * case with `~k` after its id (and reference), everything dated moved back (53 × k) mod 1096 days,
 * so the copies spread over three years before the originals: its row, its history (each step's
 * `at`), deadlines (`due`), tasks and links between cases of the same copy. Columns are read from
 * the tables, so a column added later is copied as it is. The read aggregates
 * (server/store/aggregates.ts) are not copied: the triggers that keep them count the copies as they
 * are inserted, and the product's own check (the one verify-audit runs) must then find them equal to
 * a recount, or the run stops.
 *
 * What is not copied, and why: timers (a copy's would be past due and fire at start-up),
 * notifications and the email outbox (one person's messages, not the case's record), sessions. The
 * copies' history rows keep the originals' hashes, so `verify-audit` fails on this database: it is
 * made for reading, never for checking the record.
 */
import { databaseLocation } from '../server/main.ts';
import { checkAggregates } from '../server/store/aggregates.ts';
import type { Connection } from '../server/store/database.ts';
import { openPostgresConnection } from '../server/store/postgres.ts';
import { openConnection } from '../server/store/sqlite.ts';
import { progress } from './support.ts';

const COPIED = ['cases', 'history', 'deadlines', 'tasks', 'links'] as const;
const SPREAD_DAYS = 1096;
const STRIDE_DAYS = 53;

/** What the copies need said in each database's own SQL; `m.days` is the copy's shift. */
interface Dialect {
  begin: string;
  /** The product's tables. */
  tables: string;
  /** A table's columns a copy is given, in order: not the keys the database numbers itself. */
  columns(db: Connection, table: string): Promise<string[]>;
  /** An instant `t.column` moved back, in the form the product stores (`2026-11-02T09:30:00.000Z`). */
  instant(column: string): string;
  /** A date `t.column` (`2026-11-02`) moved back. */
  date(column: string): string;
}

const SQLITE: Dialect = {
  begin: 'BEGIN IMMEDIATE',
  tables: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  async columns(db, table) {
    const columns = await db.all<{ name: string; type: string; pk: number }>(`PRAGMA table_info(${table})`);
    return columns.filter((c) => !(c.pk === 1 && c.type.toUpperCase() === 'INTEGER')).map((c) => c.name);
  },
  instant: (column) => `strftime('%Y-%m-%dT%H:%M:%fZ', t.${column}, '-' || m.days || ' days')`,
  date: (column) => `date(t.${column}, '-' || m.days || ' days')`,
};

const POSTGRES: Dialect = {
  begin: 'BEGIN',
  tables: "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  async columns(db, table) {
    const columns = await db.all<{ name: string }>(
      "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'NO' ORDER BY ordinal_position",
      [table],
    );
    return columns.map((c) => c.name);
  },
  // In UTC before the shift, so that a day is 24 hours whatever the session's time zone.
  instant: (column) => `to_char((t.${column}::timestamptz AT TIME ZONE 'UTC') - m.days * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  date: (column) => `to_char(t.${column}::date - m.days, 'YYYY-MM-DD')`,
};

function connect(databaseUrl: string): Promise<Connection> {
  const location = databaseLocation(databaseUrl);
  return location.dialect === 'sqlite' ? openConnection(location.path) : openPostgresConnection(location.url);
}

async function copy(db: Connection, dialect: Dialect, originals: number, total: number): Promise<void> {
  const extra = Math.max(0, total - originals);
  const copies = Math.ceil(extra / originals);
  for (const { name } of await db.all<{ name: string }>(dialect.tables)) {
    const refersToCases = (await dialect.columns(db, name)).includes('case_id');
    if (refersToCases && !(COPIED as readonly string[]).includes(name)) progress(`multiplying: table ${name} refers to cases and is not copied`);
  }
  progress(`multiplying: ${originals} cases to ${originals + extra} (${copies} copies, the last partial), in one transaction`);
  await db.exec(dialect.begin);
  await db.exec('CREATE TEMP TABLE copy_of (original TEXT NOT NULL, k INTEGER NOT NULL, days INTEGER NOT NULL, PRIMARY KEY (original, k))');
  await db.run(
    `WITH RECURSIVE copies(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM copies WHERE k < ?)
     INSERT INTO copy_of (original, k, days)
     SELECT c.id, copies.k, (copies.k * ${STRIDE_DAYS}) % ${SPREAD_DAYS} FROM copies CROSS JOIN cases c ORDER BY copies.k, c.created_at, c.id LIMIT ?`,
    [copies, extra],
  );
  const renamed = (column: string) => `t.${column} || '~' || m.k`;
  const transforms: Record<(typeof COPIED)[number], Record<string, string>> = {
    // next_due is also recounted by the triggers on deadlines (migration 013) as the copies' deadlines go in.
    cases: { id: renamed('id'), reference: renamed('reference'), created_at: dialect.instant('created_at'), updated_at: dialect.instant('updated_at'), next_due: dialect.date('next_due') },
    history: { case_id: renamed('case_id'), at: dialect.instant('at') },
    deadlines: { case_id: renamed('case_id'), due: dialect.date('due') },
    tasks: { case_id: renamed('case_id') },
    links: { case_id: renamed('case_id'), linked_case_id: renamed('linked_case_id') },
  };
  for (const table of COPIED) {
    const names = await dialect.columns(db, table);
    const values = names.map((name) => transforms[table][name] ?? `t.${name}`);
    const key = table === 'cases' ? 'id' : 'case_id';
    // A link is copied only when the case it points at is copied alongside it.
    const alongside = table === 'links' ? 'JOIN copy_of m2 ON m2.original = t.linked_case_id AND m2.k = m.k' : '';
    const order = table === 'history' ? 'ORDER BY m.k, t.position' : '';
    progress(`multiplying: ${table}`);
    await db.exec(`INSERT INTO ${table} (${names.join(', ')}) SELECT ${values.join(', ')} FROM ${table} t JOIN copy_of m ON m.original = t.${key} ${alongside} ${order}`);
  }
  await db.exec('DROP TABLE copy_of');
  await db.exec('COMMIT');
}

/** The cases there were, and there are now. */
export async function multiplyCases(databaseUrl: string, total: number): Promise<{ originals: number; cases: number }> {
  const db = await connect(databaseUrl);
  const count = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM cases'))!.n;
  try {
    const dialect = db.dialect === 'sqlite' ? SQLITE : POSTGRES;
    const originals = await count();
    await copy(db, dialect, originals, total);
    progress('multiplying: the read aggregates against a recount');
    const differences = await checkAggregates(db);
    if (differences.length > 0) throw new Error(`the copies' read aggregates differ from a recount: ${JSON.stringify(differences)}`);
    // The statistics and visibility map autovacuum would leave soon after such a load, so that the
    // reads are not planned on whatever it had got round to when they begin.
    if (db.dialect === 'postgres') await db.exec('VACUUM ANALYZE');
    return { originals, cases: await count() };
  } finally {
    await db.close();
  }
}
