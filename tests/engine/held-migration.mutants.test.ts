import { describe, expect, test } from 'vitest';
import { compileProcess } from '../../server/engine/catalogue.ts';
import type { IsoDate, PartnershipDef, ProcessDef, StateDef } from '../../server/engine/definition.ts';
import { groupsWithDutyOn, labelOn } from '../../server/engine/held.ts';
import { planMigration, type MigrationSpec } from '../../server/engine/migration.ts';

const day = (d: string) => d as IsoDate;

describe('labels on a date no group covers', () => {
  /** A partnership whose only group has no duties written, and one with no groups at all. */
  const undivided: Pick<PartnershipDef, 'statutoryPartners' | 'groups'> = { statutoryPartners: [], groups: [{ id: 'exec', label: 'Executive' }] };
  const ungrouped: Pick<PartnershipDef, 'statutoryPartners' | 'groups'> = { statutoryPartners: [] };

  test('a group with no duties written holds none', () => {
    expect(groupsWithDutyOn(undivided, 'hear-findings', day('2023-01-01'))).toEqual([]);
  });

  test('a duty nobody holds reads as the duty in words, and its chair as the chair of that', () => {
    const template = 'Present the findings to the {group:hear-findings}, chaired by {chair:hear-findings}';
    const expected = 'Present the findings to the group responsible (hear findings), chaired by the chair of the group responsible (hear findings)';
    expect(labelOn(undivided, template, day('2023-01-01'))).toBe(expected);
    expect(labelOn(ungrouped, template, day('2023-01-01'))).toBe(expected);
  });

  test('a group with no chairs written is chaired by "the chair of" it', () => {
    const panel: Pick<PartnershipDef, 'statutoryPartners' | 'groups'> = { statutoryPartners: [], groups: [{ id: 'panel', label: 'Appeals Panel', duties: ['hear-appeals'] }] };
    expect(labelOn(panel, 'Ask {chair:hear-appeals}', day('2023-01-01'))).toBe('Ask the chair of the Appeals Panel');
  });
});

describe('planning a migration between versions', () => {
  const states = (entries: Record<string, boolean>): Record<string, StateDef> =>
    Object.fromEntries(Object.entries(entries).map(([id, final]) => [id, { label: id[0]!.toUpperCase() + id.slice(1), ...(final ? { final } : {}) }]));
  const version = (n: number, written: Record<string, boolean>) => {
    const def: ProcessDef = { id: 'review', title: 'Review', version: n, start: { roles: ['unit'], form: null, to: 'gathering' }, states: states(written), events: [] };
    return compileProcess(def);
  };
  /** Version 2 closes drafting: a draft is now written after the case is closed. */
  const pair = { from: version(1, { gathering: false, drafting: false, done: true }), to: version(2, { gathering: false, drafting: true, done: true }) };
  const spec: MigrationSpec = { process: 'review', from: 1, to: 2, states: {} };

  test('running cases left in a state the newer version makes final are refused, saying so', () => {
    const plan = planMigration(spec, pair, [{ id: 'a', reference: 'REV-1', state: 'drafting', final: false }]);
    expect(plan).toEqual({
      ok: false,
      spec,
      problems: [{ path: ['states'], message: '1 running case(s) are in "drafting" (Drafting), which is a final state of version 2: map it under states to a running state of version 2 (gathering)' }],
    });
  });

  test('a mapping from a state the older version lacks is one problem, whatever it maps to', () => {
    expect(planMigration({ ...spec, states: { shelved: 'done' } }, pair, [])).toEqual({
      ok: false,
      spec: { ...spec, states: { shelved: 'done' } },
      problems: [{ path: ['states', 'shelved'], message: '"shelved" is not a state of version 1 (its states are gathering, drafting, done)' }],
    });
  });

  test('a case in a state its version never had is named, by reference or else by id, and sent to the audit check', () => {
    const plan = planMigration(spec, pair, [
      { id: 'a', reference: 'REV-1', state: 'limbo', final: false },
      { id: 'b', reference: null, state: 'limbo', final: false },
    ]);
    expect(plan).toEqual({
      ok: false,
      spec,
      problems: [
        { path: [], message: 'case REV-1 is in "limbo", which is not a state of version 1: run npm run verify-audit' },
        { path: [], message: 'case b is in "limbo", which is not a state of version 1: run npm run verify-audit' },
      ],
    });
  });
});
