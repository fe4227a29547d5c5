/**
 * `npx tsx scripts/mutation-survivors.ts <folder> | reports/mutation/<report>.json…`: every mutant no test caught
 * (survived, or reached by no test), per file, as the Markdown tables reports/mutation/*-survivors.md
 * keep, with the "why" column left for a person to fill in: whether a survivor is equivalent, unreachable
 * or a missing test is a judgement, not something the report knows. A folder (`cases`) means every
 * report of it, its whole-folder run and its parts, the newest counting for a file in more than one.
 */
import { basename, relative, resolve } from 'node:path';
import { readReports, reportsOldestFirst, UNDETECTED, type Mutant } from './mutation-reports.ts';

/** Long code is cut: the table is read beside the source, where the place leads. */
const SHOWN = 70;

function excerpt(code: string): string {
  const oneLine = code.replace(/\s+/g, ' ').trim();
  const cut = oneLine.length > SHOWN ? `${oneLine.slice(0, SHOWN)}…` : oneLine;
  // A backquote or a bar would end the table cell early.
  return `\`${cut.replaceAll('`', "'").replaceAll('|', '\\|')}\``;
}

/** The mutated text, from the 1-based line and column Stryker reports. */
function original(source: string, { start, end }: Mutant['location']): string {
  const lines = source.split('\n');
  const offset = (at: { line: number; column: number }) => lines.slice(0, at.line - 1).reduce((sum, line) => sum + line.length + 1, 0) + at.column - 1;
  return source.slice(offset(start), offset(end));
}

const asked = process.argv.slice(2);
if (asked.length === 0) {
  console.error('Usage: npx tsx scripts/mutation-survivors.ts <folder> (every report of server/<folder>) | reports/mutation/<report>.json…');
  process.exit(2);
}
// `cases.json` (the whole folder) and `cases.<part>.json`: every name that starts `cases.`.
const ofFolder = (folder: string) => reportsOldestFirst().filter((path) => basename(path).startsWith(`${folder}.`));
const paths = asked.flatMap((arg) => (arg.endsWith('.json') ? [arg] : ofFolder(arg)));
for (const [file, { source, mutants }] of Object.entries(readReports(paths).files).sort(([a], [b]) => a.localeCompare(b))) {
  const uncaught = mutants.filter(({ status }) => UNDETECTED.has(status)).sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
  if (uncaught.length === 0) continue;
  // Named within its folder (routes/cases.ts, not cases.ts: server/store has a cases.ts too).
  const folder = resolve('server', relative('server', resolve(file)).split('/')[0]!);
  console.log(`\n## ${relative(folder, resolve(file))}\n\n| place | mutation | why it is equivalent or unreachable |\n|---|---|---|`);
  for (const mutant of uncaught) {
    const { line, column } = mutant.location.start;
    const place = `${line}:${column}${mutant.status === 'NoCoverage' ? ' (NoCoverage)' : ''}`;
    console.log(`| ${place} | ${mutant.mutatorName}: ${excerpt(original(source, mutant.location))} → ${excerpt(mutant.replacement)} | |`);
  }
}
