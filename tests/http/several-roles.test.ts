import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashPassword } from '../../server/auth/passwords.ts';
import { PASSWORD_POLICY } from '../../server/auth/password-policy.ts';
import { mayRead } from '../../server/cases/access.ts';
import { loadCatalogue } from '../../server/config/index.ts';
import type { CompiledPartnership, CompiledProcess } from '../../server/engine/catalogue.ts';
import { appendHistory, insertCase } from '../../server/store/cases.ts';
import { expectError, PROJECT_ROOT, storedCounts } from '../security/support.ts';
import { openTestDatabase } from '../support/database.ts';
import { ApiClient, startTestServer, type ApiResponse, type TestServer } from '../support/server.ts';

/**
 * A person holding several roles (a users file may give anyone a list of them) may do whatever any
 * of their roles allows, and nothing that none of them allows; and sees, by need to know, every case
 * that any of their roles may read. Asserted over HTTP against the demo users who hold one of those
 * roles each: what the two-role person sees and may do is exactly the union of what those two do.
 *
 * The pair of roles is chosen per partnership from the configuration, as two roles neither of whom
 * reads or acts on everything the other does, so the union is larger than either role alone.
 */
const loaded = loadCatalogue(PROJECT_ROOT);
if (!loaded.ok) throw new Error('configuration does not load');
const TODAY = '2020-10-01';
const AT = `${TODAY}T09:00:00.000Z`;
const PASSWORD = 'a long passphrase for the several roles tests';

interface Fixture {
  process: CompiledProcess;
  state: string;
  caseId: string;
}

const partnerships = [...loaded.catalogue.partnerships.values()];
/** Raised by nobody who signs in here, so no one reads or acts as its raiser. */
const raiserOf = (p: CompiledPartnership) => `${p.def.id}.someone-who-left`;
const nonFinal = (process: CompiledProcess) => Object.entries(process.def.states).filter(([, s]) => !s.final).map(([id]) => id);
const fixturesOf = (p: CompiledPartnership): Fixture[] =>
  [...p.processes.values()].flatMap((process) => nonFinal(process).map((state) => ({ process, state, caseId: `several-roles-${p.def.id}-${process.def.id}-${state}` })));

/** Everything one role may read or do among the fixtures, as `case` and `case event` strings: only to choose the pair. */
function reach(p: CompiledPartnership, role: string): Set<string> {
  const reader = { username: `${p.def.id}.${role}`, roles: [role] };
  const reached = new Set<string>();
  for (const f of fixturesOf(p)) {
    if (!mayRead(f.process, reader, { createdBy: raiserOf(p), state: f.state, participants: [raiserOf(p)] })) continue;
    reached.add(f.caseId);
    for (const [type, event] of f.process.events.get(f.state) ?? []) if (event.roles.includes(role)) reached.add(`${f.caseId} ${type}`);
  }
  return reached;
}

/** Two roles of the partnership, each reaching something the other does not; the pair whose union adds most. */
function pairOf(p: CompiledPartnership): [string, string] {
  const roles = p.def.roles.map((r) => r.id);
  let best: { pair: [string, string]; gain: number } | undefined;
  for (const [i, a] of roles.entries()) {
    for (const b of roles.slice(i + 1)) {
      const [ra, rb] = [reach(p, a), reach(p, b)];
      const onlyA = [...ra].filter((x) => !rb.has(x)).length;
      const onlyB = [...rb].filter((x) => !ra.has(x)).length;
      if (onlyA > 0 && onlyB > 0 && (best === undefined || Math.min(onlyA, onlyB) > best.gain)) best = { pair: [a, b], gain: Math.min(onlyA, onlyB) };
    }
  }
  if (best === undefined) throw new Error(`${p.def.id}: no two roles each reach something the other does not`);
  return best.pair;
}

const pairs = new Map(partnerships.map((p) => [p.def.id, pairOf(p)]));
const severalRolesUser = (p: CompiledPartnership) => `${p.def.id}.several-roles`;

interface ListedCase {
  id: string;
  available: { type: string }[];
}

