/**
 * `npx tsx scripts/mutation-scores.ts [report…]`: the mutation score per folder under server/ from
 * Stryker's JSON reports (by default every reports/mutation/*.json, oldest first: `npm run mutate` keeps
 * one per folder or part of a folder and records when it made each), as the Markdown table the README
 * keeps, so the table is regenerated rather than typed. A file in more than one report is counted from
 * the last one named, by default the newest.
 *
 * The score is Stryker's own: killed and timed-out mutants over all that a test could have caught
 * (killed, timeout, survived, no coverage). Compile and runtime errors and ignored mutants are
 * left out, as Stryker leaves them out.
 */
import { readdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { DETECTED, readReports, reportsOldestFirst, UNDETECTED, type MutationReport } from './mutation-reports.ts';

interface FolderScore {
  killed: number;
  survived: number;
  noCoverage: number;
  /** Left out by `ignoreStatic` (stryker.config.mjs): neither caught nor missed, and not in the score. */
  ignored: number;
  /** Files of the folder some report holds: a folder measured a part at a time shows how far it has got. */
  files: number;
}

/** server/engine/dates/calendar.ts -> server/engine: the folders the README's table lists. */
function folderOf(file: string): string {
  return relative(process.cwd(), resolve(file)).split('/').slice(0, 2).join('/');
}

export function scoresByFolder(report: MutationReport): Map<string, FolderScore> {
  const folders = new Map<string, FolderScore>();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const score = folders.get(folderOf(file)) ?? { killed: 0, survived: 0, noCoverage: 0, ignored: 0, files: 0 };
    score.files += 1;
    for (const { status } of mutants) {
      if (DETECTED.has(status)) score.killed += 1;
      else if (status === 'Ignored') score.ignored += 1;
      else if (status === 'NoCoverage') score.noCoverage += 1;
      else if (UNDETECTED.has(status)) score.survived += 1;
    }
    folders.set(folderOf(file), score);
  }
  return folders;
}

function percent({ killed, survived, noCoverage }: FolderScore): string {
  const total = killed + survived + noCoverage;
  return total === 0 ? 'n/a' : `${((100 * killed) / total).toFixed(1)} %`;
}

const paths = process.argv.length > 2 ? process.argv.slice(2) : reportsOldestFirst();
const report = readReports(paths);
/** The TypeScript files under `folder`, all of which a whole-folder run mutates. */
function filesIn(folder: string): number {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts')).length;
}

console.log('| Folder | Files measured | Killed | Survived | No coverage | Score | Static, not run |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [folder, score] of [...scoresByFolder(report)].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`| ${folder} | ${score.files} of ${filesIn(folder)} | ${score.killed} | ${score.survived} | ${score.noCoverage} | ${percent(score)} | ${score.ignored} |`);
}
