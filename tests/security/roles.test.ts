import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mayRead } from '../../server/cases/access.ts';
import { loadCatalogue } from '../../server/config/index.ts';
import type { CompiledPartnership, CompiledProcess } from '../../server/engine/catalogue.ts';
import { PSEUDO_ROLES, type IsoDate } from '../../server/engine/definition.ts';
import { ForbiddenError } from '../../server/engine/errors.ts';
import type { Projection } from '../../server/engine/project.ts';
import { decideCreate, decideEvent } from '../../server/engine/step.ts';
import { appendHistory, insertCase } from '../../server/store/cases.ts';
import { openTestDatabase } from '../support/database.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { expectError, PROJECT_ROOT, storedCounts } from './support.ts';

/**
 * Role checks for every event of every process of every partnership, GENERATED from the loaded
 * configuration, so a process added tomorrow is covered without touching this file.
 *
 * 1. Engine: for every (state, event) and every role of the partnership, `decideEvent` refuses with
 *    ForbiddenError exactly when the role is not one of the event's (and the start likewise).
 * 2. API: a case is put into every non-final state (written into the store as the engine would,
 *    with its history row on the hash chain); then every demo user (one per role) who may read it
 *    (need to know: the process's `access.read`, or an event they may send now) sees in `available`
 *    exactly the events their roles allow there, and every event they may not send is 403
 *    `forbidden` over HTTP; everyone who may not read it gets 404 for the case and for every one of
 *    its events, as for a case that does not exist. Nothing is stored.
 */
const loaded = loadCatalogue(PROJECT_ROOT);
if (!loaded.ok) throw new Error('configuration does not load');
const TODAY = '2020-10-01' as IsoDate;
const AT = `${TODAY}T09:00:00.000Z`;

interface Fixture {
  partnership: CompiledPartnership;
  process: CompiledProcess;
  state: string;
  caseId: string;
  createdBy: string;
}

const people = (p: CompiledPartnership) => p.def.roles.map((r) => ({ username: `${p.def.id}.${r.id}`, roles: [r.id] }));
/** What the engine counts for a person on a case: their roles, and `raiser` on a case they started. */
const effective = (person: { username: string; roles: string[] }, createdBy: string) => (person.username === createdBy ? [...person.roles, PSEUDO_ROLES.raiser] : person.roles);
const allowed = (eventRoles: readonly string[], roles: string[]) => eventRoles.some((r) => r !== PSEUDO_ROLES.system && roles.includes(r));

const processes = [...loaded.catalogue.partnerships.values()].flatMap((partnership) => [...partnership.processes.values()].map((process) => ({ partnership, process })));
const nonFinal = (process: CompiledProcess) => Object.entries(process.def.states).filter(([, s]) => !s.final).map(([id]) => id);
/** A case in `state` with nothing recorded yet, as the engine sees it. */
const caseIn = (state: string, createdBy: string): Projection => ({
  state,
  final: false,
  version: 1,
  createdBy,
  createdAt: AT,
  updatedAt: AT,
  data: {},
  deadlines: [],
  tasks: [],
  timers: [],
  links: [],
});
/** Need to know: a fixture's only participant is the person who raised it. */
const reads = (person: { username: string; roles: string[] }, f: Fixture) => mayRead(f.process, person, { createdBy: f.createdBy, state: f.state, participants: [f.createdBy] });

/** One case in every non-final state of every process, raised by the partnership's first role so `raiser` events have one person they apply to. */
const fixtures: Fixture[] = processes.flatMap(({ partnership, process }) =>
  nonFinal(process).map((state) => ({ partnership, process, state, caseId: `fixture-${partnership.def.id}-${process.def.id}-${state}`, createdBy: people(partnership)[0]!.username })),
);
const everyone = (f: Fixture) => people(f.partnership);
const eventsOf = (f: Fixture) => [...(f.process.events.get(f.state)?.values() ?? [])];
/** The engine's decisions for one process: every person, every event of every non-final state, as onlooker and as raiser. */
const decisionsFor = (partnership: CompiledPartnership, process: CompiledProcess) =>
  people(partnership).length * nonFinal(process).reduce((n, state) => n + (process.events.get(state)?.size ?? 0), 0) * 2;
