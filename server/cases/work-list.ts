/**
 * The work list: the cases a person can move on now. A case is on it when its `waitingFor`
 * (server/engine/waiting.ts) names one of the person's roles, or `raiser` on a case they raised.
 * Said as SQL over the `cases` table, like `readableCasesSql`, so lists page in SQL.
 */
import { allProcessVersions, type CompiledPartnership, type CompiledProcess } from '../engine/catalogue.ts';
import { PSEUDO_ROLES } from '../engine/definition.ts';
import { waitingRoles } from '../engine/waiting.ts';
import type { Reader, SqlFilter } from './access.ts';

/** Cases whose stage waits for this person: `(process = ? AND (state IN (…) OR (state IN (…) AND created_by = ?))) OR …`. */
export function waitingForSql(partnership: CompiledPartnership, user: Reader, alias = 'cases'): SqlFilter {
  const params: string[] = [];
  const clauses: string[] = [];
  const col = (name: string) => `${alias}.${name}`;
  const list = (values: readonly string[]) => {
    params.push(...values);
    return values.map(() => '?').join(', ');
  };
  // Each case waits under its own version's rules: one clause per stored version, as in readableCasesSql.
  const ofProcess = (process: CompiledProcess) =>
    partnership.versions?.has(process.def.id) === true
      ? `${col('process')} = ? AND ${col('process_version')} = ${Math.trunc(process.def.version)}`
      : `${col('process')} = ?`;
  for (const process of allProcessVersions(partnership)) {
    const own: string[] = [];
    const asRaiser: string[] = [];
    for (const state of Object.keys(process.def.states)) {
      const roles = waitingRoles(process, state);
      if (roles.some((role) => role !== PSEUDO_ROLES.raiser && user.roles.includes(role))) own.push(state);
      else if (roles.includes(PSEUDO_ROLES.raiser)) asRaiser.push(state);
    }
    if (own.length === 0 && asRaiser.length === 0) continue;
    params.push(process.def.id);
    const any: string[] = [];
    if (own.length > 0) any.push(`${col('state')} IN (${list(own)})`);
    if (asRaiser.length > 0) {
      const states = list(asRaiser);
      params.push(user.username);
      any.push(`(${col('state')} IN (${states}) AND ${col('created_by')} = ?)`);
    }
    clauses.push(`(${ofProcess(process)} AND (${any.join(' OR ')}))`);
  }
  return { sql: clauses.length === 0 ? 'FALSE' : `(${clauses.join(' OR ')})`, params };
}
