import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openDatabase, openReadOnly, type Database } from '../../server/store/database.ts';
import { openConnection } from '../../server/store/sqlite.ts';

/**
 * The SQLite connections beside the writer: the server's readers and the read-only connection that
 * tools (the audit check, the tests' own looks) open on a live database or a backup. What they promise
 * is that they never change the file, and that a tool waits for a writer instead of failing.
 */
let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'connections-'));
  path = join(dir, 'db.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function fileWithOneRow(): Promise<void> {
  const db = await openConnection(path);
  await db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('kept')");
  await db.close();
}

test("a read-only connection reads the file and refuses every write, leaving the file as it was", async () => {
  await fileWithOneRow();
  const db = await openReadOnly({ dialect: 'sqlite', path });
  try {
    expect(await db.all('SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
    await expect(db.run("INSERT INTO notes VALUES ('added')")).rejects.toThrow(/readonly/);
    await expect(db.exec('DELETE FROM notes')).rejects.toThrow(/readonly/);
  } finally {
    await db.close();
  }
  const again = await openConnection(path);
  expect(await again.all('SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
  await again.close();
});

test('a read-only connection on a file another connection holds locked for seconds waits for the lock instead of failing', async () => {
  // A backup or a copied file is not in WAL mode, where a writer's exclusive lock keeps readers out.
  // The driver's own wait is 1 s; the audit check of a busy database needs longer.
  await fileWithOneRow();
  const writer = await openConnection(path);
  await writer.exec("BEGIN EXCLUSIVE; INSERT INTO notes VALUES ('written meanwhile')");
  const db = await openReadOnly({ dialect: 'sqlite', path });
  try {
    const read = db.all('SELECT body FROM notes ORDER BY rowid');
    setTimeout(() => void writer.exec('COMMIT'), 1_500);
    expect(await read).toEqual([{ body: 'kept' }, { body: 'written meanwhile' }]);
  } finally {
    await db.close();
    await writer.close();
  }
});

test("the server's readers refuse writes, whichever way a statement is sent", async () => {
  let database: Database | undefined;
  try {
    database = await openDatabase({ dialect: 'sqlite', path });
    await database.transaction((tx) => tx.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('kept')"));
    await expect(database.reader.run("INSERT INTO notes VALUES ('added')")).rejects.toThrow(/readonly|query_only/i);
    await expect(database.reader.exec('DELETE FROM notes')).rejects.toThrow(/readonly|query_only/i);
    expect(await database.reader.all('SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
  } finally {
    await database?.close();
  }
});
