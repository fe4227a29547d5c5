/**
 * Finding a case: by its reference (`MER-2026-0042`, typed in any case, with spaces or without
 * dashes or leading zeros: "mer 2026 42"), or by words of the people's own reference for it or its
 * summary. Always combined with `readableCasesSql`: search never finds a case one may not read.
 */
import type { SqlFilter } from './access.ts';
import { normaliseReference } from '../store/references.ts';

/** Start-form fields in which people give a case their own reference ("Child T"), first present wins. */
export const OWN_REFERENCE_FIELDS = ['caseReference', 'title'] as const;
/** Start-form fields whose text search looks in: the own reference and the summary. */
export const SEARCHED_FIELDS = [...OWN_REFERENCE_FIELDS, 'summary'] as const;

/** The people's own reference for a case, if its start form asked for one. */
export function ownReferenceOf(data: Record<string, unknown>): string | null {
  for (const field of OWN_REFERENCE_FIELDS) {
    const value = data[field];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return null;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The cases (table `alias`) that `q` finds; a blank `q` finds nothing. */
export function searchSql(q: string, alias = 'cases'): SqlFilter {
  const text = q.trim();
  if (text === '') return { sql: 'FALSE', params: [] };
  const col = (name: string) => `${alias}.${name}`;
  const contains = `%${escapeLike(text)}%`;
  // lower() on both sides: SQLite's LIKE ignores case, PostgreSQL's does not.
  const like = (expression: string) => `lower(${expression}) LIKE lower(?) ESCAPE '\\'`;
  const clauses = [`${col('reference')} = ?`, like(col('reference'))];
  const params = [normaliseReference(text), contains];
  // Against the reference without its dashes too, so that "20250001" finds ROT-2025-0001.
  const compact = text.replace(/[\s-]+/g, '');
  if (compact !== '') {
    clauses.push(like(`replace(${col('reference')}, '-', '')`));
    params.push(`%${escapeLike(compact)}%`);
  }
  for (const field of SEARCHED_FIELDS) {
    clauses.push(like(`json_extract(${col('data')}, ?)`));
    params.push(`$.${field}`, contains);
  }
  return { sql: `(${clauses.join(' OR ')})`, params };
}
