import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openConnection, SqliteDatabase } from '../../server/store/sqlite.ts';

/**
 * SQLite's writer commits the transactions that queued up meanwhile together (group commit): one
 * fsync for several. Each must still behave as a transaction of its own: it sees those before it,
 * a refused one leaves nothing and takes nothing of the others, and none reports success before the
 * commit that holds it is on disk (here: readable from a second connection when its promise settles).
 */
let dir: string;
let db: SqliteDatabase;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
  db = await SqliteDatabase.open(join(dir, 'db.sqlite'));
  await db.transaction((tx) => tx.exec('CREATE TABLE entries (n INTEGER PRIMARY KEY, note TEXT NOT NULL)'));
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every row, read by a connection of its own: only what has been committed. */
async function committed(): Promise<number[]> {
  const other = await openConnection(db.path);
  try {
    return (await other.all<{ n: number }>('SELECT n FROM entries ORDER BY n')).map((row) => row.n);
  } finally {
    await other.close();
  }
}

test('transactions queued together commit in fewer commits than transactions, and each is durable when it resolves', async () => {
  const before = db.commits;
  const seenWhenResolved: number[][] = [];
  const writes = Array.from({ length: 20 }, (_, n) =>
    db
      .transaction(async (tx) => {
        await tx.run('INSERT INTO entries (n, note) VALUES (?, ?)', [n, `entry ${n}`]);
        return n;
      })
      .then(async (value) => {
        seenWhenResolved[n] = await committed();
        return value;
      }),
  );
  expect(await Promise.all(writes)).toEqual(Array.from({ length: 20 }, (_, n) => n));
  for (const [n, rows] of seenWhenResolved.entries()) expect(rows, `when transaction ${n} resolved`).toContain(n);
  const made = db.commits - before;
  expect(made).toBeGreaterThanOrEqual(1);
  expect(made).toBeLessThan(20);
});

test('a refused transaction in a group leaves nothing and takes nothing of the others with it', async () => {
  const outcomes = await Promise.allSettled(
    [0, 1, 2, 3, 4].map((n) =>
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO entries (n, note) VALUES (?, ?)', [n * 10, `first of ${n}`]);
        await tx.run('INSERT INTO entries (n, note) VALUES (?, ?)', [n * 10 + 1, `second of ${n}`]);
        if (n === 2) throw new Error('refused half way');
        return n;
      }),
    ),
  );
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ message: 'refused half way' });
  expect(await committed()).toEqual([0, 1, 10, 11, 30, 31, 40, 41]);
});

test('a transaction sees the writes of the one queued before it in the same group, as if they had committed one by one', async () => {
  const first = db.transaction((tx) => tx.run('INSERT INTO entries (n, note) VALUES (1, ?)', ['one']));
  const second = db.transaction(async (tx) => (await tx.get<{ count: number }>('SELECT COUNT(*) AS count FROM entries'))!.count);
  await first;
  expect(await second).toBe(1);
});

test('a database error in one member (a duplicate key) is that member\'s alone', async () => {
  await db.transaction((tx) => tx.run('INSERT INTO entries (n, note) VALUES (7, ?)', ['already there']));
  const outcomes = await Promise.allSettled([
    db.transaction((tx) => tx.run('INSERT INTO entries (n, note) VALUES (6, ?)', ['six'])),
    db.transaction((tx) => tx.run('INSERT INTO entries (n, note) VALUES (7, ?)', ['seven again'])),
    db.transaction((tx) => tx.run('INSERT INTO entries (n, note) VALUES (8, ?)', ['eight'])),
  ]);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
  expect(await committed()).toEqual([6, 7, 8]);
});

test('a refusal that names what the member before it wrote is told only once that write is on disk', async () => {
  let open!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const thirdStarted = new Promise<void>((resolve) => (started = resolve));
  const first = db.transaction((tx) => tx.run('INSERT INTO entries (n, note) VALUES (1, ?)', ['version 2']));
  const refused = db.transaction(async (tx) => {
    const seen = await tx.get<{ note: string }>('SELECT note FROM entries WHERE n = 1');
    throw new Error(`the case is now at ${seen?.note ?? 'nothing'}`);
  });
  // A third member holds the group's commit back until the test lets it go.
  const third = db.transaction(async () => {
    started();
    await gate;
  });
  let toldEarly = false;
  let released = false;
  const heard = refused.catch(async (error: Error) => {
    toldEarly = !released;
    return { message: error.message, committed: await committed() };
  });
  await thirdStarted;
  released = true;
  open();
  const [, , told] = await Promise.all([first, third, heard]);
  expect(toldEarly, 'the refusal was told before its group committed').toBe(false);
  expect(told).toEqual({ message: 'the case is now at version 2', committed: [1] });
});
