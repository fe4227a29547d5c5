/**
 * `npx workflows <command>`: the real bin, run as a business unit would run it, from the repository.
 * Every command's output and exit codes: 0 all is well, 1 problems found, 2 a usage error.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { copyConfigurationInto, editFile } from '../support/configuration.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'workflows-cli-'));
  dirs.push(dir);
  return dir;
}

/** A copy of the configuration to change on purpose. */
const copyConfig = (): string => copyConfigurationInto(tempDir());
const edit = editFile;

function workflows(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('npx', ['workflows', ...args], { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

const lineOf = (path: string, needle: string) => readFileSync(path, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

/** A strict enough XML check: every tag closes in order, attributes are quoted, text has no bare `<` or `&`. Returns the text. */
function xmlText(source: string): string[] {
  const body = source.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = [];
  const texts: string[] = [];
  let rest = body;
  while (rest.length > 0) {
    const lt = rest.indexOf('<');
    const text = lt === -1 ? rest : rest.slice(0, lt);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(text)) throw new Error(`bare & in ${JSON.stringify(text)}`);
    if (text.trim() !== '') {
      if (stack.length === 0) throw new Error(`text outside the root: ${JSON.stringify(text)}`);
      texts.push(text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
    }
    if (lt === -1) break;
    const gt = rest.indexOf('>', lt);
    if (gt === -1) throw new Error('an unclosed tag');
    const tag = rest.slice(lt + 1, gt);
    rest = rest.slice(gt + 1);
    const m = /^(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)$/.exec(tag);
    if (m === null) throw new Error(`not a well-formed tag: <${tag}>`);
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element`);
    } else if (!selfClosing) {
      if (stack.length === 0 && texts.length > 0) throw new Error('two roots');
      stack.push(name!);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(', ')}`);
  return texts;
}

describe('npx workflows', { timeout: 180_000 }, () => {
  test('--help for the tool and each command (0); no command, an unknown command or option (2)', async () => {
    const [help, ...commandHelps] = await Promise.all([
      workflows(['--help']),
      ...['validate', 'simulate', 'graph', 'diff'].map((c) => workflows([c, '--help'])),
    ]);
    expect(help.code).toBe(0);
    for (const c of ['validate', 'simulate', 'graph', 'diff']) expect(help.stdout).toContain(c);
    for (const h of commandHelps) {
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(/^Usage: workflows \w+/);
      expect(h.stdout).toContain('Example:');
    }
    const [none, unknown, option, noProcess, badRef, badFormat, noFormat, oneSide, badVersion] = await Promise.all([
      workflows([]),
      workflows(['publish']),
      workflows(['validate', '--colour']),
      workflows(['simulate']),
      workflows(['graph', 'merton', '--format', 'dot']),
      workflows(['graph', 'merton/cspr', '--format', 'png']),
      workflows(['graph', 'merton/cspr']),
      workflows(['diff', 'merton/cspr']),
      workflows(['diff', 'merton/cspr@first', 'merton/cspr']),
    ]);
    for (const r of [none, unknown, option, noProcess, badRef, badFormat, noFormat, oneSide, badVersion]) expect(r.code, r.stderr).toBe(2);
    expect(unknown.stderr).toContain('unknown command "publish"');
    expect(option.stderr).toContain('unknown option --colour');
    expect(badFormat.stderr).toContain('--format must be mermaid, svg, dot, not "png"');
    expect(badVersion.stderr).toContain('the version must be a whole number');
  });

  test('validate: the shipped configuration (0) and a broken copy, every problem at its file and line (1)', async () => {
    const ok = await workflows(['validate']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Configuration is valid.');

    const root = copyConfig();
    const file = 'workflows/merton/dispute-resolution.yaml';
    edit(join(root, file), (t) => t.replace('to: stage-3-determination', 'to: stage-3-determinaton').replace('form: determination', 'form: determination-v2'));
    const broken = await workflows(['validate', root]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${file}:${lineOf(join(root, file), 'to: stage-3-determinaton')}: unknown state "stage-3-determinaton"`);
    expect(broken.stderr).toContain(`${file}:${lineOf(join(root, file), 'form: determination-v2')}: form "determination-v2" does not exist`);
    expect(broken.stderr).toMatch(/\d+ problem\(s\) found; nothing was started/);
  });

  test('simulate: a shipped scenario file passes through the engine alone, reports and logs said to need the server (0)', async () => {
    const { code, stdout } = await workflows(['simulate', 'merton/dispute-resolution']);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain('workflows/merton/scenarios/dispute-resolution.yaml (today 2023-06-01)');
    expect(stdout).toMatch(/#\s+step\s+expected\s+actual\s+result/);
    expect(stdout).toMatch(/AGREED as statutory-partner\s+422; guard_rejected; guards quorate; stage-1-partners-meet\s+422 guard_rejected; guards quorate; stage-1-partners-meet\s+ok/);
    expect(stdout).toContain('not simulated (needs the server)');
    // Every scenario of Merton's dispute resolution files, counted from them.
    const files = readdirSync(join(ROOT, 'workflows/merton/scenarios')).filter((f) => /^dispute-resolution(\..+)?\.yaml$/.test(f));
    const scenarios = files.reduce((n, f) => n + (parse(readFileSync(join(ROOT, 'workflows/merton/scenarios', f), 'utf8')) as { scenarios: unknown[] }).scenarios.length, 0);
    expect(stdout).toContain(`${scenarios} scenario(s) passed, 0 failed; 1 step(s) not simulated`);
  });

  test('simulate: timers fire on a restart step, deadlines shown (0)', async () => {
    const { code, stdout } = await workflows(['simulate', 'rotherham/scr-transition', 'workflows/rotherham/scenarios/scr-transition.restart.yaml']);
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/restart on \d{4}-\d{2}-\d{2}\s+timers due fired\s+ok/);
    expect(stdout).toMatch(/0 failed/);
  });

  test('simulate: a wrong expectation fails with a readable difference (1)', async () => {
    const dir = tempDir();
    const copy = join(dir, 'dispute-resolution.yaml');
    writeFileSync(copy, readFileSync(join(ROOT, 'workflows/merton/scenarios/dispute-resolution.yaml'), 'utf8').replace('expect: { state: resolved, final: true, tasks: {} }', 'expect: { state: closed, final: true, tasks: {} }'));
    const { code, stdout } = await workflows(['simulate', 'merton/dispute-resolution', copy]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL all three partners attend stage 1 and agree/);
    expect(stdout).toMatch(/AGREED as statutory-partner\s+closed; final\s+resolved \(final\)\s+FAIL/);
    expect(stdout).toContain('- state: expected closed, got resolved');
    expect(stdout).toMatch(/7 scenario\(s\) passed, 1 failed/);

    const missing = await workflows(['simulate', 'merton/dispute-resolution', join(dir, 'nothing.yaml')]);
    expect(missing.code).toBe(2);
    const noProcess = await workflows(['simulate', 'merton/veto-review']);
    expect(noProcess.code).toBe(1);
    expect(noProcess.stderr).toContain('merton has no process "veto-review"');
  });

  test('graph: mermaid, dot and svg, with state and event labels (0)', async () => {
    const [m, d, s, missing] = await Promise.all([
      workflows(['graph', 'merton/dispute-resolution', '--format', 'mermaid']),
      workflows(['graph', 'merton/dispute-resolution', '--format=dot']),
      workflows(['graph', 'merton/dispute-resolution', '--format', 'svg']),
      workflows(['graph', 'merton/nothing', '--format', 'svg']),
    ]);
    expect(m.code).toBe(0);
    expect(m.stdout.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(m.stdout).toContain('state "Stage 4: Secretary of State" as s_stage_4_secretary_of_state');
    expect(m.stdout).toContain('[*] --> s_stage_1_partners_meet : Raise a dispute');
    expect(m.stdout).toContain('s_stage_1_partners_meet --> s_stage_2_arbitration : Record that the partners did not agree');
    expect(m.stdout).toContain('s_resolved --> [*]');

    expect(d.code).toBe(0);
    expect(d.stdout.startsWith('digraph ')).toBe(true);
    expect(d.stdout).toContain('"stage-2-arbitration" -> "stage-3-determination" [label="Record that arbitration did not resolve the dispute"]');
    expect(d.stdout.trimEnd().endsWith('}')).toBe(true);

    expect(s.code).toBe(0);
    expect(s.stdout.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const texts = xmlText(s.stdout).join(' ');
    for (const label of ['Stage 1: statutory', 'Secretary of', 'Resolved', 'Withdrawn', 'Raise a dispute', "Record the letter to an absent partner's accountable officer"]) {
      expect(texts).toContain(label);
    }

    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('merton has no process "nothing"');
  });

  test("diff: Rotherham's dispute resolution against Merton's, in words (0)", async () => {
    const { code, stdout } = await workflows(['diff', 'rotherham/dispute-resolution', 'merton/dispute-resolution']);
    expect(code).toBe(0);
    expect(stdout).toContain('Comparing A = rotherham/dispute-resolution');
    expect(stdout).toContain('- removed: "Independent Chair arbitrates" (independent-chair-arbitration)');
    expect(stdout).toContain('+ added: "Stage 4: Secretary of State" (stage-4-secretary-of-state)');
    expect(stdout).toContain('+ added: Independent Person (independent-person) acts in this process');
    expect(stdout).toMatch(/\+ added: "Record the letter to an absent partner's accountable officer" is refused unless .* \(partner-was-absent\)/);
    expect(stdout).toContain('+ added: the form determination, asking "Determination" and "Date of the determination"');
  });

  test("diff against a template: what a partnership does differently from the process it extends (0); no such template (1)", async () => {
    const [merton, none] = await Promise.all([workflows(['diff', 'templates/cspr', 'merton/cspr']), workflows(['diff', 'templates/cspr-2023', 'merton/cspr'])]);
    expect(merton.code, merton.stderr).toBe(0);
    expect(merton.stdout).toMatch(/- removed: "Awaiting the decision on a review" \(awaiting-decision\)/);
    expect(merton.stdout).toMatch(/\+ added: Independent Person \(independent-person\) acts in this process/);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('there is no template "cspr-2023" (there are: cspr, scr-transition, yearly-report)');
  });

  test('graph and diff of stored versions: a changed deadline between version 1 and version 2 (0), a version that does not exist (1)', async () => {
    const dir = tempDir();
    const databaseUrl = `sqlite:${join(dir, 'db.sqlite')}`;
    const mainModule = '../../server/main.ts';
    const { startServer } = (await import(mainModule)) as { startServer: (o: Record<string, unknown>) => Promise<{ close(): Promise<void> }> };
    // Version 1: the shipped files. Version 2: a copy whose National Panel deadline is ten working days.
    await (await startServer({ port: 0, host: '127.0.0.1', databaseUrl, demo: true, root: ROOT })).close();
    const root = copyConfig();
    // Merton's file is a difference from the statutory template: it says its own deadline.
    edit(join(root, 'workflows/merton/cspr.yaml'), (t) => t.replace('\ndeadlines:\n', '\ndeadlines:\n  notify-national-panel:\n    due: { workingDaysAfter: [{ field: awareOn }, 10] }\n'));
    await (await startServer({ port: 0, host: '127.0.0.1', databaseUrl, demo: true, root })).close();

    const env = { DATABASE_URL: databaseUrl };
    const [diff, graph, none] = await Promise.all([
      workflows(['diff', 'merton/cspr@1', 'merton/cspr@2'], env),
      workflows(['graph', 'merton/cspr@2', '--format', 'mermaid'], env),
      workflows(['graph', 'merton/cspr@3', '--format', 'mermaid'], env),
    ]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toMatch(/~ "Notify the National Panel" \(notify-national-panel\) is due 10 working days after ".*", not 5 working days after ".*"/);
    expect(diff.stdout).toContain('1 difference(s).');
    expect(graph.code).toBe(0);
    expect(graph.stdout.startsWith('stateDiagram-v2')).toBe(true);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('has no version 3 of merton/cspr (stored versions: 1, 2)');
  });
});
