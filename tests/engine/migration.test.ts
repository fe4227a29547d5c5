import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { compileProcess, contentHash, versionContent, withVersions, type CompiledPartnership } from '../../server/engine/catalogue.ts';
import { createCalendar, type CalendarData } from '../../server/engine/dates/index.ts';
import type { ProcessDef } from '../../server/engine/definition.ts';
import { createFormCompiler } from '../../server/engine/forms.ts';
import { decideMigration, planMigration, type MigratingCase, type MigrationSpec } from '../../server/engine/migration.ts';
import { project, type HistoryStep } from '../../server/engine/project.ts';
import { decideCreate, decideEvent } from '../../server/engine/step.ts';

const calendar = createCalendar(parse(readFileSync(new URL('../../workflows/calendars/england-and-wales.yaml', import.meta.url), 'utf8')) as CalendarData);

/**
 * A review, independent of the shipped configuration. Version 2 renames `deciding` to `panel`,
 * gives it a timer, rewords the report deadline and counts it from later, and adds `closed`.
 */
const v1: ProcessDef = {
  id: 'review',
  title: 'Review',
  version: 1,
  start: { roles: ['unit'], form: 'start', to: 'gathering', effects: [{ startDeadline: 'report' }, { createTasks: 'ask' }] },
  states: {
    gathering: { label: 'Gathering' },
    deciding: { label: 'Deciding' },
    drafting: { label: 'Drafting' },
    done: { label: 'Done', final: true },
  },
  deadlines: { report: { label: 'Report', due: { calendarDaysAfter: [{ today: true }, 30] } } },
  tasks: { ask: { label: 'Ask the partners' } },
  events: [
    { type: 'GATHERED', label: 'Gathered', from: ['gathering'], roles: ['unit'], form: null, to: 'deciding' },
    { type: 'DECIDED', label: 'Decided', from: ['deciding'], roles: ['unit'], form: null, to: 'done' },
  ],
};
const v2: ProcessDef = {
  ...v1,
  version: 2,
  states: {
    gathering: { label: 'Gathering' },
    panel: { label: 'Panel', timers: [{ event: 'REMIND', at: { calendarDaysAfter: [{ deadline: 'report' }, -7] } }] },
    drafting: { label: 'Drafting' },
    done: { label: 'Done', final: true },
    closed: { label: 'Closed', final: true },
  },
  deadlines: { report: { label: 'Report to the panel', due: { calendarDaysAfter: [{ today: true }, 60] } } },
  events: [
    { type: 'GATHERED', label: 'Gathered', from: ['gathering'], roles: ['unit'], form: null, to: 'panel' },
    { type: 'DECIDED', label: 'Decided', from: ['panel'], roles: ['unit'], form: null, to: 'done' },
    { type: 'REMIND', label: 'Remind', from: ['panel'], roles: ['system'], form: null },
  ],
};

const files: CompiledPartnership = {
  def: { id: 'test', name: 'Test', calendar: 'england-and-wales', timeZone: 'Europe/London', statutoryPartners: [], roles: [] },
  calendar,
  processes: new Map([['review', compileProcess(v2)]]),
  forms: new Map([['start', createFormCompiler()({ id: 'start', schema: { type: 'object', additionalProperties: false, properties: { title: { type: 'string' } } }, ui: null })]]),
};
/** Both versions as a database would store them: version 1 compiled from its stored JSON, version 2 the files'. */
const partnership = withVersions(
  { partnerships: new Map([['test', files]]) },
  [v1, v2].map((def) => {
    const content = versionContent(files, compileProcess(def));
    return { partnership: 'test', process: 'review', version: def.version, hash: contentHash(content), content, createdAt: '2022-01-01T00:00:00Z', origin: 'files' as const, publishedBy: null };
  }),
).partnerships.get('test')!;
const version = (n: number) => partnership.versions!.get('review')!.get(n)!.compiled;
const pair = { from: version(1), to: version(2) };

const spec: MigrationSpec = { process: 'review', from: 1, to: 2, states: { deciding: 'panel' } };
const cases: MigratingCase[] = [
  { id: 'a', reference: 'TES-2022-0001', state: 'gathering', final: false },
  { id: 'b', reference: 'TES-2022-0002', state: 'deciding', final: false },
  { id: 'c', reference: null, state: 'done', final: true },
];

