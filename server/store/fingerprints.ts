import type { Connection } from './database.ts';

/**
 * What the server last followed at start-up, by key (a calendar's id, or `places:<partnership>`): the
 * fingerprint of the data it then moved or reworded the stored cases for. A key whose fingerprint is
 * unchanged is skipped, so a plain restart writes nothing.
 */
export async function lastFollowed(db: Connection, key: string): Promise<string | undefined> {
  return (await db.get<{ fingerprint: string }>('SELECT fingerprint FROM calendars_in_force WHERE id = ?', [key]))?.fingerprint;
}

/** Records that the cases now follow `fingerprint` for `key`, once every case has been moved or reworded. */
export async function recordFollowed(tx: Connection, key: string, fingerprint: string, at: string): Promise<void> {
  await tx.run(
    'INSERT INTO calendars_in_force (id, fingerprint, checked_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, checked_at = excluded.checked_at',
    [key, fingerprint, at],
  );
}