const count = <T>(items: readonly T[], keep: (item: T) => boolean) => items.filter(keep).length;

/**
 * What the checks below must come to, counted from the configuration alone (no server): a loop that
 * silently skipped a state, a person or an event would check fewer than these.
 */
const expected = {
  states: fixtures.length,
  decisions: processes.reduce((n, { partnership, process }) => n + decisionsFor(partnership, process), 0),
  readers: fixtures.reduce((n, f) => n + count(everyone(f), (p) => reads(p, f)), 0),
  hidden: fixtures.reduce((n, f) => n + count(everyone(f), (p) => !reads(p, f)), 0),
  forbidden: fixtures.reduce((n, f) => n + everyone(f).filter((p) => reads(p, f)).reduce((m, p) => m + count(eventsOf(f), (e) => !allowed(e.roles, effective(p, f.createdBy))), 0), 0),
  notFound: fixtures.reduce((n, f) => n + count(everyone(f), (p) => !reads(p, f)) * eventsOf(f).length, 0),
};

/** The figures the README's Guarantees section quotes for this file, so a figure there is one this test produced. */
function readmeFigures() {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const m =
    /in all (\d+) non-final states .*?\((\d+) checks; the (\d+) others get 404, below\), and of the events their roles do not name, (\d+) are `403 forbidden` over HTTP and (\d+) are `404` .*?the engine's `decideEvent` agrees for every role, as onlooker and as raiser \((\d+) decisions\)/.exec(readme);
  if (m === null) throw new Error("README.md's Guarantees section no longer quotes the roles figures in the form this test reads");
  const [states, readers, hidden, forbidden, notFound, decisions] = m.slice(1).map(Number);
  return { states, decisions, readers, hidden, forbidden, notFound };
}

test("the README's roles figures are the ones the configuration gives", () => {
  expect(readmeFigures()).toEqual(expected);
  // Each kind of check happens at all: a configuration where it did not would test nothing here.
  for (const n of Object.values(expected)) expect(n).toBeGreaterThan(0);
});

