/** `validate [DIR]`: the checks the server runs before it starts, each problem as `file:line: message`. */
import { resolve } from 'node:path';
import { formatProblem, loadCatalogue } from '../../server/config/index.ts';
import { OK, PROBLEMS, UsageError, parseArgs } from './common.ts';

export const validateHelp = (): string => `Usage: workflows validate [DIR]

Checks every file under DIR/workflows and DIR/forms (DIR defaults to the current directory) the way
the server does before it starts, without starting anything, and prints every problem as
file:line: message. Exit 0 when the configuration is valid, 1 when it has problems, 2 on a usage error.

Example:
  npx workflows validate
  npx workflows validate ../a-copy-of-the-configuration`;

/** Validates the configuration at `root`, printing what it finds; returns the exit code. */
export function validateConfiguration(root: string): number {
  const result = loadCatalogue(root);
  if (!result.ok) {
    for (const problem of result.problems) console.error(formatProblem(problem));
    console.error(`\n${result.problems.length} problem(s) found; nothing was started.`);
    return PROBLEMS;
  }
  const templates = [...(result.catalogue.templates?.keys() ?? [])];
  if (templates.length > 0) console.log(`templates: ${templates.join(', ')}`);
  for (const [id, partnership] of result.catalogue.partnerships) {
    // Versions are numbered by the server as it stores each changed process, not by the files.
    const processes = [...partnership.processes.values()].map((p) => {
      const template = partnership.extended?.get(p.def.id);
      return template === undefined ? p.def.id : `${p.def.id} (extends ${template})`;
    });
    console.log(`${id}: ${processes.join(', ')} (${partnership.forms.size} forms)`);
  }
  console.log('Configuration is valid.');
  return OK;
}

export function validateCommand(args: readonly string[]): number {
  const { positional } = parseArgs(args, []);
  if (positional.length > 1) throw new UsageError('validate takes at most one directory');
  return validateConfiguration(resolve(positional[0] ?? '.'));
}