/** Every case the person's list holds (all pages), with the events it says they may send. */
async function everyListed(client: ApiClient): Promise<Map<string, string[]>> {
  const listed = new Map<string, string[]>();
  let cursor: string | null = null;
  do {
    const res: ApiResponse<{ items: ListedCase[]; nextCursor: string | null }> = await client.get(`/api/cases?limit=200${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    expect(res.status).toBe(200);
    for (const item of res.body.items) listed.set(item.id, item.available.map((a) => a.type).sort());
    cursor = res.body.nextCursor;
  } while (cursor !== null);
  return listed;
}

/** The union of two people's lists: every case either has, with every event either may send. */
function union(a: Map<string, string[]>, b: Map<string, string[]>): Map<string, string[]> {
  const all = new Map<string, string[]>();
  for (const id of new Set([...a.keys(), ...b.keys()])) all.set(id, [...new Set([...(a.get(id) ?? []), ...(b.get(id) ?? [])])].sort());
  return all;
}

const sorted = (m: Map<string, string[]>) => new Map([...m].sort(([x], [y]) => x.localeCompare(y)));

let server: TestServer;
let dir: string;
const signedIn = new Map<string, ApiClient>();
const client = (username: string) => signedIn.get(username)!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'several-roles-'));
  const usersFile = join(dir, 'users.json');
  const passwordHash = await hashPassword(PASSWORD);
  writeFileSync(
    usersFile,
    JSON.stringify(partnerships.map((p) => ({ username: severalRolesUser(p), partnership: p.def.id, roles: pairs.get(p.def.id), passwordHash, passwordPolicy: PASSWORD_POLICY }))),
  );
  // Demo users too: one per role, the people the two-role person is compared with.
  server = await startTestServer({ now: TODAY, usersFile, demo: true });
  // Cases in every non-final state of every process, written as a migration tool would (on the chain).
  const db = await openTestDatabase(server.databaseUrl);
  try {
    for (const p of partnerships) {
      for (const { process, state, caseId } of fixturesOf(p)) {
        await db.transaction(async (tx) => {
          const owner = { caseId, partnership: p.def.id, process: process.def.id, processVersion: process.def.version };
          await insertCase(tx, { ...owner, id: caseId, state, final: false, version: 1, data: {}, createdBy: raiserOf(p), createdAt: AT, updatedAt: AT });
          await appendHistory(tx, owner, [{ seq: 1, type: 'CREATE', from: null, to: state, by: raiserOf(p), at: AT, data: {}, effects: {} }]);
        });
      }
    }
  } finally {
    await db.close();
  }
  for (const p of partnerships) {
    signedIn.set(severalRolesUser(p), await ApiClient.signIn(server, severalRolesUser(p), PASSWORD));
    for (const role of pairs.get(p.def.id)!) signedIn.set(`${p.def.id}.${role}`, await ApiClient.signIn(server, `${p.def.id}.${role}`));
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(partnerships.map((p) => [p.def.id, p] as const))('%s: a person holding two roles', (_id, p) => {
  const [roleA, roleB] = pairs.get(p.def.id)!;
  const person = () => client(severalRolesUser(p));
  const onlyA = () => client(`${p.def.id}.${roleA}`);
  const onlyB = () => client(`${p.def.id}.${roleB}`);

  test('lists exactly the cases either role may read, each with every event either role may send, and each is more than one role alone', async () => {
    const [both, a, b] = [await everyListed(person()), await everyListed(onlyA()), await everyListed(onlyB())];
    expect(person().user!.roles.sort()).toEqual([roleA, roleB].sort());
    expect(sorted(both)).toEqual(sorted(union(a, b)));
    // The union is more than either alone: a person treated as holding only one of the roles would fail above.
    const beyond = (one: Map<string, string[]>) => [...both].filter(([id, events]) => !one.has(id) || events.some((e) => !one.get(id)!.includes(e))).length;
    expect(beyond(a)).toBeGreaterThan(0);
    expect(beyond(b)).toBeGreaterThan(0);
  });

  test('opens each case either role may read, with the same events, and gets 404 for each case neither may', async () => {
    const readable = union(await everyListed(onlyA()), await everyListed(onlyB()));
    let opened = 0;
    let hidden = 0;
    for (const { caseId } of fixturesOf(p)) {
      const res = await person().get(`/api/cases/${caseId}`);
      if (!readable.has(caseId)) {
        expectError(res, 404, 'not_found');
        hidden++;
        continue;
      }
      expect(res.status, caseId).toBe(200);
      expect(res.body.available.map((a: { type: string }) => a.type).sort(), caseId).toEqual(readable.get(caseId));
      opened++;
    }
    expect(opened).toBeGreaterThan(0);
    expect(opened + hidden).toBe(fixturesOf(p).length);
  }, 120_000);

  test('every event neither role may send is 403 (404 on a case neither may read), and nothing is stored', async () => {
    const readable = union(await everyListed(onlyA()), await everyListed(onlyB()));
    const before = await storedCounts(server.databaseUrl);
    let refused = 0;
    for (const f of fixturesOf(p)) {
      for (const type of f.process.events.get(f.state)?.keys() ?? []) {
        if (!readable.has(f.caseId)) {
          expectError(await person().sendEvent(f.caseId, type, {}, 1), 404, 'not_found');
          continue;
        }
        if (readable.get(f.caseId)!.includes(type)) continue;
        expectError(await person().sendEvent(f.caseId, type, {}, 1), 403, 'forbidden');
        refused++;
      }
    }
    for (const process of p.processes.values()) {
      if (process.def.start.roles.some((r) => r === roleA || r === roleB)) continue;
      expectError(await person().createCase(p.def.id, process.def.id, {}), 403, 'forbidden');
      refused++;
    }
    expect(refused).toBeGreaterThan(0);
    expect(await storedCounts(server.databaseUrl)).toEqual(before);
  }, 120_000);

  test('may send an event that only the one role may send, and one that only the other may, where both roles alone are refused the other', async () => {
    const [a, b] = [await everyListed(onlyA()), await everyListed(onlyB())];
    // An event one role may send on a case and the other role may not (it may not even read it, or may read it but not send it).
    const onlyFor = (mine: Map<string, string[]>, theirs: Map<string, string[]>, notOn?: string) => {
      for (const [id, events] of mine) for (const type of events) if (id !== notOn && !(theirs.get(id) ?? []).includes(type)) return { id, type };
      return undefined;
    };
    // On two different cases, so the first one done leaves the second where it was.
    const forA = onlyFor(a, b);
    const forB = onlyFor(b, a, forA?.id);
    expect(forA, `an event only ${roleA} may send`).toBeDefined();
    expect(forB, `an event only ${roleB} may send`).toBeDefined();
    for (const [only, other] of [
      [forA!, onlyB()],
      [forB!, onlyA()],
    ] as const) {
      // The other role alone is refused (or does not know the case is there)...
      const refused = await other.sendEvent(only.id, only.type, {}, 1);
      expect([403, 404], `${only.id} ${only.type}`).toContain(refused.status);
      // ...while the two-role person gets past the role check: the event is done, or only its form's answers are asked for.
      const res = await person().sendEvent(only.id, only.type, {}, 1);
      const outcome = res.status === 200 ? 'done' : res.body.error.code;
      expect(['done', 'validation_failed', 'guard_rejected'], `${only.id} ${only.type}: ${JSON.stringify(res.body)}`).toContain(outcome);
    }
  });
});