describe('engine: decideEvent refuses exactly the roles an event does not name', () => {
  test.each(processes.map(({ partnership, process }) => [`${partnership.def.id}/${process.def.id}`, partnership, process] as const))('%s', (_name, partnership, process) => {
    let checked = 0;
    for (const person of people(partnership)) {
      const mayStart = process.def.start.roles.some((r) => person.roles.includes(r));
      const start = () => decideCreate(partnership, process, { data: {}, actor: person, at: AT });
      if (mayStart) expect(start).not.toThrow(ForbiddenError);
      else expect(start).toThrow(ForbiddenError);
      for (const state of nonFinal(process)) {
        for (const [type, event] of process.events.get(state) ?? []) {
          // Once as an onlooker, once as the person who raised the case.
          for (const createdBy of [`${partnership.def.id}.someone-else`, person.username]) {
            const decide = () =>
              decideEvent(partnership, process, caseIn(state, createdBy), { type, data: {}, actor: person, at: AT });
            if (allowed(event.roles, effective(person, createdBy))) expect(decide, `${person.username} ${state} ${type}`).not.toThrow(ForbiddenError);
            else expect(decide, `${person.username} ${state} ${type}`).toThrow(ForbiddenError);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(decisionsFor(partnership, process));
  });
});

/** Each sweep sends some 500 to 1,200 requests one after another: on a machine with both cores busy that outlasts the default 30 s. */
const HTTP_SWEEP_TIMEOUT = 180_000;

describe('API: available events and 403 for every event of every state', () => {
  let server: TestServer;
  const clients = new Map<string, ApiClient>();

  beforeAll(async () => {
    server = await startTestServer({ now: TODAY });
    // A second writer on the same file, as a migration tool would be: cases in every state, on the chain.
    const db = await openTestDatabase(server.databaseUrl);
    try {
      for (const { partnership, process, state, caseId, createdBy } of fixtures) {
        await db.transaction(async (tx) => {
          const owner = { caseId, partnership: partnership.def.id, process: process.def.id, processVersion: process.def.version };
          await insertCase(tx, { ...owner, id: caseId, state, final: false, version: 1, data: {}, createdBy, createdAt: AT, updatedAt: AT });
          await appendHistory(tx, owner, [{ seq: 1, type: 'CREATE', from: null, to: state, by: createdBy, at: AT, data: {}, effects: {} }]);
        });
      }
    } finally {
      await db.close();
    }
    for (const partnership of loaded.catalogue.partnerships.values()) {
      for (const person of people(partnership)) clients.set(person.username, await ApiClient.signIn(server, person.username));
    }
  });
  afterAll(() => server.close());

  test('every person who may read a case sees exactly the events their roles allow, in every state of every process; the others get 404', async () => {
    let checked = 0;
    let hidden = 0;
    for (const partnership of loaded.catalogue.partnerships.values()) {
      for (const person of people(partnership)) {
        const client = clients.get(person.username)!;
        for (const f of fixtures.filter((x) => x.partnership === partnership)) {
          const res = await client.get(`/api/cases/${f.caseId}`);
          if (!reads(person, f)) {
            expectError(res, 404, 'not_found');
            hidden++;
            continue;
          }
          expect(res.status).toBe(200);
          const expected = [...(f.process.events.get(f.state)?.values() ?? [])].filter((e) => allowed(e.roles, effective(person, f.createdBy))).map((e) => e.type);
          expect(res.body.available.map((a: { type: string }) => a.type).sort(), `${person.username} on ${f.caseId}`).toEqual(expected.sort());
          checked++;
        }
      }
    }
    expect({ readers: checked, hidden }).toEqual({ readers: expected.readers, hidden: expected.hidden });
  }, HTTP_SWEEP_TIMEOUT);

  test('every event is 403 forbidden over HTTP for every reader whose roles it does not name, 404 for everyone who may not read the case, and nothing is stored', async () => {
    const before = await storedCounts(server.databaseUrl);
    let refused = 0;
    let notFound = 0;
    for (const partnership of loaded.catalogue.partnerships.values()) {
      for (const person of people(partnership)) {
        const client = clients.get(person.username)!;
        for (const f of fixtures.filter((x) => x.partnership === partnership)) {
          for (const [type, event] of f.process.events.get(f.state) ?? []) {
            if (!reads(person, f)) {
              // Not even "forbidden": whether the case exists is not their business.
              expectError(await client.sendEvent(f.caseId, type, {}, 1), 404, 'not_found');
              notFound++;
              continue;
            }
            if (allowed(event.roles, effective(person, f.createdBy))) continue;
            const res = await client.sendEvent(f.caseId, type, {}, 1);
            expectError(res, 403, 'forbidden');
            expect(res.body.error.message).toContain(event.label);
            refused++;
          }
        }
      }
    }
    expect(await storedCounts(server.databaseUrl)).toEqual(before);
    expect({ forbidden: refused, notFound }).toEqual({ forbidden: expected.forbidden, notFound: expected.notFound });
  }, HTTP_SWEEP_TIMEOUT);

  test('nobody may start a process their roles do not name', async () => {
    const before = await storedCounts(server.databaseUrl);
    for (const { partnership, process } of processes) {
      for (const person of people(partnership)) {
        if (process.def.start.roles.some((r) => person.roles.includes(r))) continue;
        const client = clients.get(person.username)!;
        expectError(await client.createCase(partnership.def.id, process.def.id, {}), 403, 'forbidden');
      }
    }
    expect(await storedCounts(server.databaseUrl)).toEqual(before);
  });
});
