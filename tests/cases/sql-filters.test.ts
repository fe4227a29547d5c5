import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mayRead, readableCasesSql, type Reader, type SqlFilter } from '../../server/cases/access.ts';
import { ownReferenceOf, searchSql } from '../../server/cases/search.ts';
import { waitingForSql } from '../../server/cases/work-list.ts';
import { PSEUDO_ROLES } from '../../server/engine/definition.ts';
import { waitingRoles } from '../../server/engine/waiting.ts';
import type { Connection } from '../../server/store/database.ts';
import { openConnection } from '../../server/store/sqlite.ts';
import { shippedCatalogue } from '../support/catalogue.ts';

/**
 * The SQL conditions lists, counts and search put on the `cases` table, run by SQLite itself over
 * every state of every shipped process, each raised by one of two people and acted on by a third:
 * what they select must be exactly what the rule for one case in memory decides, for every role.
 */
const catalogue = shippedCatalogue();
let db: Connection;

interface Row {
  id: string;
  partnership: string;
  process: string;
  state: string;
  createdBy: string;
  participants: string[];
}
const rows: Row[] = [];
const RAISERS = ['alice', 'bob'];

beforeAll(async () => {
  db = await openConnection(':memory:');
  await db.exec(`CREATE TABLE cases (id TEXT PRIMARY KEY, partnership TEXT, process TEXT, process_version INTEGER, state TEXT, created_by TEXT, reference TEXT, data TEXT);
    CREATE TABLE history (case_id TEXT, by TEXT)`);
  for (const partnership of catalogue.partnerships.values()) {
    for (const process of partnership.processes.values()) {
      for (const state of Object.keys(process.def.states)) {
        for (const createdBy of RAISERS) {
          // Half the cases have had a third person act on them.
          const participants = createdBy === 'alice' ? [createdBy, 'carol'] : [createdBy];
          const row = { id: `${partnership.def.id}/${process.def.id}/${state}/${createdBy}`, partnership: partnership.def.id, process: process.def.id, state, createdBy, participants };
          rows.push(row);
          await db.run('INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, NULL, ?)', [row.id, row.partnership, row.process, process.def.version, state, createdBy, '{}']);
          for (const by of participants) await db.run('INSERT INTO history VALUES (?, ?)', [row.id, by]);
        }
      }
    }
  }
});
afterAll(() => db.close());

async function selected(partnership: string, filter: SqlFilter): Promise<string[]> {
  const found = await db.all<{ id: string }>(`SELECT id FROM cases WHERE partnership = ? AND ${filter.sql} ORDER BY id`, [partnership, ...filter.params]);
  return found.map((r) => r.id);
}

/** Everyone the tests read as: each role alone, as each of the three people, and one person holding two roles. */
function readers(roles: readonly string[]): Reader[] {
  const one = roles.flatMap((role) => ['alice', 'bob', 'carol'].map((username) => ({ username, roles: [role] })));
  return roles.length < 2 ? one : [...one, { username: 'alice', roles: [roles[0]!, roles[1]!] }];
}

describe('need to know in SQL', () => {
  test('readableCasesSql selects exactly the cases mayRead lets each person read, in every partnership', async () => {
    let checked = 0;
    for (const partnership of catalogue.partnerships.values()) {
      for (const reader of readers(partnership.def.roles.map((r) => r.id))) {
        const expected = rows
          .filter((r) => r.partnership === partnership.def.id)
          .filter((r) => mayRead(partnership.processes.get(r.process)!, reader, { createdBy: r.createdBy, state: r.state, participants: r.participants }))
          .map((r) => r.id)
          .sort();
        expect(await selected(partnership.def.id, readableCasesSql(partnership, reader)), `${partnership.def.id} ${reader.username} ${reader.roles}`).toEqual(expected);
        checked++;
      }
    }
    expect(checked).toBe([...catalogue.partnerships.values()].reduce((n, p) => n + p.def.roles.length * 3 + (p.def.roles.length < 2 ? 0 : 1), 0));
  });

  test('somebody with no role reads nothing, however many cases they raised', async () => {
    for (const partnership of catalogue.partnerships.values()) {
      const raisedEverything = readableCasesSql(partnership, { username: 'alice', roles: [] });
      const readable = await selected(partnership.def.id, raisedEverything);
      const expected = rows.filter((r) => r.partnership === partnership.def.id && mayRead(partnership.processes.get(r.process)!, { username: 'alice', roles: [] }, { ...r }));
      expect(readable).toEqual(expected.map((r) => r.id).sort());
    }
  });

  test('one table alias or another: the same cases', async () => {
    const partnership = catalogue.partnerships.values().next().value!;
    const reader = { username: 'alice', roles: [partnership.def.roles[0]!.id] };
    const aliased = readableCasesSql(partnership, reader, 'c');
    expect(aliased.sql).not.toMatch(/\bcases\./);
    const viaAlias = await db.all<{ id: string }>(`SELECT c.id FROM cases c WHERE c.partnership = ? AND ${aliased.sql} ORDER BY c.id`, [partnership.def.id, ...aliased.params]);
    expect(viaAlias.map((r) => r.id)).toEqual(await selected(partnership.def.id, readableCasesSql(partnership, reader)));
  });
});

