/** What every command of `npx workflows` shares: usage errors, the configuration, and `PARTNERSHIP/PROCESS[@VERSION]`. */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatProblem, loadCatalogue } from '../../server/config/index.ts';
import { processVersion, type Catalogue, type CompiledPartnership, type CompiledProcess } from '../../server/engine/catalogue.ts';
import { TEMPLATES_DIR } from '../../server/config/variants.ts';

/** Exit codes: all is well, problems found, the command was not used as its help says. */
export const OK = 0;
export const PROBLEMS = 1;
export const USAGE = 2;

/** A mistake in how the command was called: printed with the command's usage, exit 2. */
export class UsageError extends Error {}

/** The options a command accepts; anything else starting with `--` is a usage error. */
export function parseArgs(args: readonly string[], valued: readonly string[], flags: readonly string[] = []): { positional: string[]; options: Map<string, string>; flags: Set<string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (flags.includes(name)) {
      seen.add(name);
      continue;
    }
    if (!valued.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    options.set(name, value);
  }
  return { positional, options, flags: seen };
}

/** The configuration at `root`, or the problems that stop it loading. */
export function loadOrReport(root: string): Catalogue | undefined {
  const loaded = loadCatalogue(root);
  if (loaded.ok) return loaded.catalogue;
  for (const problem of loaded.problems) console.error(formatProblem(problem));
  console.error(`\n${loaded.problems.length} problem(s) found in the configuration at ${root}.`);
  return undefined;
}

export interface ProcessRef {
  partnership: string;
  process: string;
  version?: number;
}

/** `PARTNERSHIP/PROCESS` or `PARTNERSHIP/PROCESS@VERSION`. */
export function parseProcessRef(text: string | undefined, allowVersion: boolean): ProcessRef {
  if (text === undefined) throw new UsageError('name the process as PARTNERSHIP/PROCESS');
  const match = /^([a-z0-9-]+)\/([a-z0-9-]+)(?:@(.+))?$/.exec(text);
  if (match === null) throw new UsageError(`"${text}" is not PARTNERSHIP/PROCESS${allowVersion ? '[@VERSION]' : ''}`);
  const [, partnership, process, version] = match as unknown as [string, string, string, string | undefined];
  if (version === undefined) return { partnership, process };
  if (!allowVersion) throw new UsageError(`"${text}": this command runs the files' process; leave out @${version}`);
  if (!/^[1-9]\d*$/.test(version)) throw new UsageError(`"${text}": the version must be a whole number from 1`);
  return { partnership, process, version: Number(version) };
}

export interface ResolvedProcess {
  ref: ProcessRef;
  /** How to name it in output: `partnership/process` or with `@version`. */
  name: string;
  partnership: CompiledPartnership;
  process: CompiledProcess;
}

/** Thrown for a process or version that does not exist: a problem, exit 1. */
export class NotFound extends Error {}

/**
 * The process the reference names: the files' (under `root`), or a version stored in the database
 * `DATABASE_URL` names (default data/workflows.sqlite), opened read-only.
 */
export async function resolveProcess(catalogue: Catalogue, ref: ProcessRef): Promise<ResolvedProcess> {
  const name = `${ref.partnership}/${ref.process}${ref.version === undefined ? '' : `@${ref.version}`}`;
  if (ref.partnership === TEMPLATES_DIR && ref.version === undefined) return templateProcess(catalogue, ref, name);
  const files = catalogue.partnerships.get(ref.partnership);
  if (files === undefined) throw new NotFound(`there is no partnership "${ref.partnership}" (there are: ${[...catalogue.partnerships.keys()].join(', ')})`);
  if (ref.version === undefined) {
    const process = files.processes.get(ref.process);
    if (process === undefined) throw new NotFound(`${ref.partnership} has no process "${ref.process}" (it has: ${[...files.processes.keys()].join(', ')})`);
    return { ref, name, partnership: files, process };
  }
  // Loaded only for a stored version: the database modules are not needed otherwise.
  const [{ databaseFile }, { openConnection }, { withStoredVersions }] = await Promise.all([
    import('../database-file.ts'),
    import('../../server/store/sqlite.ts'),
    import('../../server/store/process-versions.ts'),
  ]);
  const path = databaseFile(undefined);
  if (!existsSync(path)) throw new NotFound(`${name}: there is no database at ${path} to read stored versions from; set DATABASE_URL=sqlite:PATH`);
  const db = await openConnection(path, { readOnly: true });
  try {
    const stored = await withStoredVersions(db, catalogue);
    const partnership = stored.partnerships.get(ref.partnership)!;
    const known = partnership.versions?.get(ref.process);
    const found = known?.has(ref.version) ? processVersion(partnership, ref.process, ref.version) : undefined;
    if (found === undefined) {
      const have = known === undefined ? 'none' : [...known.keys()].join(', ');
      throw new NotFound(`${name}: ${path} has no version ${ref.version} of ${ref.partnership}/${ref.process} (stored versions: ${have})`);
    }
    return { ref, name, ...found };
  } finally {
    await db.close();
  }
}

/**
 * `templates/ID`: a template on its own, with the template forms it uses, to compare a partnership's
 * process with what it varies. A template has no partnership: its forms stand in for one's, and its roles
 * are named by their ids.
 */
function templateProcess(catalogue: Catalogue, ref: ProcessRef, name: string): ResolvedProcess {
  const template = catalogue.templates?.get(ref.process);
  if (template === undefined) throw new NotFound(`there is no template "${ref.process}" (there are: ${[...(catalogue.templates?.keys() ?? [])].join(', ') || 'none'})`);
  const any = [...catalogue.partnerships.values()][0]!;
  return { ref, name, partnership: { ...any, def: { ...any.def, roles: [] }, forms: template.forms }, process: template.process };
}

export const configRoot = (option: string | undefined) => resolve(option ?? '.');

/**
 * Names for the examples in `--help`, taken from the configuration in the current directory (the
 * tool names no partnership or process of its own): a process, and the same process of another
 * partnership when there is one.
 */
export function examples(): { a: string; b: string; scenario: string } {
  const fallback = { a: 'OTHER-PARTNERSHIP/PROCESS', b: 'PARTNERSHIP/PROCESS', scenario: 'workflows/PARTNERSHIP/scenarios/PROCESS.yaml' };
  try {
    const dir = resolve('workflows');
    const processes = (p: string) =>
      readdirSync(join(dir, p))
        .filter((f) => f.endsWith('.yaml') && f !== 'partnership.yaml')
        .map((f) => f.slice(0, -'.yaml'.length))
        .sort();
    const partnerships = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'partnership.yaml')))
      .map((e) => e.name)
      .sort();
    const first = partnerships[0];
    const process = first === undefined ? undefined : processes(first)[0];
    if (first === undefined || process === undefined) return fallback;
    const other = partnerships.find((p) => p !== first && processes(p).includes(process)) ?? first;
    return { a: `${other}/${process}`, b: `${first}/${process}`, scenario: `workflows/${first}/scenarios/${process}.yaml` };
  } catch {
    return fallback;
  }
}
