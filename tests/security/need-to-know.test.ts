import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyConfigurationInto } from '../support/configuration.ts';
import { mayRead, readableCasesSql } from '../../server/cases/access.ts';
import { loadCatalogue } from '../../server/config/index.ts';
import { migrate } from '../../server/store/migrate.ts';
import type { Database } from '../../server/store/database.ts';
import { dropTestDatabase, newTestDatabase, openTestDatabase } from '../support/database.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { expectError, PROJECT_ROOT, runScript, storedCounts } from './support.ts';

/**
 * Need to know: each process says, as data (`access.read`), who may read its cases beyond those
 * who may act on them now. Nobody else sees a case in lists, statechart counts, the summary or the
 * escalation log, and its routes answer 404 to them, as for a case that does not exist.
 *
 * 1. For every partnership and process, one case freshly raised, and every demo user: the readers
 *    written out below (the policy, as the process files' comments reason it) see it everywhere and
 *    open it; everyone else sees it nowhere, counts zero, and gets 404 for it and for its events.
 * 2. A second practitioner cannot list, open, resolve, escalate or withdraw another practitioner's
 *    Rotherham dispute, nor see it in any count (and the first cannot see theirs).
 * 3. The SQL filter behind lists and counts agrees with `mayRead` for every state of every process,
 *    every role, as raiser or not, as participant or not, on a real SQLite file.
 * 4. The configuration checks report unknown or misused roles in `access` at their file and line.
 */
const loaded = loadCatalogue(PROJECT_ROOT);
if (!loaded.ok) throw new Error('configuration does not load');
const { catalogue } = loaded;
const TODAY = '2021-05-10';
const SECOND_PASSWORD = 'a long and uncommon passphrase for testing';

const rolesOf = (partnership: string) => catalogue.partnerships.get(partnership)!.def.roles.map((r) => r.id);

/** A case of every process, who raises it, with what, and which roles may read it once raised. */
const CASES: { partnership: string; process: string; raiser: string; data: Record<string, unknown>; readers: string[] }[] = [
  {
    partnership: 'rotherham',
    process: 'dispute-resolution',
    raiser: 'practitioner',
    data: { scope: 'individual-child', summary: 'Threshold for a strategy discussion', agenciesInvolved: ['School'] },
    readers: ['practitioner', 'business-unit', 'executive-group', 'independent-chair', 'chief-officer-group'],
  },
  {
    partnership: 'rotherham',
    process: 'cspr',
    raiser: 'local-authority',
    data: { awareOn: '2021-05-04', childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true },
    readers: ['local-authority', 'business-unit', 'practice-review-panel', 'independent-chair'],
  },
  {
    partnership: 'rotherham',
    process: 'veto-review',
    raiser: 'conference-chair',
    data: { conferenceDate: '2021-05-03', majorityDecision: 'No plan', chairDecision: 'A plan', rationale: 'Risk' },
    readers: ['conference-chair', 'practice-standards-group', 'business-unit'],
  },
  {
    partnership: 'rotherham',
    process: 'scr-transition',
    raiser: 'lscb',
    data: { decisionDate: '2019-06-01', title: 'Child T' },
    readers: ['lscb', 'business-unit'],
  },
  {
    partnership: 'leicester',
    process: 'dispute-resolution',
    raiser: 'practitioner',
    data: { summary: 'Disagreement about a referral' },
    readers: ['practitioner', 'business-unit', 'statutory-partner', 'independent-advisor'],
  },
  {
    partnership: 'leicester',
    process: 'cspr',
    raiser: 'local-authority',
    data: { awareOn: '2021-05-04', childDied: true, seriouslyHarmed: false, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true },
    readers: ['local-authority', 'business-unit', 'case-review-group', 'independent-advisor'],
  },
  {
    partnership: 'leicester',
    process: 'scr-transition',
    raiser: 'lscb',
    data: { decisionDate: '2019-06-01', title: 'Child L' },
    readers: ['lscb', 'business-unit'],
  },
  {
    partnership: 'merton',
    process: 'dispute-resolution',
    raiser: 'statutory-partner',
    data: { summary: 'MASH funding' },
    readers: ['statutory-partner', 'business-unit', 'independent-person', 'independent-scrutineer'],
  },
  {
    partnership: 'merton',
    process: 'cspr',
    raiser: 'local-authority',
    data: { awareOn: '2021-05-04', childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true },
    readers: ['local-authority', 'business-unit', 'statutory-partner', 'independent-person'],
  },
  {
    partnership: 'rotherham',
    process: 'practice-appraisal',
    raiser: 'practitioner',
    data: { referredOn: '2021-05-03', referralReason: 'cause-for-concern', summary: 'Little information shared' },
    readers: ['practitioner', 'business-unit', 'practice-standards-group'],
  },
  // A draft yearly report holds no child's record, but is not public until it is published.
  { partnership: 'rotherham', process: 'yearly-report', raiser: 'business-unit', data: { title: 'Annual report 2025 to 2026', periodStart: '2025-04-01', periodEnd: '2026-03-31' }, readers: ['business-unit', 'independent-chair', 'chief-officer-group', 'executive-group'] },
  { partnership: 'leicester', process: 'yearly-report', raiser: 'business-unit', data: { title: 'Annual report 2025 to 2026', periodStart: '2025-04-01', periodEnd: '2026-03-31' }, readers: ['business-unit', 'statutory-partner', 'independent-advisor'] },
  { partnership: 'merton', process: 'yearly-report', raiser: 'business-unit', data: { title: 'Annual report 2025 to 2026', periodStart: '2025-04-01', periodEnd: '2026-03-31' }, readers: ['business-unit', 'statutory-partner', 'independent-scrutineer', 'independent-person'] },
];

