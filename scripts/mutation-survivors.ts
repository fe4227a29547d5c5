/**
 * `npx tsx scripts/mutation-survivors.ts <folder> [--write] | reports/mutation/<report>.json…`: every mutant no
 * test caught (survived, or reached by no test), per file, as the Markdown tables reports/mutation/*-survivors.md
 * keep. Whether a survivor is equivalent, unreachable or a missing test is a judgement, not something the report
 * knows, so the "why" column is a person's: with `--write`, reports/mutation/<folder>-survivors.md is rewritten
 * with fresh tables, its introduction (everything before the first table's heading) kept, and each row's "why"
 * carried over from the row of the same file and mutation (at the same place, or the only one of its kind if
 * the code moved). A folder (`cases`) means every report of it, its whole-folder run and its parts, the newest
 * counting for a file in more than one.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { readReports, reportsOldestFirst, UNDETECTED, type Mutant } from './mutation-reports.ts';

/** Long code is cut: the table is read beside the source, where the place leads. */
const SHOWN = 70;
const TABLE_HEAD = '| place | mutation | why it is equivalent or unreachable |\n|---|---|---|';

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

interface Row {
  file: string;
  place: string;
  mutation: string;
  why: string;
}

/** A table row's cells, split at bars that are not escaped. */
function cells(line: string): string[] {
  return line
    .slice(1, line.endsWith('|') ? -1 : undefined)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The rows of a survivors file, and its introduction. */
function readExplained(path: string): { introduction: string; rows: Row[] } {
  if (!existsSync(path)) return { introduction: '', rows: [] };
  const text = readFileSync(path, 'utf8');
  const firstHeading = text.search(/^## /m);
  const rows: Row[] = [];
  let file = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) file = line.slice(3).trim();
    else if (/^\| \d+:\d+/.test(line)) {
      const [place = '', mutation = '', why = ''] = cells(line);
      rows.push({ file, place: place.replace(' (NoCoverage)', ''), mutation, why });
    }
  }
  return { introduction: firstHeading === -1 ? text : text.slice(0, firstHeading), rows };
}

/** Each new row's "why" from the old rows: the same file, mutation and place, else the only old row of that file and mutation. */
function carryOver(rows: Row[], old: readonly Row[]): Row[] {
  const explained = old.filter(({ why }) => why !== '');
  const key = (row: Row, withPlace: boolean) => `${row.file}\n${row.mutation}${withPlace ? `\n${row.place}` : ''}`;
  const exact = new Map(explained.map((row) => [key(row, true), row.why]));
  const count = (list: readonly Row[]) => list.reduce((counts, row) => counts.set(key(row, false), (counts.get(key(row, false)) ?? 0) + 1), new Map<string, number>());
  const oldCounts = count(explained);
  const newCounts = count(rows);
  const moved = new Map(explained.map((row) => [key(row, false), row.why]));
  return rows.map((row) => {
    const why = exact.get(key(row, true)) ?? (oldCounts.get(key(row, false)) === 1 && newCounts.get(key(row, false)) === 1 ? moved.get(key(row, false)) : undefined);
    return { ...row, why: why ?? '' };
  });
}

const args = process.argv.slice(2);
const write = args.includes('--write');
const asked = args.filter((arg) => arg !== '--write');
if (asked.length === 0 || (write && (asked.length !== 1 || asked[0]!.endsWith('.json')))) {
  console.error('Usage: npx tsx scripts/mutation-survivors.ts <folder> [--write] (every report of server/<folder>) | reports/mutation/<report>.json…');
  process.exit(2);
}
// `cases.json` (the whole folder) and `cases.<part>.json`: every name that starts `cases.`.
const ofFolder = (folder: string) => reportsOldestFirst().filter((path) => basename(path).startsWith(`${folder}.`));
const paths = asked.flatMap((arg) => (arg.endsWith('.json') ? [arg] : ofFolder(arg)));
const rows: Row[] = [];
for (const [path, { source, mutants }] of Object.entries(readReports(paths).files).sort(([a], [b]) => a.localeCompare(b))) {
  const uncaught = mutants.filter(({ status }) => UNDETECTED.has(status)).sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
  // Named within its folder (routes/cases.ts, not cases.ts: server/store has a cases.ts too).
  const folder = resolve('server', relative('server', resolve(path)).split('/')[0]!);
  const file = relative(folder, resolve(path));
  for (const mutant of uncaught) {
    const { line, column } = mutant.location.start;
    const mutation = `${mutant.mutatorName}: ${excerpt(original(source, mutant.location))} → ${excerpt(mutant.replacement)}`;
    rows.push({ file, place: `${line}:${column}${mutant.status === 'NoCoverage' ? ' (NoCoverage)' : ''}`, mutation, why: '' });
  }
}

const target = write ? `reports/mutation/${asked[0]}-survivors.md` : undefined;
const { introduction, rows: old } = target === undefined ? { introduction: '', rows: [] } : readExplained(target);
const withWhy = carryOver(
  rows.map((row) => ({ ...row, place: row.place.replace(' (NoCoverage)', '') })),
  old,
).map((row, index) => ({ ...row, place: rows[index]!.place }));
const tables = [...new Set(withWhy.map(({ file }) => file))]
  .map((file) => `## ${file}\n\n${TABLE_HEAD}\n${withWhy.filter((row) => row.file === file).map((row) => `| ${row.place} | ${row.mutation} |${row.why === '' ? '' : ` ${row.why}`} |`).join('\n')}\n`)
  .join('\n');
if (target === undefined) console.log(tables);
else {
  writeFileSync(target, `${introduction.trimEnd()}\n\n${tables}`);
  const unexplained = withWhy.filter(({ why }) => why === '').length;
  console.log(`${target}: ${withWhy.length} rows, ${withWhy.length - unexplained} explained, ${unexplained} not yet`);
}
