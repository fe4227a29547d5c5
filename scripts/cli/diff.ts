/**
 * `diff A B`: how two processes (two partnerships' variants, or two versions of one) differ, in
 * words a business unit reads: states, events, roles, guards, deadlines, timers and form fields.
 */
import { difference } from '../../server/config/compare.ts';
import { OK, PROBLEMS, UsageError, configRoot, loadOrReport, parseArgs, parseProcessRef, resolveProcess, examples } from './common.ts';

export const diffHelp = (): string => {
  const ex = examples();
  return `Usage: workflows diff A B [--root DIR]

Compares two processes, each named PARTNERSHIP/PROCESS[@VERSION]: two partnerships' variants of a
process, or two versions of one. Says in words what B adds to A, what it leaves out and what it
changes: its states, events (who may send them, from where, to where, their form and guards), roles,
deadlines, timers and the fields of the forms it uses.

Without @VERSION a side is the files' process (under DIR, default the current directory). @VERSION reads
that version as the server stored it, from the database DATABASE_URL names (sqlite:PATH, default
sqlite:data/workflows.sqlite), opened read-only.

Exit 0 when compared (whether or not they differ), 1 when a process or version does not exist or the
configuration has problems, 2 on a usage error.

Example:
  npx workflows diff ${ex.a} ${ex.b}
  DATABASE_URL=sqlite:data/workflows.sqlite npx workflows diff ${ex.b}@1 ${ex.b}`;
};

export async function diffCommand(args: readonly string[]): Promise<number> {
  const { positional, options } = parseArgs(args, ['root']);
  if (positional.length !== 2) throw new UsageError('name two processes: A B, each PARTNERSHIP/PROCESS[@VERSION]');
  const refs = positional.map((p) => parseProcessRef(p, true));
  const catalogue = loadOrReport(configRoot(options.get('root')));
  if (catalogue === undefined) return PROBLEMS;
  const [a, b] = await Promise.all(refs.map((r) => resolveProcess(catalogue, r)));
  const sections = difference(a!, b!);
  console.log(`Comparing A = ${a!.name} ("${a!.process.def.title}") with B = ${b!.name} ("${b!.process.def.title}").`);
  console.log('"+ added" is in B and not in A, "- removed" in A and not in B, "~" changed from A to B.');
  let count = 0;
  for (const s of sections) {
    console.log(`\n${s.title}`);
    if (s.lines.length === 0) console.log('  no difference');
    for (const line of s.lines) console.log(`  ${line}`);
    count += s.lines.length;
  }
  console.log(`\n${count === 0 ? 'No differences.' : `${count} difference(s).`}`);
  return OK;
}
