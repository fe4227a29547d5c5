/**
 * The catalogue (server/engine/catalogue.ts): a process compiled to where each event takes a case,
 * the stored versions of a process and the forms each version sees. Every process here is compiled
 * inside its test, from small definitions independent of the shipped configuration. Found by
 * mutation testing (`npm run mutate`).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import {
  allProcessVersions,
  compileProcess,
  contentHash,
  formsOf,
  processVersion,
  routesOf,
  sourceStates,
  versionContent,
  withVersions,
  type CompiledPartnership,
  type CompiledProcess,
  type StoredVersion,
} from '../../server/engine/catalogue.ts';
import { createCalendar, type CalendarData } from '../../server/engine/dates/index.ts';
import type { EventDef, ProcessDef } from '../../server/engine/definition.ts';
import { createFormCompiler, type CompiledForm, type FormDef } from '../../server/engine/forms.ts';
import { decideCreate, decideEvent } from '../../server/engine/step.ts';

const calendar = createCalendar(parse(readFileSync(new URL('../../workflows/calendars/england-and-wales.yaml', import.meta.url), 'utf8')) as CalendarData);
const unit = { username: 'una', roles: ['unit'] };

/**
 * A review: an urgent one starts at the decision, others gather first; notes are recorded anywhere
 * open; the decision closes it or marks it done.
 */
const review: ProcessDef = {
  id: 'review',
  title: 'Review',
  version: 1,
  start: { roles: ['unit'], form: 'start', routes: [{ when: { isTrue: { field: 'urgent' } }, to: 'deciding' }, { to: 'gathering' }] },
  states: {
    gathering: { label: 'Gathering' },
    deciding: { label: 'Deciding' },
    done: { label: 'Done', final: true },
    closed: { label: 'Closed', final: true },
  },
  events: [
    { type: 'NOTE', label: 'Note', from: '*', roles: ['unit'], form: null },
    { type: 'GATHERED', label: 'Gathered', from: ['gathering'], roles: ['unit'], form: null, to: 'deciding' },
    {
      type: 'DECIDED',
      label: 'Decided',
      from: ['deciding'],
      roles: ['unit'],
      form: 'decide',
      routes: [{ when: { equals: [{ field: 'outcome' }, 'close'] }, to: 'closed' }, { to: 'done' }],
    },
  ],
};

const startForm: FormDef = { id: 'start', schema: { type: 'object', properties: { title: { type: 'string' }, urgent: { type: 'boolean' } } }, ui: { order: ['title'] } };
const decideForm: FormDef = { id: 'decide', schema: { type: 'object', properties: { outcome: { type: 'string' } } }, ui: null };
/** The files' forms, compiled once: what is tested here is how the catalogue picks them, not Ajv. */
const compileForm = createFormCompiler();
const filesForms = new Map([startForm, decideForm].map((f) => [f.id, compileForm(f)]));

/** The partnership as the files give it: these processes, compiled now, and the two forms. */
function filesWith(processes: ProcessDef[], forms: ReadonlyMap<string, CompiledForm> = filesForms): CompiledPartnership {
  return {
    def: { id: 'test', name: 'Test', calendar: 'england-and-wales', timeZone: 'Europe/London', statutoryPartners: [], roles: [] },
    calendar,
    processes: new Map(processes.map((d) => [d.id, compileProcess(d)])),
    forms,
  };
}

/** A version as the store keeps it, its content and hash made from `def` under `files`. */
function stored(files: CompiledPartnership, def: ProcessDef, version: number, partnership = 'test'): StoredVersion {
  const content = versionContent(files, compileProcess(def));
  return { partnership, process: def.id, version, hash: contentHash(content), content, createdAt: `2022-0${version}-01T00:00:00Z`, origin: 'files', publishedBy: null };
}

/** Where a case goes: created with `startData`, then sent each event in turn. */
function walk(process: CompiledProcess, startData: Record<string, unknown>, ...events: [string, Record<string, unknown>][]): string[] {
  const partnership = filesWith([]);
  let projection = decideCreate(partnership, process, { data: startData, actor: unit, at: '2022-03-01T12:00:00Z' }).projection;
  const states = [projection.state];
  for (const [type, data] of events) {
    projection = decideEvent(partnership, process, projection, { type, data, actor: unit, at: '2022-03-02T12:00:00Z' }).projection;
    states.push(projection.state);
  }
  return states;
}

describe('the states an event leaves', () => {
  const event = (from: EventDef['from'], corrects?: string[]): EventDef => ({ type: 'X', label: 'X', roles: ['unit'], from, ...(corrects === undefined ? {} : { corrects }) });

  test('listed states are taken as written, final ones included', () => {
    expect(sourceStates(event(['deciding', 'done']), review.states)).toEqual(['deciding', 'done']);
  });

  test('"*" is every state not final, in the order written; for a correction, every state', () => {
    expect(sourceStates(event('*'), review.states)).toEqual(['gathering', 'deciding']);
    expect(sourceStates(event('*', ['title']), review.states)).toEqual(['gathering', 'deciding', 'done', 'closed']);
  });
});