test('the table above covers every process of every partnership, and every process file says who reads', () => {
  const configured = [...catalogue.partnerships.values()].flatMap((p) => [...p.processes.keys()].map((id) => `${p.def.id}/${id}`));
  expect(CASES.map((c) => `${c.partnership}/${c.process}`).sort()).toEqual(configured.sort());
  for (const p of catalogue.partnerships.values()) for (const process of p.processes.values()) expect(process.def.access?.read.roles.length).toBeGreaterThan(0);
});

describe('per partnership and process: who sees a freshly raised case', () => {
  let server: TestServer;
  const ids = new Map<string, string>();
  const references = new Map<string, string>();
  const clients = new Map<string, ApiClient>();
  const client = async (username: string) => {
    if (!clients.has(username)) clients.set(username, await ApiClient.signIn(server, username));
    return clients.get(username)!;
  };

  beforeAll(async () => {
    server = await startTestServer({ now: TODAY });
    for (const c of CASES) {
      const res = await (await client(`${c.partnership}.${c.raiser}`)).createCase(c.partnership, c.process, c.data);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.set(`${c.partnership}/${c.process}`, res.body.id);
      references.set(res.body.id, res.body.reference);
    }
  });
  afterAll(() => server.close());

  test.each(CASES.map((c) => [`${c.partnership}/${c.process}`, c] as const))('%s', async (_name, c) => {
    const id = ids.get(`${c.partnership}/${c.process}`)!;
    const reference = references.get(id)!;
    const process = catalogue.partnerships.get(c.partnership)!.processes.get(c.process)!;
    const logged = process.def.reports?.escalationLog !== undefined;
    const seen: string[] = [];
    for (const role of rolesOf(c.partnership)) {
      const user = await client(`${c.partnership}.${role}`);
      const reads = c.readers.includes(role);
      const why = `${c.partnership}.${role} on ${c.process}`;
      if (reads) seen.push(role);

      const list = await user.get('/api/cases?limit=200');
      expect(list.body.items.map((i: { id: string }) => i.id).includes(id), `${why}: list`).toBe(reads);
      const byProcess = await user.get(`/api/cases?process=${c.process}&limit=200`);
      expect(byProcess.body.items.map((i: { id: string }) => i.id), `${why}: list of the process`).toEqual(reads ? [id] : []);

      const graph = await user.get(`/api/partnerships/${c.partnership}/processes/${c.process}/graph`);
      expect(graph.status).toBe(200);
      expect(graph.body.nodes.reduce((sum: number, n: { count: number }) => sum + n.count, 0), `${why}: graph`).toBe(reads ? 1 : 0);

      const summary = await user.get(`/api/partnerships/${c.partnership}/reports/summary`);
      expect(summary.body.processes.find((p: { process: string }) => p.process === c.process).opened, `${why}: summary`).toBe(reads ? 1 : 0);

      const log = await user.get(`/api/partnerships/${c.partnership}/escalation-log`);
      expect(log.status).toBe(200);
      expect(log.body.filter((r: { caseId: string }) => r.caseId === id).length, `${why}: escalation log`).toBe(reads && logged ? 1 : 0);
      const csv = await user.request('GET', `/api/partnerships/${c.partnership}/escalation-log`, undefined, { accept: 'text/csv' });
      expect(String(csv.body).includes(reference), `${why}: escalation log as CSV`).toBe(reads && logged);

      // Search by reference finds it only for its readers; the work list holds only readable cases.
      const found = await user.get(`/api/cases?q=${encodeURIComponent(reference)}`);
      expect(found.body.items.map((i: { id: string }) => i.id), `${why}: search by reference`).toEqual(reads ? [id] : []);
      const waiting = await user.get('/api/cases?waitingForMe=true&limit=200');
      const listed = new Set(list.body.items.map((i: { id: string }) => i.id));
      expect(waiting.body.items.filter((i: { id: string }) => !listed.has(i.id)), `${why}: work list within what they read`).toEqual([]);

      const opened = await user.get(`/api/cases/${id}`);
      if (reads) expect(opened.status, why).toBe(200);
      else expectError(opened, 404, 'not_found');
    }
    expect(seen.sort()).toEqual([...c.readers].sort());
  });

  test('a person who may not read a case gets 404 for every event of it, before any other refusal, and nothing is stored', async () => {
    const before = await storedCounts(server.databaseUrl);
    let refused = 0;
    for (const c of CASES) {
      const id = ids.get(`${c.partnership}/${c.process}`)!;
      const state = (await (await client(`${c.partnership}.business-unit`)).get(`/api/cases/${id}`)).body.state as string;
      const events = [...(catalogue.partnerships.get(c.partnership)!.processes.get(c.process)!.events.get(state)?.keys() ?? [])];
      for (const role of rolesOf(c.partnership).filter((r) => !c.readers.includes(r))) {
        const user = await client(`${c.partnership}.${role}`);
        // A stale version and an event that does not exist too: a 409 would say the case is there.
        for (const [type, version] of [...events.map((e) => [e, 1] as const), ['NO_SUCH_EVENT', 1] as const, [events[0] ?? 'WITHDRAW', 99] as const]) {
          expectError(await user.sendEvent(id, type, {}, version), 404, 'not_found');
          refused++;
        }
      }
    }
    expect(await storedCounts(server.databaseUrl)).toEqual(before);
    expect(refused).toBeGreaterThan(50);
  });

  test('the 404 says no more than a case that does not exist', async () => {
    const outsider = await client('rotherham.practitioner');
    const id = ids.get('rotherham/cspr')!;
    const real = await outsider.get(`/api/cases/${id}`);
    const unknown = await outsider.get('/api/cases/00000000-0000-4000-8000-000000000000');
    expect(real.status).toBe(404);
    expect(real.body.error.message.replace(id, 'ID')).toBe(unknown.body.error.message.replace('00000000-0000-4000-8000-000000000000', 'ID'));
  });
});

