/**
 * The history's hash chain, one per case: from here on each case's new rows chain from that case's
 * own last row (its first from GENESIS_HASH), so a transition no longer waits for every other
 * transition in the country to extend one shared head (see appendHistory in cases.ts).
 *
 * The rows already written keep their hashes: history is append-only, and re-sealing them (as 002
 * did) would ask auditors to trust the upgrade instead of the record. So they still verify under the
 * rule they were written by, one chain across all cases in `position` order, and this migration
 * records where that chain ends: one row in `history_chain_boundary` with the position, case, seq and
 * hash of the last row written under it (position 0 and GENESIS_HASH for an empty history). A
 * boundary table rather than a column on `history`, since a column would need every old row updated,
 * which the triggers refuse; and the recorded head lets `verify-audit` notice the deletion of that
 * last old row, which no later link would show. The table holds one row, refused UPDATE and DELETE
 * like the history itself: a boundary moved either way puts rows under the wrong rule, and they fail.
 *
 * Servers of the previous version take the lock named `history` for every append: taking it here,
 * before the last row is read, puts every row they committed inside the boundary. Stop them before
 * upgrading all the same: a row one wrote after this would chain from the global head and fail.
 */
import type { Connection } from '../database.ts';
import { GENESIS_HASH } from '../cases.ts';

const CREATE_TABLE = `
  CREATE TABLE history_chain_boundary (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_position INTEGER NOT NULL,
    last_case_id TEXT,
    last_seq INTEGER,
    head_hash TEXT NOT NULL,
    recorded_at TEXT NOT NULL
  )`;

const APPEND_ONLY: Record<Connection['dialect'], string> = {
  sqlite: `
    CREATE TRIGGER history_chain_boundary_is_fixed_update BEFORE UPDATE ON history_chain_boundary
    BEGIN SELECT RAISE(ABORT, 'the history chain boundary is fixed'); END;
    CREATE TRIGGER history_chain_boundary_is_fixed_delete BEFORE DELETE ON history_chain_boundary
    BEGIN SELECT RAISE(ABORT, 'the history chain boundary is fixed'); END;`,
  // refuse_change() is postgres-schema.sql's, which the history's own triggers use.
  postgres: `
    CREATE TRIGGER history_chain_boundary_is_fixed_update BEFORE UPDATE ON history_chain_boundary
      FOR EACH ROW EXECUTE FUNCTION refuse_change('the history chain boundary is fixed');
    CREATE TRIGGER history_chain_boundary_is_fixed_delete BEFORE DELETE ON history_chain_boundary
      FOR EACH ROW EXECUTE FUNCTION refuse_change('the history chain boundary is fixed');
    CREATE TRIGGER history_chain_boundary_is_fixed_truncate BEFORE TRUNCATE ON history_chain_boundary
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the history chain boundary is fixed');`,
};

export async function up(tx: Connection): Promise<void> {
  await tx.exclusive('history');
  const last = await tx.get<{ position: number; case_id: string; seq: number; hash: string }>(
    'SELECT position, case_id, seq, hash FROM history ORDER BY position DESC LIMIT 1',
  );
  await tx.exec(CREATE_TABLE);
  await tx.exec(APPEND_ONLY[tx.dialect]);
  await tx.run('INSERT INTO history_chain_boundary (id, last_position, last_case_id, last_seq, head_hash, recorded_at) VALUES (1, ?, ?, ?, ?, ?)', [
    last?.position ?? 0,
    last?.case_id ?? null,
    last?.seq ?? null,
    last?.hash ?? GENESIS_HASH,
    new Date().toISOString(),
  ]);
}