describe('the routes of a transition', () => {
  test('routes as written; a plain target is one route; neither is none', () => {
    expect(routesOf(review.events[2]!)).toEqual([{ when: { equals: [{ field: 'outcome' }, 'close'] }, to: 'closed' }, { to: 'done' }]);
    expect(routesOf(review.events[1]!)).toEqual([{ to: 'deciding' }]);
    expect(routesOf(review.events[0]!)).toEqual([]);
  });
});

describe('a compiled process', () => {
  test('indexes every event leaving each state, several from one state kept together', () => {
    const process = compileProcess(review);
    expect([...process.events].map(([state, events]) => [state, [...events.keys()]])).toEqual([
      ['gathering', ['NOTE', 'GATHERED']],
      ['deciding', ['NOTE', 'DECIDED']],
    ]);
    expect(process.events.get('deciding')!.get('DECIDED')).toBe(review.events[2]);
    expect(process.def).toBe(review);
  });

  test('a new case starts where the first route whose condition holds goes', () => {
    expect(walk(compileProcess(review), { urgent: true })).toEqual(['deciding']);
    expect(walk(compileProcess(review), { urgent: false })).toEqual(['gathering']);
  });

  test('an event with a target moves the case; one with none keeps it where it is', () => {
    expect(walk(compileProcess(review), {}, ['NOTE', {}], ['GATHERED', {}], ['NOTE', {}])).toEqual(['gathering', 'gathering', 'deciding', 'deciding']);
  });

  test('a routed event goes by the answers it is sent with', () => {
    expect(walk(compileProcess(review), { urgent: true }, ['DECIDED', { outcome: 'close' }])).toEqual(['deciding', 'closed']);
    expect(walk(compileProcess(review), { urgent: true }, ['DECIDED', { outcome: 'agreed' }])).toEqual(['deciding', 'done']);
  });

  test('the states the configuration marks final are final to the machine, the others are not', () => {
    const { machine } = compileProcess(review);
    const status = (state: string) => machine.resolveState({ value: state, context: { data: {} } }).status;
    expect(['gathering', 'deciding', 'done', 'closed'].map(status)).toEqual(['active', 'active', 'done', 'done']);
  });
});

describe('the forms a process uses', () => {
  test("its start's and its events', each once, sorted, with no form left out", () => {
    const def = {
      start: { roles: ['unit'], form: 'start' },
      events: [
        { ...review.events[0]!, form: 'decide' },
        { ...review.events[1]!, form: null },
        { ...review.events[2]!, form: 'start' },
        { ...review.events[2]!, form: undefined },
        { ...review.events[2]!, form: 'appeal' },
      ],
    };
    expect(formsOf(def)).toEqual(['appeal', 'decide', 'start']);
  });
});