describe('two practitioners in Rotherham and Leicester', () => {
  let server: TestServer;
  let dir: string;
  let first: ApiClient;
  let second: ApiClient;
  let businessUnit: ApiClient;
  let dispute: string;
  let secondsOwn: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'need-to-know-'));
    const usersFile = join(dir, 'users.json');
    // Written as people are added: with the project's own tool, the password on stdin.
    for (const partnership of ['rotherham', 'leicester']) {
      const added = await runScript('scripts/add-user.ts', ['--file', usersFile, '--username', `${partnership}.practitioner-2`, '--partnership', partnership, '--roles', 'practitioner', '--password-stdin'], { input: `${SECOND_PASSWORD}\n` });
      expect(added.code, added.stderr).toBe(0);
    }
    // Beside the demo users, so the first practitioner is the demo one.
    server = await startTestServer({ now: TODAY, usersFile });
    first = await ApiClient.signIn(server, 'rotherham.practitioner');
    second = await ApiClient.signIn(server, 'rotherham.practitioner-2', SECOND_PASSWORD);
    businessUnit = await ApiClient.signIn(server, 'rotherham.business-unit');
    const raised = await first.createCase('rotherham', 'dispute-resolution', { scope: 'individual-child', summary: 'Closing a child in need plan', agenciesInvolved: ['School'] });
    expect(raised.body.state).toBe('professional-resolution');
    dispute = raised.body.id;
    secondsOwn = (await second.createCase('rotherham', 'dispute-resolution', { scope: 'individual-child', summary: 'A referral', agenciesInvolved: ['Health'] })).body.id;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the second practitioner does not see the first one\'s dispute in any list, count, summary or log', async () => {
    for (const query of ['', '?process=dispute-resolution', '?state=professional-resolution', '?mine=false']) {
      const list = await second.get(`/api/cases${query}`);
      expect(list.body.items.map((i: { id: string }) => i.id), query).toEqual([secondsOwn]);
    }
    const graph = await second.get('/api/partnerships/rotherham/processes/dispute-resolution/graph');
    expect(graph.body.nodes.find((n: { id: string }) => n.id === 'professional-resolution').count).toBe(1);
    const summary = await second.get('/api/partnerships/rotherham/reports/summary');
    expect(summary.body.processes.find((p: { process: string }) => p.process === 'dispute-resolution').opened).toBe(1);
    const log = await second.get('/api/partnerships/rotherham/escalation-log');
    expect(log.body.map((r: { caseId: string }) => r.caseId)).toEqual([secondsOwn]);
    // and the other way round
    expect((await first.get('/api/cases')).body.items.map((i: { id: string }) => i.id)).toEqual([dispute]);
    expectError(await first.get(`/api/cases/${secondsOwn}`), 404, 'not_found');
    // while the business unit counts both
    const all = await businessUnit.get('/api/partnerships/rotherham/processes/dispute-resolution/graph');
    expect(all.body.nodes.find((n: { id: string }) => n.id === 'professional-resolution').count).toBe(2);
  });

  test('the second practitioner cannot open, resolve, escalate or withdraw it: 404, and nothing is stored', async () => {
    const before = await storedCounts(server.databaseUrl);
    expectError(await second.get(`/api/cases/${dispute}`), 404, 'not_found');
    expectError(await second.sendEvent(dispute, 'RESOLVED', { outcome: 'Resolved by someone else' }, 1), 404, 'not_found');
    expectError(await second.sendEvent(dispute, 'ESCALATE', { reason: 'Escalated by someone else' }, 1), 404, 'not_found');
    expectError(await second.sendEvent(dispute, 'WITHDRAW', { reason: 'Withdrawn by someone else' }, 1), 404, 'not_found');
    expect(await storedCounts(server.databaseUrl)).toEqual(before);
  });

  test('only the practitioner who raised it may resolve or escalate it between professionals', async () => {
    const mine = await first.get(`/api/cases/${dispute}`);
    expect(mine.body.available.map((a: { type: string }) => a.type).sort()).toEqual(['ESCALATE', 'RESOLVED', 'WITHDRAW']);
    // The business unit reads it and may withdraw it, but resolving it is the professionals' own business.
    const bu = await businessUnit.get(`/api/cases/${dispute}`);
    expect(bu.body.available.map((a: { type: string }) => a.type)).toEqual(['WITHDRAW']);
    expectError(await businessUnit.sendEvent(dispute, 'RESOLVED', { outcome: 'x' }, 1), 403, 'forbidden');
    const escalated = await first.sendEvent(dispute, 'ESCALATE', { reason: 'The protocol did not resolve it' }, 1);
    expect(escalated.status, JSON.stringify(escalated.body)).toBe(200);
    expect(escalated.body.state).toBe('executive-group');
    // Escalated, it is still not the second practitioner's to read; the raiser still reads it.
    expectError(await second.get(`/api/cases/${dispute}`), 404, 'not_found');
    expect((await first.get(`/api/cases/${dispute}`)).status).toBe(200);
    expect((await second.get('/api/cases?state=executive-group')).body.items).toEqual([]);
  });

  test('in Leicester likewise: a practitioner reads their own dispute, not another practitioner\'s', async () => {
    const one = await ApiClient.signIn(server, 'leicester.practitioner');
    const two = await ApiClient.signIn(server, 'leicester.practitioner-2', SECOND_PASSWORD);
    const raised = await one.createCase('leicester', 'dispute-resolution', { summary: 'Disagreement about a referral' });
    expect(raised.status).toBe(201);
    expectError(await two.get(`/api/cases/${raised.body.id}`), 404, 'not_found');
    expect((await two.get('/api/cases')).body.items).toEqual([]);
    expect((await one.get('/api/cases')).body.items.map((i: { id: string }) => i.id)).toEqual([raised.body.id]);
    expectError(await two.sendEvent(raised.body.id, 'WITHDRAW', { reason: 'Not mine' }, 1), 404, 'not_found');
  });
});

