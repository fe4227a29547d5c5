import { describe, expect, test } from 'vitest';
import type { IsoDate, PartnershipDef } from '../../server/engine/definition.ts';
import { chairOn, dutyHoldersOn, groupsWithDutyOn, holdsOn, labelOn, partnerLabelOn, statutoryPartnersOn } from '../../server/engine/held.ts';
import { uiOn } from '../../server/engine/form-choices.ts';
import { uiHintProblems } from '../../server/engine/ui-hints.ts';

const day = (d: string) => d as IsoDate;

/** A partnership of its own: two health partners for a time, a health partner renamed, a group replaced. */
const partnership: Pick<PartnershipDef, 'statutoryPartners' | 'groups'> = {
  statutoryPartners: [
    { id: 'council', label: 'The Council', kind: 'local-authority' },
    {
      id: 'north-ccg',
      label: 'North CCG (now North ICB)',
      kind: 'health',
      names: [
        { label: 'North Clinical Commissioning Group', until: '2022-06-30' },
        { label: 'North Integrated Care Board', from: '2022-07-01' },
      ],
    },
    { id: 'south-ccg', label: 'South CCG', kind: 'health', until: '2022-06-30' },
    { id: 'police', label: 'The Police', kind: 'police' },
  ],
  groups: [
    { id: 'old-a', label: 'Audit Group', duties: ['monitor-plans', 'hear-findings'], until: '2023-03-31', chairs: [{ name: 'A. Chair', until: '2022-10-31' }, { name: 'B. Chair', from: '2023-03-01' }] },
    { id: 'old-b', label: 'Learning Group', duties: ['hear-findings'], until: '2023-03-31' },
    { id: 'new', label: 'Quality Group', duties: ['monitor-plans', 'hear-findings'], replaces: ['old-a', 'old-b'], from: '2023-04-01' },
  ],
};

describe('who held a place on a date', () => {
  test('from and until are the first and last days held', () => {
    expect(holdsOn({ from: '2022-07-01' }, day('2022-06-30'))).toBe(false);
    expect(holdsOn({ from: '2022-07-01' }, day('2022-07-01'))).toBe(true);
    expect(holdsOn({ until: '2022-06-30' }, day('2022-06-30'))).toBe(true);
    expect(holdsOn({ until: '2022-06-30' }, day('2022-07-01'))).toBe(false);
    expect(holdsOn({}, day('1999-01-01'))).toBe(true);
  });

  test('the health partner is the CCG until 30 June 2022 and the ICB from 1 July 2022; its id does not change', () => {
    const north = partnership.statutoryPartners[1]!;
    expect(partnerLabelOn(north, day('2022-05-16'))).toBe('North Clinical Commissioning Group');
    expect(partnerLabelOn(north, day('2022-07-01'))).toBe('North Integrated Care Board');
    expect(partnerLabelOn(partnership.statutoryPartners[0]!, day('2022-07-01'))).toBe('The Council');
  });

  test('more than one partner of a kind, and a partner that left, count only while they held the place', () => {
    expect(statutoryPartnersOn(partnership, day('2022-05-16')).map((p) => p.id)).toEqual(['council', 'north-ccg', 'south-ccg', 'police']);
    expect(statutoryPartnersOn(partnership, day('2023-01-01')).map((p) => p.id)).toEqual(['council', 'north-ccg', 'police']);
  });

  test('a duty belongs to the groups of the day: two before a merger, the one that replaced them after', () => {
    expect(groupsWithDutyOn(partnership, 'monitor-plans', day('2023-03-31')).map((g) => g.id)).toEqual(['old-a']);
    expect(groupsWithDutyOn(partnership, 'monitor-plans', day('2023-04-01')).map((g) => g.id)).toEqual(['new']);
    expect(dutyHoldersOn(partnership, 'hear-findings', day('2023-01-01'))).toBe('Audit Group and the Learning Group');
    expect(dutyHoldersOn(partnership, 'nobody-does-this', day('2023-01-01'))).toBeUndefined();
  });

  test('a chair is named for the days they held it, and a vacancy names none', () => {
    const group = partnership.groups![0]!;
    expect(chairOn(group, day('2022-10-31'))).toBe('A. Chair');
    expect(chairOn(group, day('2022-12-01'))).toBeUndefined();
    expect(chairOn(group, day('2023-03-01'))).toBe('B. Chair');
  });

  test('labels fill their place-holders as on the date', () => {
    const template = 'Tell {partner:north-ccg}; give the plan to the {group:monitor-plans}, chaired by {chair:monitor-plans}';
    expect(labelOn(partnership, template, day('2022-05-16'))).toBe('Tell North Clinical Commissioning Group; give the plan to the Audit Group, chaired by A. Chair');
    expect(labelOn(partnership, template, day('2022-12-01'))).toBe('Tell North Integrated Care Board; give the plan to the Audit Group, chaired by the chair of the Audit Group');
    expect(labelOn(partnership, 'Present the findings to the {group:hear-findings}', day('2023-04-01'))).toBe('Present the findings to the Quality Group');
    expect(labelOn(partnership, 'Ask {partner:unknown}', day('2023-04-01'))).toBe('Ask {partner:unknown}');
  });
});

describe('form choices from the partnership data', () => {
  const schema = {
    type: 'object',
    properties: {
      shares: { type: 'array', items: { type: 'object', properties: { partner: { type: 'string', minLength: 1 }, percent: { type: 'integer' } } } },
      kind: { type: 'string', enum: ['a', 'b'] },
    },
  };

  test('the partners are offered by their names of the day, with another agency written in', () => {
    const ui = { order: ['shares'], choices: { 'shares.partner': { from: 'statutoryPartners', other: 'Another agency' } } };
    expect(uiOn(partnership, ui, day('2022-05-16'))).toEqual({
      order: ['shares'],
      choices: {
        'shares.partner': {
          options: [
            { value: 'council', label: 'The Council' },
            { value: 'north-ccg', label: 'North Clinical Commissioning Group' },
            { value: 'south-ccg', label: 'South CCG' },
            { value: 'police', label: 'The Police' },
          ],
          other: 'Another agency',
        },
      },
    });
    const later = uiOn(partnership, ui, day('2023-01-01'))!.choices as Record<string, { options: { label: string }[] }>;
    expect(later['shares.partner']!.options.map((o) => o.label)).toEqual(['The Council', 'North Integrated Care Board', 'The Police']);
    expect(uiOn(partnership, null, day('2023-01-01'))).toBeNull();
  });

  test('a choice hint must name a text question of the form and a known source', () => {
    const problems = (choices: unknown) => uiHintProblems({ id: 'f', schema, ui: { choices } });
    expect(problems({ 'shares.partner': { from: 'statutoryPartners' } })).toEqual([]);
    expect(problems({ 'shares.nobody': { from: 'statutoryPartners' } })).toEqual(['choices.shares.nobody: "shares.nobody" is not a question of the form']);
    expect(problems({ kind: { from: 'statutoryPartners' } })).toEqual(['choices.kind: "kind" must be a text question, so that any agency\'s name is accepted']);
    expect(problems({ 'shares.partner': { from: 'everyone' } })).toHaveLength(1);
  });
});