describe('the content of a version', () => {
  test('is the definition without its number and the forms it uses that the partnership has, as written', () => {
    const def: ProcessDef = { ...review, version: 7, start: { ...review.start, form: 'start' }, events: [{ ...review.events[1]!, form: 'missing' }] };
    const files = filesWith([], new Map([['start', filesForms.get('start')!]]));
    const { version: _, ...written } = def;
    expect(JSON.parse(versionContent(files, compileProcess(def)))).toEqual({ process: written, forms: { start: { schema: startForm.schema, ui: startForm.ui } } });
    expect(versionContent(files, compileProcess(def))).toBe(JSON.stringify({ process: written, forms: { start: { schema: startForm.schema, ui: startForm.ui } } }));
  });

  test('its hash is the sha256 of the text, in hex', () => {
    expect(contentHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('the stored versions of a process', () => {
  /** Version 1 has no `closed` state and its start form asks for a number; version 2 is the files'. */
  const older: ProcessDef = {
    ...review,
    states: { gathering: { label: 'Gathering' }, deciding: { label: 'Deciding' }, done: { label: 'Done', final: true } },
    events: review.events.map(({ routes: _, ...e }) => (e.type === 'DECIDED' ? { ...e, to: 'done' } : e)),
  };
  const current = review;
  const olderStart: FormDef = { ...startForm, schema: { type: 'object', properties: { title: { type: 'number' } } } };

  function twoVersions() {
    const files = filesWith([current]);
    const oldFiles = filesWith([], new Map([['start', compileForm(olderStart)], ['decide', filesForms.get('decide')!]]));
    const rows = [stored(files, current, 2), stored(oldFiles, older, 1), stored(files, { ...current, id: 'elsewhere' }, 1, 'other')];
    return { files, partnership: withVersions({ partnerships: new Map([['test', files]]) }, rows).partnerships.get('test')! };
  }

  test('each is kept by its number, oldest first; new cases start on the newest', () => {
    const { partnership } = twoVersions();
    const versions = partnership.versions!.get('review')!;
    expect([...versions.values()].map((v) => [v.version, v.createdAt, v.origin, v.publishedBy, v.compiled.def.version, Object.keys(v.compiled.def.states)])).toEqual([
      [1, '2022-01-01T00:00:00Z', 'files', null, 1, ['gathering', 'deciding', 'done']],
      [2, '2022-02-01T00:00:00Z', 'files', null, 2, ['gathering', 'deciding', 'done', 'closed']],
    ]);
    expect(partnership.processes.get('review')!.def.version).toBe(2);
    expect([...partnership.versions!.keys()]).toEqual(['review']);
  });

  test("a version sees its own forms: the files' where written alike, its own where not, and the files' others", () => {
    const { files, partnership } = twoVersions();
    const first = processVersion(partnership, 'review', 1)!;
    const second = processVersion(partnership, 'review', 2)!;
    expect(first.process.def.version).toBe(1);
    expect(second.process).toBe(partnership.processes.get('review'));
    expect(second.partnership.forms.get('start')).toBe(files.forms.get('start'));
    expect(second.partnership.forms.get('decide')).toBe(files.forms.get('decide'));
    expect(first.partnership.forms.get('decide')).toBe(files.forms.get('decide'));
    const olderForm = first.partnership.forms.get('start')!;
    expect([olderForm.id, olderForm.schema, olderForm.ui]).toEqual(['start', olderStart.schema, startForm.ui]);
    expect(olderForm.validate({ title: 'Child T' })).toEqual([{ path: '/title', message: 'This field must be number' }]);
    expect(files.forms.get('start')!.validate({ title: 'Child T' })).toEqual([]);
    expect([...first.partnership.forms.keys()]).toEqual(['start', 'decide']);
    expect([...second.partnership.forms.keys()]).toEqual(['start', 'decide']);
    expect(first.partnership.forms).toBe(first.partnership.forms);
    expect([first.partnership.def, first.partnership.calendar, first.partnership.processes]).toEqual([files.def, files.calendar, partnership.processes]);
  });

  test('the newest of several is what new cases start on, whatever order they were stored in', () => {
    const files = filesWith([current]);
    const renamed = { ...older, title: 'Review of practice' };
    const partnership = withVersions({ partnerships: new Map([['test', files]]) }, [stored(files, current, 3), stored(files, older, 1), stored(files, renamed, 2)]).partnerships.get('test')!;
    expect([...partnership.versions!.get('review')!.values()].map((v) => [v.version, v.compiled.def.title])).toEqual([
      [1, 'Review'],
      [2, 'Review of practice'],
      [3, 'Review'],
    ]);
    expect(Object.keys(partnership.processes.get('review')!.def.states)).toEqual(['gathering', 'deciding', 'done', 'closed']);
    expect(partnership.processes.get('review')!.def.version).toBe(3);
  });

  test('a version number never stored is no version', () => {
    expect(processVersion(twoVersions().partnership, 'review', 3)).toBeUndefined();
  });

  test('a process whose file is gone keeps its versions for its cases, but no new case starts on it', () => {
    const files = filesWith([current]);
    const gone = { ...older, id: 'gone' };
    const partnership = withVersions({ partnerships: new Map([['test', files]]) }, [stored(files, gone, 1), stored(files, current, 1)]).partnerships.get('test')!;
    expect([...partnership.processes.keys()]).toEqual(['review']);
    expect(processVersion(partnership, 'gone', 1)!.process.def.id).toBe('gone');
    expect(allProcessVersions(partnership).map((p) => [p.def.id, p.def.version])).toEqual([
      ['review', 1],
      ['gone', 1],
    ]);
  });

  test('every version of every process, newest last within each', () => {
    expect(allProcessVersions(twoVersions().partnership).map((p) => [p.def.id, p.def.version])).toEqual([
      ['review', 1],
      ['review', 2],
    ]);
  });
});

describe('a catalogue read from the files alone', () => {
  test("the files' process stands for every version number; an unknown process is none", () => {
    const files = filesWith([review]);
    expect(processVersion(files, 'review', 5)).toEqual({ partnership: files, process: files.processes.get('review') });
    expect(processVersion(files, 'unknown', 1)).toBeUndefined();
    expect(allProcessVersions(files)).toEqual([files.processes.get('review')]);
  });

  test('a process with no stored version, on a database with versions of others, is still the files\'', () => {
    const other = { ...review, id: 'other' };
    const files = filesWith([review, other]);
    const partnership = withVersions({ partnerships: new Map([['test', files]]) }, [stored(files, other, 1)]).partnerships.get('test')!;
    expect(processVersion(partnership, 'review', 9)?.process).toBe(files.processes.get('review'));
    expect(allProcessVersions(partnership).map((p) => [p.def.id, p.def.version])).toEqual([
      ['review', 1],
      ['other', 1],
    ]);
  });
});
