import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseSource, type ConfigProblem, type ParseCache, type SourceFile } from './source.ts';

/**
 * The configuration's files as the loader sees them: those on disk under `root`, with some
 * replaced (or added) in memory, by path relative to `root`. A file that is not YAML or JSON is
 * recorded as a problem and read as nothing.
 */
export class ConfigFiles {
  private readonly parsed: ParseCache = new Map();

  constructor(
    readonly root: string,
    private readonly replace: ReadonlyMap<string, string>,
    private readonly problems: ConfigProblem[],
  ) {}

  exists(path: string): boolean {
    return this.replace.has(relative(this.root, path)) || existsOnDisk(path);
  }

  /** The parsed file, or undefined when it does not parse (its problems recorded). */
  read(path: string): SourceFile | undefined {
    const file = relative(this.root, path);
    const parsed = parseSource(file, this.replace.get(file) ?? readFileSync(path, 'utf8'), this.parsed);
    if (Array.isArray(parsed)) {
      this.problems.push(...parsed);
      return undefined;
    }
    return parsed;
  }

  /** The files directly in `dir` whose names end with `suffix`, sorted. */
  filesIn(dir: string, suffix: string): string[] {
    const onDisk = existsOnDisk(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isFile() && e.name.endsWith(suffix))
          .map((e) => join(dir, e.name))
      : [];
    const added = [...this.replace.keys()].map((file) => join(this.root, file)).filter((path) => dirname(path) === dir && path.endsWith(suffix));
    return [...new Set([...onDisk, ...added])].sort();
  }

  /** The folders directly in `dir`, sorted. */
  dirsIn(dir: string): string[] {
    if (!existsOnDisk(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(dir, e.name))
      .sort();
  }
}

function existsOnDisk(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
