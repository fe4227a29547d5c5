import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { openTestConnection } from '../support/database.ts';

/**
 * The business unit changes a process without a developer and without a restart (issue 10, point 5):
 * it uploads a changed process file, sees its problems with their lines or its difference, scenarios
 * and the running cases, and publishes it as the next version. A real server on a SQLite file, with a
 * copy of the configuration; every upload is the file as the configuration now has it, edited.
 */
const P = 'merton';
const PROC = 'dispute-resolution';
const FILE = `workflows/${P}/${PROC}.yaml`;
const CONFIG = `/api/partnerships/${P}/configuration`;
const PROCESS = `${CONFIG}/processes/${PROC}`;

let root: string;
let server: TestServer;
let businessUnit: ApiClient;
let partner: ApiClient;
const logs: string[] = [];
let shipped: string;
/** The first stage's label as the files have it, and the same stage relabelled (the valid change). */
let stage: { id: string; label: string };

const processFile = () => join(root, FILE);
const relabel = (text: string, label: string) => {
  expect(text).toContain(stage.label);
  return text.replace(stage.label, label);
};
const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

async function signIn() {
  [businessUnit, partner] = await Promise.all([`${P}.business-unit`, `${P}.statutory-partner`].map((u) => ApiClient.signIn(server, u)));
}

async function storedVersions(): Promise<{ version: number; origin: string; published_by: string | null }[]> {
  const db = await openTestConnection(server.databaseUrl);
  try {
    return await db.all('SELECT version, origin, published_by FROM process_versions WHERE partnership = ? AND process = ? ORDER BY version', [P, PROC]);
  } finally {
    await db.close();
  }
}

const check = (content: string, as = businessUnit) => as.request('POST', `${PROCESS}/check`, { content });
const publish = (content: string, basedOn: number, as = businessUnit) => as.request('POST', `${PROCESS}/publish`, { content, basedOn });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'configuration-'));
  const project = join(import.meta.dirname, '..', '..');
  cpSync(join(project, 'workflows'), join(root, 'workflows'), { recursive: true });
  cpSync(join(project, 'forms'), join(root, 'forms'), { recursive: true });
  shipped = readFileSync(processFile(), 'utf8');
  server = await startTestServer({ root, now: '2020-10-01', log: (line) => logs.push(line) });
  await signIn();
  const definition = (await partner.get(`/api/partnerships/${P}/processes/${PROC}`)).body;
  const first = definition.states.find((s: { id: string }) => s.id === definition.start.to[0]);
  stage = { id: first.id, label: first.label };
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const cases: Record<string, { id: string; processVersion: number }> = {};

describe('the business unit only', () => {
  test('anyone else in the partnership is refused with 403 on every configuration route; another partnership gets 404', async () => {
    const other = await ApiClient.signIn(server, 'rotherham.business-unit');
    for (const [method, path, body] of [
      ['GET', `${CONFIG}/processes`],
      ['GET', `${CONFIG}/scenarios`],
      ['GET', `${PROCESS}/difference?from=1`],
      ['GET', `${PROCESS}/versions/1/file`],
      ['POST', `${PROCESS}/check`, { content: shipped }],
      ['POST', `${PROCESS}/publish`, { content: relabel(shipped, 'Forged'), basedOn: 1 }],
    ] as const) {
      const res = await partner.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/business unit/) });
      expect((await other.request(method, path, body)).status, `${method} ${path} from another partnership`).toBe(404);
    }
    expect((await storedVersions()).map((v) => v.version)).toEqual([1]);
    expect((await partner.get('/api/partnerships')).body[0].mayConfigure).toBe(false);
    expect((await businessUnit.get('/api/partnerships')).body[0].mayConfigure).toBe(true);
  });
});

