/**
 * The ceiling a durable transition is measured against: a bare Express 5 route that does the least
 * a transition must (one history row inserted, one case row moved on if its version still matches,
 * in one transaction) on the same driver and with the same durability as the product: SQLite in WAL
 * mode with synchronous=FULL, writes one at a time on one connection (as server/store/sqlite.ts
 * does), or PostgreSQL with its default synchronous commit. No sessions, forms or JSON beyond the body.
 */
import express from 'express';
import pg from 'pg';
import sqlite3 from 'sqlite3';

/** One transition's commit; false when the case had moved on (the product's 409). */
export interface Committer {
  seed(cases: number): Promise<void>;
  commit(caseId: string, expectedVersion: number, type: string, data: unknown): Promise<boolean>;
  close(): Promise<void>;
}

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS bare_cases (id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS bare_history (case_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (case_id, seq))',
];

export async function sqliteCommitter(path: string): Promise<Committer> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(path, (error) => (error ? reject(error) : resolve(opened)));
  });
  const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
  const run = (sql: string, params: unknown[]) =>
    new Promise<number>((resolve, reject) => {
      db.run(sql, params, function (this: sqlite3.RunResult, error: Error | null) {
        if (error) reject(error);
        else resolve(this.changes);
      });
    });
  await exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  await exec(SCHEMA.join(';'));
  // One connection takes one transaction at a time: the same queue the product's writer has.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };
  return {
    async seed(cases) {
      await exec('BEGIN');
      for (let i = 0; i < cases; i++) await run('INSERT INTO bare_cases (id, state, version, updated_at) VALUES (?, ?, 1, ?)', [`case-${i}`, 'open', new Date().toISOString()]);
      await exec('COMMIT');
    },
    commit: (caseId, expectedVersion, type, data) =>
      serial(async () => {
        const at = new Date().toISOString();
        await exec('BEGIN IMMEDIATE');
        try {
          await run('INSERT INTO bare_history (case_id, seq, type, at, data) VALUES (?, ?, ?, ?, ?)', [caseId, expectedVersion + 1, type, at, JSON.stringify(data)]);
          const moved = await run('UPDATE bare_cases SET state = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?', [type, expectedVersion + 1, at, caseId, expectedVersion]);
          if (moved !== 1) {
            await exec('ROLLBACK');
            return false;
          }
          await exec('COMMIT');
          return true;
        } catch (error) {
          await exec('ROLLBACK');
          throw error;
        }
      }),
    close: () => new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** `url` names a database of its own (the caller creates and drops it). */
export async function postgresCommitter(url: string, connections: number): Promise<Committer> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  for (const sql of SCHEMA) await pool.query(sql);
  return {
    async seed(cases) {
      await pool.query("INSERT INTO bare_cases (id, state, version, updated_at) SELECT 'case-' || i, 'open', 1, now()::text FROM generate_series(0, $1 - 1) AS i", [cases]);
    },
    async commit(caseId, expectedVersion, type, data) {
      const client = await pool.connect();
      try {
        const at = new Date().toISOString();
        await client.query('BEGIN');
        await client.query('INSERT INTO bare_history (case_id, seq, type, at, data) VALUES ($1, $2, $3, $4, $5)', [caseId, expectedVersion + 1, type, at, JSON.stringify(data)]);
        const moved = await client.query('UPDATE bare_cases SET state = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5', [type, expectedVersion + 1, at, caseId, expectedVersion]);
        await client.query(moved.rowCount === 1 ? 'COMMIT' : 'ROLLBACK');
        return moved.rowCount === 1;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** `POST /cases/:id/events` with `{type, data, expectedVersion}`: 200 after the commit, 409 when beaten. */
export function bareApp(committer: Committer): express.Express {
  const app = express();
  app.use(express.json());
  app.post('/cases/:id/events', async (req, res) => {
    const { type, data, expectedVersion } = req.body as { type: string; data: unknown; expectedVersion: number };
    const moved = await committer.commit(String(req.params.id), expectedVersion, type, data);
    res.status(moved ? 200 : 409).json({ id: req.params.id, version: moved ? expectedVersion + 1 : expectedVersion });
  });
  return app;
}
