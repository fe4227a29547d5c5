/**
 * From a few thousand cases made through the API to BENCH_CASES, in SQL, in one transaction on the
 * product's SQLite file (the server is stopped). Copy k of a case is the case with `~k` after its
 * id (and reference), everything dated moved back (53 × k) mod 1096 days, so the copies spread over
 * three years before the originals: its row, its history (each step's `at`), deadlines (`due`),
 * tasks and links between cases of the same copy. Columns are read from the tables, so a column
 * added later is copied as it is. The read aggregates (server/store/aggregates.ts) are not copied:
 * the triggers that keep them count the copies as they are inserted.
 *
 * What is not copied, and why: timers (a copy's would be past due and fire at start-up),
 * notifications and the email outbox (one person's messages, not the case's record), sessions. The
 * copies' history rows keep the originals' hashes, so `verify-audit` fails on this database: it is
 * made for reading, never for checking the record.
 */
import sqlite3 from 'sqlite3';
import { progress } from './support.ts';

const COPIED = ['cases', 'history', 'deadlines', 'tasks', 'links'] as const;
const SPREAD_DAYS = 1096;
const STRIDE_DAYS = 53;

interface Column {
  name: string;
  type: string;
  pk: number;
}

function open(path: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(path, (error) => (error ? reject(error) : resolve(db)));
  });
}

/** The cases there were, and there are now. */
export async function multiplyCases(path: string, total: number): Promise<{ originals: number; cases: number }> {
  const db = await open(path);
  const all = <T>(sql: string, params: unknown[] = []) => new Promise<T[]>((resolve, reject) => db.all(sql, params, (error, rows: T[]) => (error ? reject(error) : resolve(rows))));
  const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
  const run = (sql: string, params: unknown[] = []) => new Promise<void>((resolve, reject) => db.run(sql, params, (error) => (error ? reject(error) : resolve())));
  try {
    const [{ n: originals }] = (await all<{ n: number }>('SELECT COUNT(*) AS n FROM cases')) as [{ n: number }];
    const extra = Math.max(0, total - originals);
    const copies = Math.ceil(extra / originals);
    const tables = await all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    for (const { name } of tables) {
      const columns = await all<Column>(`PRAGMA table_info(${name})`);
      const refersToCases = columns.some((c) => c.name === 'case_id');
      if (refersToCases && !(COPIED as readonly string[]).includes(name)) progress(`multiplying: table ${name} refers to cases and is not copied`);
    }
    progress(`multiplying: ${originals} cases to ${originals + extra} (${copies} copies, the last partial), in one transaction`);
    await exec('BEGIN IMMEDIATE');
    await exec('CREATE TEMP TABLE copy_of (original TEXT NOT NULL, k INTEGER NOT NULL, days INTEGER NOT NULL, PRIMARY KEY (original, k))');
    await run(
      `WITH RECURSIVE copies(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM copies WHERE k < ?)
       INSERT INTO copy_of (original, k, days)
       SELECT c.id, copies.k, (copies.k * ${STRIDE_DAYS}) % ${SPREAD_DAYS} FROM copies CROSS JOIN cases c ORDER BY copies.k, c.created_at, c.id LIMIT ?`,
      [copies, extra],
    );
    const shifted = (column: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', t.${column}, '-' || m.days || ' days')`;
    const renamed = (column: string) => `t.${column} || '~' || m.k`;
    const transforms: Record<(typeof COPIED)[number], Record<string, string>> = {
      // next_due is also recounted by the triggers on deadlines (migration 013) as the copies' deadlines go in.
      cases: { id: renamed('id'), reference: renamed('reference'), created_at: shifted('created_at'), updated_at: shifted('updated_at'), next_due: "date(t.next_due, '-' || m.days || ' days')" },
      history: { case_id: renamed('case_id'), at: shifted('at') },
      deadlines: { case_id: renamed('case_id'), due: "date(t.due, '-' || m.days || ' days')" },
      tasks: { case_id: renamed('case_id') },
      links: { case_id: renamed('case_id'), linked_case_id: renamed('linked_case_id') },
    };
    for (const table of COPIED) {
      const columns = (await all<Column>(`PRAGMA table_info(${table})`)).filter((c) => !(c.pk === 1 && c.type.toUpperCase() === 'INTEGER'));
      const names = columns.map((c) => c.name);
      const values = names.map((name) => transforms[table][name] ?? `t.${name}`);
      const key = table === 'cases' ? 'id' : 'case_id';
      // A link is copied only when the case it points at is copied alongside it.
      const alongside = table === 'links' ? 'JOIN copy_of m2 ON m2.original = t.linked_case_id AND m2.k = m.k' : '';
      const order = table === 'history' ? 'ORDER BY m.k, t.position' : '';
      progress(`multiplying: ${table}`);
      await exec(`INSERT INTO ${table} (${names.join(', ')}) SELECT ${values.join(', ')} FROM ${table} t JOIN copy_of m ON m.original = t.${key} ${alongside} ${order}`);
    }
    await exec('DROP TABLE copy_of');
    await exec('COMMIT');
    const [{ n }] = (await all<{ n: number }>('SELECT COUNT(*) AS n FROM cases')) as [{ n: number }];
    return { originals, cases: n };
  } finally {
    await new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
  }
}