describe('planning a migration', () => {
  test('each running case goes where the file maps its state, or to the state of the same id; closed cases stay', () => {
    expect(planMigration(spec, pair, cases)).toEqual({
      ok: true,
      spec,
      closed: 1,
      moves: [
        { caseId: 'a', reference: 'TES-2022-0001', from: 'gathering', to: 'gathering' },
        { caseId: 'b', reference: 'TES-2022-0002', from: 'deciding', to: 'panel' },
      ],
    });
  });

  test('a state with running cases that the new version lacks and the file does not map strands them: refused, saying how many and where', () => {
    const plan = planMigration({ ...spec, states: {} }, pair, [...cases, { id: 'd', reference: null, state: 'deciding', final: false }]);
    expect(plan).toEqual({
      ok: false,
      spec: { ...spec, states: {} },
      problems: [{ path: ['states'], message: '2 running case(s) are in "deciding" (Deciding), which version 2 does not have: map it under states to a running state of version 2 (gathering, panel, drafting)' }],
    });
  });

  test('a state nobody is in needs no mapping', () => {
    expect(planMigration({ ...spec, states: {} }, pair, [cases[0]!])).toMatchObject({ ok: true, moves: [{ caseId: 'a', to: 'gathering' }] });
  });

  test('every mapping is checked, with or without cases in it, each problem at its state', () => {
    const plan = planMigration({ ...spec, states: { deciding: 'panl', drafting: 'closed', done: 'closed', nowhere: 'panel' } }, pair, cases);
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.problems).toEqual([
      { path: ['states', 'deciding'], message: '"panl" is not a state of version 2 (its states are gathering, panel, drafting, done, closed)' },
      { path: ['states', 'drafting'], message: expect.stringMatching(/^"closed" is a final state of version 2: a migration never closes a case/) },
      { path: ['states', 'done'], message: expect.stringMatching(/^"done" is a final state of version 1: closed cases keep the version they closed under/) },
      { path: ['states', 'nowhere'], message: '"nowhere" is not a state of version 1 (its states are gathering, deciding, drafting, done)' },
    ]);
  });

  test('a migration goes to a newer version', () => {
    expect(planMigration({ ...spec, from: 2, to: 2 }, pair, [])).toMatchObject({ ok: false, problems: [{ path: ['to'], message: 'version 2 is not newer than version 2: a migration moves cases to a newer version' }] });
  });
});

describe('a migrated case, folded from its history', () => {
  const unit = { username: 'una', roles: ['unit'] };
  const created = decideCreate(partnership, version(1), { data: { title: 'Child T' }, actor: unit, at: '2022-03-01T12:00:00Z' });
  const gathered = decideEvent(partnership, version(1), created.projection, { type: 'GATHERED', data: {}, actor: unit, at: '2022-03-02T12:00:00Z' });
  const before = gathered.projection;
  const moved = decideMigration(partnership, version(2), before, { ...spec, reason: 'The decision is now the panel’s' }, 'panel', '2022-03-03T12:00:00Z');
  const history = JSON.parse(JSON.stringify([...created.steps, ...gathered.steps, moved.step])) as HistoryStep[];

  test('the migration step is by system and names both versions; it records no answer', () => {
    expect(moved.step).toEqual({
      seq: 3,
      type: 'VERSION_MIGRATED',
      from: 'deciding',
      to: 'panel',
      by: 'system',
      at: '2022-03-03T12:00:00Z',
      data: { fromVersion: 1, toVersion: 2, reason: 'The decision is now the panel’s' },
      effects: { migration: { fromVersion: 1, toVersion: 2 } },
    });
    expect(moved.projection.data).toEqual({ title: 'Child T' });
  });

  test('the steps before it are read under version 1, it and those after under version 2: deadlines and tasks as recorded, the new state\'s timers armed', () => {
    const folded = project(partnership, version(2), history)!;
    expect(folded).toEqual(moved.projection);
    expect(folded).toMatchObject({
      state: 'panel',
      final: false,
      version: 3,
      data: { title: 'Child T' },
      // Due 30 days after the start, as version 1 started it, under the label it was started with.
      deadlines: [{ id: 'report', label: 'Report', due: '2022-03-31', met: null }],
      tasks: [{ id: 'ask', label: 'Ask the partners', done: false }],
      timers: [{ event: 'REMIND', at: '2022-03-24' }],
    });
    expect(before.state).toBe('deciding');
  });

  test("the case then takes version 2's events", () => {
    const folded = project(partnership, version(2), history)!;
    const decided = decideEvent(partnership, version(2), folded, { type: 'DECIDED', data: {}, actor: unit, at: '2022-03-04T12:00:00Z' });
    expect(decided.projection).toMatchObject({ state: 'done', final: true, timers: [] });
    expect(project(partnership, version(2), [...history, ...(JSON.parse(JSON.stringify(decided.steps)) as HistoryStep[])])).toEqual(decided.projection);
    // Under version 1 alone the history would not replay: the migration is what makes `panel` a state.
    expect(() => decideEvent(partnership, version(1), folded, { type: 'DECIDED', data: {}, actor: unit, at: '2022-03-04T12:00:00Z' })).toThrow();
  });
});
