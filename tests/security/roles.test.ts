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
    expect(checked).toBeGreaterThan(0);
  });
});

describe('API: available events and 403 for every event of every state', () => {
  let server: TestServer;
  const fixtures: Fixture[] = [];
  const clients = new Map<string, ApiClient>();

  beforeAll(async () => {
    server = await startTestServer({ now: TODAY });
    // A second writer on the same file, as a migration tool would be: cases in every state, on the chain.
    const db = await openTestDatabase(server.databaseUrl);
    try {
      for (const { partnership, process } of processes) {
        for (const state of nonFinal(process)) {
          // Raised by the partnership's first role, so `raiser` events have one person they apply to.
          const createdBy = people(partnership)[0]!.username;
          const caseId = `fixture-${partnership.def.id}-${process.def.id}-${state}`;
          await db.transaction(async (tx) => {
            const owner = { caseId, partnership: partnership.def.id, process: process.def.id, processVersion: process.def.version };
            await insertCase(tx, { ...owner, id: caseId, state, final: false, version: 1, data: {}, createdBy, createdAt: AT, updatedAt: AT });
            await appendHistory(tx, owner, [{ seq: 1, type: 'CREATE', from: null, to: state, by: createdBy, at: AT, data: {}, effects: {} }]);
          });
          fixtures.push({ partnership, process, state, caseId, createdBy });
        }
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
    console.log(`roles: ${checked} (person, state) pairs checked for available events across ${fixtures.length} states; ${hidden} more answered 404 (need to know)`);
    expect(hidden).toBeGreaterThan(0);
  });

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
    console.log(`roles: ${refused} (person, state, event) combinations refused with 403 over HTTP, ${notFound} with 404 (need to know)`);
    expect(refused).toBeGreaterThan(100);
    expect(notFound).toBeGreaterThan(100);
  });

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
