import { GENESIS_HASH, historyHash } from './cases.ts';
import type { Connection } from './sqlite.ts';

export interface BrokenLink {
  position: number;
  caseId: string;
  seq: number;
  reason: string;
}

export interface AuditResult {
  ok: boolean;
  /** History rows read (up to and including the first broken one). */
  rows: number;
  /** The hash of the last row: write it down somewhere else to detect a rewrite of the whole chain later. */
  headHash: string;
  firstBroken?: BrokenLink;
}

interface HistoryRecord {
  position: number;
  case_id: string;
  seq: number;
  type: string;
  from_state: string | null;
  to_state: string;
  by: string;
  at: string;
  data: string;
  prev_hash: string;
  hash: string;
}

/** Rows are read a page at a time, so a large history never has to fit in memory at once. */
const PAGE = 1000;

/**
 * Walks the history in `position` order and recomputes every link of the hash chain, as an
 * auditor with a copy of the file would. An edited row fails its own hash; a deleted, inserted
 * or reordered row breaks the `prev_hash` of the row after it; per case, `seq` must go up by one.
 * The chain has no secret, so someone who rewrites every later hash too is caught only by
 * comparing `headHash` with one recorded earlier.
 */
export async function verifyAudit(db: Connection): Promise<AuditResult> {
  let prevHash = GENESIS_HASH;
  let rows = 0;
  let after = 0;
  const lastSeq = new Map<string, number>();
  for (;;) {
    const page = await db.all<HistoryRecord>(
      'SELECT position, case_id, seq, type, from_state, to_state, by, at, data, prev_hash, hash FROM history WHERE position > ? ORDER BY position LIMIT ?',
      [after, PAGE],
    );
    for (const row of page) {
      rows++;
      const broken = (reason: string): AuditResult => ({
        ok: false,
        rows,
        headHash: prevHash,
        firstBroken: { position: row.position, caseId: row.case_id, seq: row.seq, reason },
      });
      if (row.prev_hash !== prevHash) {
        return broken('its prev_hash is not the hash of the row before it: a row before it was deleted, inserted or reordered');
      }
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(row.data) as Record<string, unknown>;
      } catch {
        return broken('its data is not valid JSON: the row was edited');
      }
      const entry = { seq: row.seq, type: row.type, from: row.from_state, to: row.to_state, by: row.by, at: row.at, data };
      if (historyHash(prevHash, row.case_id, entry) !== row.hash) {
        return broken('its contents do not match its hash: the row was edited');
      }
      const expectedSeq = (lastSeq.get(row.case_id) ?? 0) + 1;
      if (row.seq !== expectedSeq) {
        return broken(`its seq is ${row.seq} where the case's next is ${expectedSeq}: a row of this case is missing or repeated`);
      }
      lastSeq.set(row.case_id, row.seq);
      prevHash = row.hash;
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.position;
  }
  return { ok: true, rows, headHash: prevHash };
}