describe('the work list in SQL', () => {
  test("waitingForSql selects exactly the cases whose stage waits for one of the person's roles, or for them as its raiser", async () => {
    let nonEmpty = 0;
    for (const partnership of catalogue.partnerships.values()) {
      for (const reader of readers(partnership.def.roles.map((r) => r.id))) {
        const expected = rows
          .filter((r) => r.partnership === partnership.def.id)
          .filter((r) => {
            const roles = waitingRoles(partnership.processes.get(r.process)!, r.state);
            return roles.some((role) => role !== PSEUDO_ROLES.raiser && reader.roles.includes(role)) || (roles.includes(PSEUDO_ROLES.raiser) && r.createdBy === reader.username);
          })
          .map((r) => r.id)
          .sort();
        const found = await selected(partnership.def.id, waitingForSql(partnership, reader));
        expect(found, `${partnership.def.id} ${reader.username} ${reader.roles}`).toEqual(expected);
        if (found.length > 0) nonEmpty++;
      }
    }
    // Not a comparison of two empty lists: most people have work waiting.
    expect(nonEmpty).toBeGreaterThan(10);
  });

  test('a raiser waits only on the cases they raised; a person with no role on none', async () => {
    for (const partnership of catalogue.partnerships.values()) {
      const mine = await selected(partnership.def.id, waitingForSql(partnership, { username: 'bob', roles: [] }));
      expect(mine.every((id) => id.endsWith('/bob')), partnership.def.id).toBe(true);
      const raiserStates = rows.filter((r) => r.partnership === partnership.def.id && r.createdBy === 'bob' && waitingRoles(partnership.processes.get(r.process)!, r.state).includes(PSEUDO_ROLES.raiser));
      expect(mine).toEqual(raiserStates.map((r) => r.id).sort());
      expect(await selected(partnership.def.id, waitingForSql(partnership, { username: 'dave', roles: [] }))).toEqual([]);
    }
  });
});

describe('search in SQL', () => {
  const found = async (q: string) => {
    const filter = searchSql(q, 's');
    const hits = await db.all<{ id: string }>(`SELECT s.id FROM search_cases s WHERE ${filter.sql} ORDER BY s.id`, filter.params);
    return hits.map((r) => r.id);
  };

  beforeAll(async () => {
    await db.exec('CREATE TABLE search_cases (id TEXT PRIMARY KEY, reference TEXT, data TEXT)');
    const cases: [string, string, Record<string, unknown>][] = [
      ['a', 'MER-2026-0042', { caseReference: 'Child T', summary: 'Disagreement about a discharge plan' }],
      ['b', 'MER-2026-0420', { title: 'Learning from Child W', summary: 'Half of the 50% cut' }],
      ['c', 'ROT-2025-0001', { summary: 'A 500 mile move', caseReference: 'Family_X' }],
      ['d', 'ROT-2025-0002', { summary: 'Nothing to see' }],
    ];
    for (const [id, reference, data] of cases) await db.run('INSERT INTO search_cases VALUES (?, ?, ?)', [id, reference, JSON.stringify(data)]);
  });

  test('a reference typed any way: lower case, spaces for dashes, no leading zeros, or no dashes at all', async () => {
    expect(await found('MER-2026-0042')).toEqual(['a']);
    expect(await found('mer 2026 42')).toEqual(['a']);
    expect(await found('mer-2026-42')).toEqual(['a']);
    expect(await found('  rot20250001 ')).toEqual(['c']);
    // Part of a reference finds every case holding it, with or without its dashes.
    expect(await found('2026-0')).toEqual(['a', 'b']);
    expect(await found('2026-04')).toEqual(['b']);
    expect(await found('2025 0')).toEqual(['c', 'd']);
    expect(await found('20250')).toEqual(['c', 'd']);
    expect(await found('20260042')).toEqual(['a']);
  });

  test("words of the people's own reference, the title or the summary, in any case", async () => {
    expect(await found('child t')).toEqual(['a']);
    expect(await found('CHILD W')).toEqual(['b']);
    expect(await found('discharge')).toEqual(['a']);
    expect(await found('nothing TO')).toEqual(['d']);
  });

  test('% and _ are letters, not wildcards; a blank search finds nothing', async () => {
    expect(await found('50%')).toEqual(['b']);
    expect(await found('y_X')).toEqual(['c']);
    expect(await found('Family_')).toEqual(['c']);
    expect(await found('%')).toEqual(['b']);
    expect(await found('_')).toEqual(['c']);
    expect(await found('   ')).toEqual([]);
    expect(await found('')).toEqual([]);
  });

  test('the own reference is the first of caseReference and title given, trimmed; blanks are none', () => {
    expect(ownReferenceOf({ caseReference: '  Child T ', title: 'Other' })).toBe('Child T');
    expect(ownReferenceOf({ caseReference: '   ', title: 'Learning from Child W' })).toBe('Learning from Child W');
    expect(ownReferenceOf({ caseReference: 42, title: ' ' })).toBeNull();
    expect(ownReferenceOf({ summary: 'Only a summary' })).toBeNull();
  });
});