describe('checking an upload', () => {
  test('each process with its versions and the cases on each', async () => {
    cases.before = (await partner.createCase(P, PROC, { summary: 'Disagreement over funding of the MASH' })).body;
    const list = (await businessUnit.get(`${CONFIG}/processes`)).body;
    const mine = list.find((p: { id: string }) => p.id === PROC);
    expect(mine).toMatchObject({ newestVersion: 1, versions: [{ version: 1, origin: 'files', publishedBy: null, cases: 1, running: 1, createdAt: expect.any(String) }] });
  });

  test('a valid change: its difference from the running version in words, its scenarios, the running cases', async () => {
    const res = await check(relabel(shipped, 'Stage 1: the partners meet'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ process: PROC, basedOn: 1, wouldBe: 2, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(res.body.difference.count).toBe(1);
    expect(res.body.difference.sections.flatMap((s: { lines: string[] }) => s.lines)).toEqual([`~ ${stage.id} is now called "Stage 1: the partners meet", not "${stage.label}"`]);
    expect(res.body.scenarios.length).toBeGreaterThan(0);
    expect(res.body.scenarios.every((s: { passed: boolean; process: string }) => s.passed && s.process === PROC)).toBe(true);
    expect(res.body.affected).toEqual({ onNewest: 1, states: [{ id: stage.id, label: stage.label, count: 1, inNewVersion: true }], onOlderVersions: 0 });
    expect((await storedVersions()).map((v) => v.version)).toEqual([1]);
  });

  test('a change that fails a scenario says which step and why', async () => {
    // The first stage renamed: every scenario that expects a case to start there now fails at its first step.
    const renamed = shipped.replaceAll(stage.id, 'stage-1-meeting');
    const res = await check(renamed);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const failed = res.body.scenarios.filter((s: { passed: boolean }) => !s.passed);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].failure).toMatchObject({ step: expect.any(Number), problems: expect.arrayContaining([expect.stringContaining('stage-1-meeting')]) });
    expect(res.body.affected.states).toEqual([expect.objectContaining({ id: stage.id, inNewVersion: false })]);
  });

  test('refused with every problem and its line, and nothing stored: YAML errors, unknown keys, an unreachable state, a guard naming a field no form has, a template that does not exist', async () => {
    const statesAt = shipped.search(/^states:\n/m);
    const fieldAt = shipped.search(/field: [a-zA-Z]+/);
    expect(statesAt).toBeGreaterThan(0);
    expect(fieldAt).toBeGreaterThan(0);
    const appended = shipped.trimEnd().split('\n').length + 1;
    // A problem about a state stands at its key or the first line of its body.
    const uploads: [string, string, number | number[], RegExp][] = [
      ['a YAML syntax error', `${shipped.trimEnd()}\nid: ${PROC}\n`, appended, /YAML syntax error: .*unique/],
      ['an unknown key', `${shipped.trimEnd()}\ncolour: blue\n`, appended, /unknown key "colour"/],
      ['an unreachable state', `${shipped.slice(0, statesAt)}states:\n  orphan-stage:\n    label: Nobody gets here\n${shipped.slice(statesAt + 'states:\n'.length)}`, [lineOf(shipped, statesAt) + 1, lineOf(shipped, statesAt) + 2], /"orphan-stage" cannot be reached/],
      ['a guard naming a field no form has', `${shipped.slice(0, fieldAt)}field: noSuchAnswer${shipped.slice(fieldAt).replace(/^field: [a-zA-Z]+/, '')}`, lineOf(shipped, fieldAt), /unknown field "noSuchAnswer"/],
      ['a template that does not exist', `extends: no-such-template\n${shipped}`, 1, /template "no-such-template" does not exist/],
    ];
    for (const [what, content, line, message] of uploads) {
      for (const res of [await check(content), await publish(content, 1)]) {
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(422);
        expect(res.body.error.code).toBe('process_invalid');
        const problem = (res.body.error.details as { file: string; line: number; message: string }[]).find((d) => message.test(d.message));
        expect(problem, `${what}: ${JSON.stringify(res.body.error.details)}`).toMatchObject({ file: FILE });
        expect([line].flat(), what).toContain(problem!.line);
      }
    }
    // Files far from a process's shape: what is wrong with the shape, never a failure of the server.
    for (const [content, message] of [['- just a list', /must be a map of keys .*not a list/], [`id: ${PROC}`, /needs "title"/], [`id: ${PROC}\nstates: []\nevents: [1]`, /needs "title"/]] as const) {
      const res = await check(content);
      expect(res.status, content).toBe(422);
      expect(res.body.error.details, content).toContainEqual({ file: FILE, line: 1, message: expect.stringMatching(message) });
    }
    // Unchanged, too, is refused: there is nothing to publish.
    const same = await publish(shipped, 1);
    expect(same.status).toBe(422);
    expect(same.body.error.details).toEqual([{ file: FILE, line: 1, message: expect.stringMatching(/makes no change to version 1/) }]);
    expect((await check(shipped)).status).toBe(422);
    for (const body of [{}, { content: '' }, { content: 3 }, { content: shipped }]) {
      expect((await businessUnit.request('POST', `${PROCESS}/publish`, body)).status).toBe(400);
    }
    expect((await storedVersions()).map((v) => v.version)).toEqual([1]);
    expect((await partner.get(`/api/partnerships/${P}/processes/${PROC}`)).body.newestVersion).toBe(1);
    // Fifteen uploads, each checked against the whole configuration: over 30 s on a machine busy with other work.
  }, 120_000);
});

