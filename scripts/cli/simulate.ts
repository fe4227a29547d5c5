/**
 * `simulate PARTNERSHIP/PROCESS [SCENARIO ...]`: runs scenario files through the pure engine, with
 * no server and no database (server/config/scenarios.ts), and prints a table of each scenario's steps.
 */
import { existsSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { runScenarioFile, scenarioFiles, scenarioReader, scenariosDir, type Row } from '../../server/config/scenarios.ts';
import { NotFound, OK, PROBLEMS, UsageError, configRoot, loadOrReport, parseArgs, parseProcessRef, resolveProcess, examples } from './common.ts';

export const simulateHelp = (): string => {
  const ex = examples();
  return `Usage: workflows simulate PARTNERSHIP/PROCESS [SCENARIO ...] [--root DIR]

Runs scenario files through the real engine, without a server or a database, and prints a table of
their steps: what each step expected and what the engine did (state, deadlines, refusals). With no
SCENARIO, runs the files beside the process: DIR/workflows/PARTNERSHIP/scenarios/PROCESS.yaml and
PROCESS.*.yaml. Users are the demo users PARTNERSHIP.ROLE; "today" is the file's, and a restart step
moves it on and fires the timers that came due. Steps that read the escalation log or the summary
report need the server: they are shown as "not simulated (needs the server)", counting neither as
passed nor failed (tests/scenarios runs them over HTTP).

Exit 0 when every simulated step meets its expectations, 1 when one does not (each difference is
printed under its step) or a file is not a valid scenario file, 2 on a usage error.

Options:
  --root DIR   the configuration to load (default: the current directory)

Example:
  npx workflows simulate ${ex.b}
  npx workflows simulate ${ex.b} ${ex.scenario}`;
};

// ------------------------------------------------------------------ the command

function table(rows: Row[]): string {
  const header = { step: '#', what: 'step', expected: 'expected', actual: 'actual', outcome: 'result' };
  const cells = [header, ...rows.map((r) => ({ step: String(r.step), what: r.what, expected: r.expected, actual: r.actual, outcome: r.outcome }))];
  const keys = ['step', 'what', 'expected', 'actual', 'outcome'] as const;
  const width = (k: (typeof keys)[number]) => Math.min(k === 'actual' || k === 'expected' ? 72 : 50, Math.max(...cells.map((c) => c[k].length)));
  const widths = keys.map(width);
  const fit = (text: string, w: number) => (text.length > w ? `${text.slice(0, w - 1)}…` : text.padEnd(w));
  const lines: string[] = [];
  cells.forEach((c, i) => {
    lines.push(`  ${keys.map((k, j) => fit(c[k], widths[j]!)).join('  ')}`.trimEnd());
    const problems = i === 0 ? [] : rows[i - 1]!.problems;
    for (const p of problems) lines.push(`      - ${p}`);
  });
  return lines.join('\n');
}

export async function simulateCommand(args: readonly string[]): Promise<number> {
  const { positional, options } = parseArgs(args, ['root']);
  const [target, ...named] = positional;
  const ref = parseProcessRef(target, false);
  const root = configRoot(options.get('root'));
  const catalogue = loadOrReport(root);
  if (catalogue === undefined) return PROBLEMS;
  try {
    await resolveProcess(catalogue, ref);
  } catch (error) {
    if (error instanceof NotFound) {
      console.error(error.message);
      return PROBLEMS;
    }
    throw error;
  }
  let files: string[];
  if (named.length > 0) {
    files = named.map((f) => resolve(f));
    const missing = files.filter((f) => !existsSync(f));
    if (missing.length > 0) throw new UsageError(`no such scenario file: ${missing.join(', ')}`);
  } else {
    const dir = scenariosDir(root, ref.partnership);
    files = scenarioFiles(root, ref.partnership, ref.process);
    if (files.length === 0) {
      console.error(`${ref.partnership}/${ref.process} has no scenario files in ${relative(process.cwd(), dir) || dir} (${ref.process}.yaml or ${ref.process}.*.yaml)`);
      return PROBLEMS;
    }
  }

  const readScenario = scenarioReader(root);
  const count = { ok: 0, failed: 0, skipped: 0 };
  for (const path of files) {
    const name = relative(process.cwd(), path) || basename(path);
    const read = readScenario(path, name);
    if (!read.ok) {
      for (const problem of read.problems) console.log(problem);
      count.failed++;
      continue;
    }
    const { file } = read;
    if (file.process !== ref.process) {
      console.log(`${name}: its process is "${file.process}", not "${ref.process}"`);
      count.failed++;
      continue;
    }
    console.log(`${name} (today ${file.today})`);
    for (const { name: scenario, rows, passed, skipped, notRun } of runScenarioFile(catalogue, ref.partnership, file)) {
      console.log(`\n ${passed ? 'ok  ' : 'FAIL'} ${scenario}${skipped > 0 ? ` (${skipped} step(s) not simulated: they need the server)` : ''}`);
      console.log(table(rows));
      if (notRun > 0) console.log(`      (${notRun} later step(s) not run: they build on the failed one)`);
      if (passed) count.ok++;
      else count.failed++;
      count.skipped += skipped;
    }
    console.log('');
  }
  console.log(
    `${count.ok} scenario(s) passed, ${count.failed} failed${count.skipped > 0 ? `; ${count.skipped} step(s) not simulated (they read reports or logs, which need the server: npm test runs them)` : ''}.`,
  );
  return count.failed > 0 ? PROBLEMS : OK;
}

