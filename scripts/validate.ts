/**
 * `npm run validate [root]`: the checks the server runs before it starts, without starting it,
 * so a business unit can check a configuration before it goes live.
 */
import { resolve } from 'node:path';
import { loadCatalogue } from '../server/config/index.ts';
import { formatProblem } from '../server/config/index.ts';

const root = resolve(process.argv[2] ?? '.');
const result = loadCatalogue(root);
if (!result.ok) {
  for (const problem of result.problems) console.error(formatProblem(problem));
  console.error(`\n${result.problems.length} problem(s) found; nothing was started.`);
  process.exit(1);
}
for (const [id, partnership] of result.catalogue.partnerships) {
  // Versions are numbered by the server as it stores each changed process, not by the files.
  const processes = [...partnership.processes.values()].map((p) => p.def.id);
  console.log(`${id}: ${processes.join(', ')} (${partnership.forms.size} forms)`);
}
console.log('Configuration is valid.');