describe('publishing', () => {
  test('publish: the newest version at once, recorded with who and when; new cases start on it, running cases keep theirs', async () => {
    const res = await publish(relabel(shipped, 'Stage 1: the partners meet'), 1);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ process: PROC, version: 2, publishedBy: `${P}.business-unit`, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const definition = (await partner.get(`/api/partnerships/${P}/processes/${PROC}`)).body;
    expect(definition).toMatchObject({ version: 2, newestVersion: 2 });
    expect(definition.states.find((s: { id: string }) => s.id === stage.id).label).toBe('Stage 1: the partners meet');

    cases.after = (await partner.createCase(P, PROC, { summary: 'Disagreement over the MASH rota' })).body;
    expect(cases.after).toMatchObject({ processVersion: 2, stateLabel: 'Stage 1: the partners meet' });
    expect((await partner.get(`/api/cases/${cases.before.id}`)).body).toMatchObject({ processVersion: 1, stateLabel: stage.label });

    const list = (await businessUnit.get(`${CONFIG}/processes`)).body.find((p: { id: string }) => p.id === PROC);
    expect(list.versions).toEqual([
      expect.objectContaining({ version: 1, origin: 'files', publishedBy: null, cases: 1 }),
      expect.objectContaining({ version: 2, origin: 'upload', publishedBy: `${P}.business-unit`, cases: 1 }),
    ]);
    expect(await storedVersions()).toEqual([
      { version: 1, origin: 'files', published_by: null },
      { version: 2, origin: 'upload', published_by: `${P}.business-unit` },
    ]);
  });

  test('two people publishing at once: one wins, the other is told who published which version, and nothing of theirs is stored', async () => {
    const other = await ApiClient.signIn(server, `${P}.business-unit`);
    const mine = relabel(shipped, 'Stage 1: partners meet to agree');
    const theirs = relabel(shipped, 'Stage 1: the partners try to agree');
    const answers = await Promise.all([publish(mine, 2), publish(theirs, 2, other)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const lost = answers.find((a) => a.status === 409)!;
    expect(lost.body.error).toMatchObject({ code: 'version_conflict', details: { currentVersion: 3 }, message: expect.stringMatching(/Version 3 was published by merton\.business-unit .*check your file again against version 3/) });
    expect((await storedVersions()).map((v) => v.version)).toEqual([1, 2, 3]);
    // A stale check is refused the same way, even long after.
    expect((await publish(relabel(shipped, 'Stage 1: later'), 2)).status).toBe(409);
  });

  test('any version downloads as the process file to keep with the configuration; the difference between any two versions', async () => {
    const first = await businessUnit.get(`${PROCESS}/versions/1/file`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-disposition')).toBe(`attachment; filename=${PROC}.yaml`);
    expect(first.headers.get('content-type')).toMatch(/^text\/yaml/);
    expect(first.body).toBe(shipped);
    const second = await businessUnit.get(`${PROCESS}/versions/2/file`);
    expect(second.body).toBe(relabel(shipped, 'Stage 1: the partners meet'));
    expect((await businessUnit.get(`${PROCESS}/versions/9/file`)).status).toBe(404);
    expect((await businessUnit.get(`${PROCESS}/versions/x/file`)).status).toBe(400);

    const diff = (await businessUnit.get(`${PROCESS}/difference?from=1&to=2`)).body;
    expect(diff).toMatchObject({ from: 'version 1', to: 'version 2', count: 1 });
    const none = (await businessUnit.get(`${PROCESS}/difference?from=2&to=2`)).body;
    expect(none.count).toBe(0);
    expect((await businessUnit.get(`${PROCESS}/difference?from=1`)).body).toMatchObject({ to: 'version 3' });
    expect((await businessUnit.get(`${PROCESS}/difference?from=7`)).status).toBe(404);
    expect((await businessUnit.get(`${PROCESS}/difference`)).status).toBe(400);
  });

  test('a version of a process written as a difference from a template is compared with the template alone; one written whole has none', async () => {
    const processes = (await businessUnit.get(`${CONFIG}/processes`)).body as { id: string; template: string | null; newestVersion: number }[];
    const variant = processes.find((p) => p.template !== null);
    expect(variant, 'a process of the shipped configuration that extends a template').toBeDefined();
    const res = await businessUnit.get(`${CONFIG}/processes/${variant!.id}/versions/${variant!.newestVersion}/template-difference`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ from: `the template "${variant!.template}"`, to: `version ${variant!.newestVersion}` });
    expect(res.body.count).toBeGreaterThan(0);
    expect(processes.find((p) => p.id === PROC)!.template).toBeNull();
    const whole = await businessUnit.get(`${PROCESS}/versions/1/template-difference`);
    expect(whole.status).toBe(404);
    expect(whole.body.error.message).toMatch(/extends no template/);
  });

  test("the partnership's scenarios pass on the newest versions", async () => {
    const res = await businessUnit.get(`${CONFIG}/scenarios`);
    expect(res.status).toBe(200);
    const processes = new Set(res.body.map((s: { process: string }) => s.process));
    expect(processes.has(PROC)).toBe(true);
    expect(res.body.filter((s: { passed: boolean }) => !s.passed)).toEqual([]);
  });
});

describe('restarts', () => {
  test('a published version survives a restart on the unchanged files: it stays the newest, nothing is stored, and the log says the file is behind', async () => {
    const newest = (await partner.get(`/api/partnerships/${P}/processes/${PROC}`)).body;
    await server.restart();
    await signIn();
    expect((await storedVersions()).map((v) => v.version)).toEqual([1, 2, 3]);
    expect((await partner.get(`/api/partnerships/${P}/processes/${PROC}`)).body).toEqual(newest);
    expect((await partner.createCase(P, PROC, { summary: 'After the restart' })).body.processVersion).toBe(3);
    expect(logs.some((line) => line.includes(`${FILE} is behind: it holds version 1, and version 3 published by ${P}.business-unit`))).toBe(true);
  });

  test('the downloaded file put into the repository changes nothing; a later change in the repository is the next version', async () => {
    writeFileSync(processFile(), (await businessUnit.get(`${PROCESS}/versions/3/file`)).body);
    await server.restart();
    await signIn();
    expect((await storedVersions()).map((v) => v.version)).toEqual([1, 2, 3]);
    writeFileSync(processFile(), relabel(shipped, 'Stage 1: partners meet (from the repository)'));
    await server.restart();
    await signIn();
    expect(await storedVersions()).toEqual([
      expect.objectContaining({ version: 1 }),
      expect.objectContaining({ version: 2 }),
      expect.objectContaining({ version: 3 }),
      { version: 4, origin: 'files', published_by: null },
    ]);
    expect((await partner.get(`/api/partnerships/${P}/processes/${PROC}`)).body.newestVersion).toBe(4);
  });
});
