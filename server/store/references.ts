/**
 * Case references people can say on the phone and type: `MER-2026-0042`.
 *
 * - three letters for the partnership (the first letters of its id), so a reference read out in a
 *   call between agencies says whose case it is;
 * - the year the case was recorded, in the partnership's time zone, which people remember and which
 *   keeps the number short;
 * - a number counting that partnership's cases of that year, at least four digits (more once a year
 *   passes 9,999).
 * Only letters of the partnership id and digits: no O/0 or I/1 to confuse in the part that varies,
 * and nothing to spell out letter by letter beyond the prefix. Unique in its partnership (a unique
 * index says so); assigned in the transaction that creates the case, never changed, and so the
 * same across restarts. The reference is an identifier, like the case id: the history does not
 * decide it, and verify-audit does not recompute it.
 */
import { dateInZone } from '../engine/dates/index.ts';
import type { Connection } from './database.ts';

export function referencePrefix(partnershipId: string): string {
  const letters = partnershipId.replace(/[^a-z]/gi, '').toUpperCase();
  return (letters || 'CASE').slice(0, 3);
}

export function formatReference(prefix: string, year: string, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(4, '0')}`;
}

/** A reference as people may type it (any case, spaces or no dashes) written the way it is stored. */
export function normaliseReference(text: string): string {
  const compact = text.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const match = /^([A-Z]{1,4})(\d{4})(\d+)$/.exec(compact);
  return match ? `${match[1]}-${match[2]}-${match[3]!.padStart(4, '0')}` : text.trim().toUpperCase().replace(/\s+/g, '-');
}

/** The next free number of a partnership's year. */
async function nextNumber(tx: Connection, partnership: string, stem: string): Promise<number> {
  const row = await tx.get<{ n: number | null }>(
    'SELECT MAX(CAST(substr(reference, ?) AS INTEGER)) AS n FROM cases WHERE partnership = ? AND reference LIKE ?',
    [stem.length + 1, partnership, `${stem}%`],
  );
  return (row?.n ?? 0) + 1;
}

/**
 * Gives a newly inserted case its reference, inside the transaction that creates it. One writer at a
 * time numbers a partnership's cases of a year (the unique index would refuse a number taken twice, but
 * as a conflict the person creating the case would see); other partnerships and years do not wait.
 */
export async function assignReference(tx: Connection, caseId: string, timeZone: string): Promise<string> {
  const row = await tx.get<{ partnership: string; created_at: string; reference: string | null }>(
    'SELECT partnership, created_at, reference FROM cases WHERE id = ?',
    [caseId],
  );
  if (row === undefined) throw new Error(`Case ${caseId} is not in the cases table`);
  if (row.reference !== null) return row.reference;
  const prefix = referencePrefix(row.partnership);
  const year = dateInZone(row.created_at, timeZone).slice(0, 4);
  // Taken before the number is read, so the next writer reads the number this one takes.
  await tx.exclusive(`case-references:${row.partnership}:${year}`);
  const reference = formatReference(prefix, year, await nextNumber(tx, row.partnership, `${prefix}-${year}-`));
  await tx.run('UPDATE cases SET reference = ? WHERE id = ?', [reference, caseId]);
  return reference;
}