describe('the SQL filter of lists and counts agrees with mayRead', () => {
  let dir: string;
  let db: Database;
  let databaseUrl: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'need-to-know-sql-'));
    databaseUrl = await newTestDatabase(dir);
    db = await openTestDatabase(databaseUrl);
    await migrate(db, { catalogue });
  });
  afterAll(async () => {
    await db.close();
    await dropTestDatabase(databaseUrl);
    rmSync(dir, { recursive: true, force: true });
  });

  test('for every state of every process, every role, as raiser or not, as participant or not', async () => {
    let compared = 0;
    for (const partnership of catalogue.partnerships.values()) {
      const people = partnership.def.roles.map((r) => ({ username: `${partnership.def.id}.${r.id}`, roles: [r.id] }));
      const cases: { id: string; process: string; state: string; createdBy: string; participants: string[] }[] = [];
      for (const process of partnership.processes.values()) {
        for (const state of Object.keys(process.def.states)) {
          for (const person of people) {
            for (const [mine, acted] of [[true, false], [false, false], [false, true]] as const) {
              const createdBy = mine ? person.username : `${partnership.def.id}.someone-else`;
              cases.push({ id: `${process.def.id}|${state}|${person.username}|${mine}|${acted}`, process: process.def.id, state, createdBy, participants: acted ? [createdBy, person.username] : [createdBy] });
            }
          }
        }
      }
      await db.transaction(async (tx) => {
        for (const c of cases) {
          await tx.run(
            "INSERT INTO cases (id, partnership, process, process_version, state, final, version, data, created_by, created_at, updated_at) VALUES (?, ?, ?, 1, ?, 0, 1, '{}', ?, '2021-05-10T09:00:00.000Z', '2021-05-10T09:00:00.000Z')",
            [c.id, partnership.def.id, c.process, c.state, c.createdBy],
          );
          for (const [seq, by] of c.participants.entries()) {
            await tx.run(
              "INSERT INTO history (case_id, partnership, process, process_version, seq, type, from_state, to_state, by, at, data, effects, prev_hash, hash) VALUES (?, ?, ?, 1, ?, 'X', NULL, ?, ?, '2021-05-10T09:00:00.000Z', '{}', '{}', '', '')",
              [c.id, partnership.def.id, c.process, seq + 1, c.state, by],
            );
          }
        }
      });
      for (const person of people) {
        const filter = readableCasesSql(partnership, person);
        const rows = await db.reader.all<{ id: string }>(`SELECT id FROM cases WHERE partnership = ? AND ${filter.sql}`, [partnership.def.id, ...filter.params]);
        const bySql = new Set(rows.map((r) => r.id));
        for (const c of cases) {
          const process = partnership.processes.get(c.process)!;
          expect(bySql.has(c.id), `${person.username}: ${c.id}`).toBe(mayRead(process, person, c));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });
});

describe('the configuration checks of access', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'need-to-know-config-'));
    copyConfigurationInto(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const edit = (file: string, from: string, to: string) => {
    const path = join(root, file);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
  };
  const lineOf = (file: string, needle: string | RegExp) =>
    readFileSync(join(root, file), 'utf8').split('\n').findIndex((l) => (typeof needle === 'string' ? l.includes(needle) : needle.test(l))) + 1;

  test('unknown roles, pseudo-roles and a starter who could not read are reported at their file and line', () => {
    const cspr = 'workflows/rotherham/cspr.yaml';
    const veto = 'workflows/rotherham/veto-review.yaml';
    const merton = 'workflows/merton/dispute-resolution.yaml';
    // Rotherham's file is a difference from the shared template: it adds its own readers to the template's.
    edit(cspr, 'append: [practice-review-panel, independent-chair]', 'append: [practice-reveiw-panel, independent-chair, raiser]');
    edit(veto, '    raiser: true\n', '');
    const noAccess = readFileSync(join(root, merton), 'utf8').replace(/\naccess:\n(  .*\n)+/, '\n');
    writeFileSync(join(root, merton), noAccess);
    const result = loadCatalogue(root);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
    const line = lineOf(cspr, 'practice-reveiw-panel');
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${cspr}:${line}: unknown role "practice-reveiw-panel"; roles of rotherham: `)));
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${cspr}:${line}: "raiser" is not a role here: write \`raiser: true\``)));
    expect(problems).toContainEqual(`${veto}:${lineOf(veto, 'roles: [business-unit, practice-standards-group]')}: "conference-chair" may start a case but could not read it: add it to \`roles\` or write \`raiser: true\``);
    expect(problems.filter((p) => p.startsWith(`${merton}:`)).join('\n')).toMatch(/access/);
  });
});
