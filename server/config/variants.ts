/**
 * A variant is a difference. What several partnerships share is written once, as a template
 * (`workflows/templates/<id>.yaml`, `forms/templates/<id>.schema.json`), and a partnership's file
 * that says `extends: <id>` holds only how it differs. Resolving is a merge, in the spirit of JSON
 * Merge Patch (RFC 7386) with two additions that lists of steps need:
 *
 * - a map changes the template's map key by key; `null` removes a key;
 * - a list replaces the template's list, or adds to its end when written `{ append: [...] }`;
 * - lists whose items have ids (a process's `events` by `type`, any `guards` and `warnings` by `id`) are written
 *   in a variant as maps from the id to the change: an id the template has changes that item, a new
 *   id adds one at the end, and `null` removes one. Their order is the template's.
 *
 * The result remembers which file wrote each part, so that a problem found in it is reported at the
 * line that caused it: the template's for what the template says, the variant's for what it changes.
 */
import type { ConfigProblem, Location, PathSegment, SourceFile } from './source.ts';

/** The folder, under `workflows/` and `forms/`, of what partnerships share. */
export const TEMPLATES_DIR = 'templates';
export const EXTENDS_KEY = 'extends';
export const APPEND_KEY = 'append';

/** Which file, and where in it, wrote a part of the resolved value; `children` where parts came from both. */
interface Origin {
  source: SourceFile;
  path: PathSegment[];
  children?: Map<PathSegment, Origin>;
}

interface Merged {
  value: unknown;
  origin: Origin;
}

/** The id that names an item of a list, for the lists a variant writes as maps; undefined elsewhere. */
export type ListKeys = (path: readonly PathSegment[]) => string | undefined;

/** Lists of a process that a variant changes item by item: its events by type, and the start's and each event's guards and warnings by id. */
export const processListKeys: ListKeys = (path) => {
  if (path.length === 1 && path[0] === 'events') return 'type';
  const transitionList = (path.length === 2 && path[0] === 'start') || (path.length === 3 && path[0] === 'events');
  return transitionList && ['guards', 'warnings'].includes(String(path[path.length - 1])) ? 'id' : undefined;
};

/** A form's lists are replaced or appended to; none is keyed. */
export const formListKeys: ListKeys = () => undefined;

/**
 * `variant` applied to `template`: the resolved value, as a source whose `where` names the file
 * and line that wrote each part, and the problems of the merge itself (removing what is not there,
 * appending to what is not a list). `variant`'s own `extends` is not part of the result.
 */
export function applyVariant(
  template: { source: SourceFile; path?: PathSegment[] },
  variant: { source: SourceFile; path?: PathSegment[] },
  listKeys: ListKeys,
  omit: readonly string[] = [EXTENDS_KEY],
): { resolved: SourceFile; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const templatePath = template.path ?? [];
  const variantPath = variant.path ?? [];
  const merger = new Merger(listKeys, problems);
  const patch = { ...(valueAt(variant.source.value, variantPath) as Record<string, unknown>) };
  for (const key of omit) delete patch[key];
  const merged = merger.merge(
    valueAt(template.source.value, templatePath),
    { source: template.source, path: templatePath },
    patch,
    { source: variant.source, path: variantPath },
    [],
  );
  return { resolved: resolvedSource(variant.source.file, merged), problems };
}

/** A resolved value as a source: `file` is the variant's, `where` follows each part to its writer. */
function resolvedSource(file: string, merged: Merged): SourceFile {
  const where = (path: readonly PathSegment[]): Location => {
    let origin = merged.origin;
    let depth = 0;
    while (depth < path.length) {
      const child = origin.children?.get(path[depth]!);
      if (child === undefined) break;
      origin = child;
      depth++;
    }
    return { file: origin.source.file, line: origin.source.lineOf([...origin.path, ...path.slice(depth)]) };
  };
  return { file, value: merged.value, lineOf: (path) => where(path).line, where };
}

class Merger {
  constructor(
    private readonly listKeys: ListKeys,
    private readonly problems: ConfigProblem[],
  ) {}

  /** `patch` (at `patchOrigin`) over `base` (at `baseOrigin`, undefined when the template has nothing there). */
  merge(base: unknown, baseOrigin: Origin, patch: unknown, patchOrigin: Origin, at: PathSegment[]): Merged {
    const key = this.listKeys(at);
    if (key !== undefined && isMap(patch)) return this.mergeKeyed(key, base, baseOrigin, patch, patchOrigin, at);
    if (key !== undefined && Array.isArray(patch)) {
      this.problem(patchOrigin, `in a variant, "${String(at[at.length - 1])}" is a map from each item's ${key} to its change (null removes one), not a list`);
      return { value: base, origin: baseOrigin };
    }
    if (isAppend(patch)) return this.append(base, baseOrigin, patch, patchOrigin);
    if (isMap(patch)) return this.mergeMaps(isMap(base) ? base : {}, baseOrigin, patch, patchOrigin, at);
    return { value: patch, origin: patchOrigin };
  }

  private mergeMaps(base: Record<string, unknown>, baseOrigin: Origin, patch: Record<string, unknown>, patchOrigin: Origin, at: PathSegment[]): Merged {
    const value: Record<string, unknown> = { ...base };
    const children = new Map<PathSegment, Origin>();
    for (const name of Object.keys(base)) children.set(name, childOf(baseOrigin, name));
    for (const [name, change] of Object.entries(patch)) {
      const changeOrigin = childOf(patchOrigin, name);
      if (change === null) {
        if (!(name in base)) this.problem(changeOrigin, `removes "${name}", which the template does not have here; check its spelling`);
        delete value[name];
        children.delete(name);
        continue;
      }
      const merged = this.merge(base[name], childOf(baseOrigin, name), change, changeOrigin, [...at, name]);
      value[name] = merged.value;
      children.set(name, merged.origin);
    }
    return { value, origin: { ...patchOrigin, children } };
  }

  /** A list of items with ids, changed by a map from id to change. */
  private mergeKeyed(key: string, base: unknown, baseOrigin: Origin, patch: Record<string, unknown>, patchOrigin: Origin, at: PathSegment[]): Merged {
    const items = Array.isArray(base) ? base : [];
    const value: unknown[] = [];
    const children = new Map<PathSegment, Origin>();
    const push = (item: Merged) => {
      children.set(value.length, item.origin);
      value.push(item.value);
    };
    const known = new Set<unknown>();
    items.forEach((item, i) => {
      const id = isMap(item) ? item[key] : undefined;
      known.add(id);
      const itemOrigin = childOf(baseOrigin, i);
      if (typeof id !== 'string' || !(id in patch)) return push({ value: item, origin: itemOrigin });
      const change = patch[id];
      if (change === null) return;
      if (!isMap(change)) return this.problem(childOf(patchOrigin, id), `the change to ${key} "${id}" must be a map of what changes, or null to remove it`);
      push(this.merge(item, itemOrigin, withoutKey(change, key, id, childOf(patchOrigin, id), this), childOf(patchOrigin, id), [...at, value.length]));
    });
    for (const [id, change] of Object.entries(patch)) {
      if (known.has(id)) continue;
      const changeOrigin = childOf(patchOrigin, id);
      if (change === null) {
        this.problem(changeOrigin, `removes ${key} "${id}", which the template does not have; check its spelling`);
        continue;
      }
      if (!isMap(change)) {
        this.problem(changeOrigin, `the new item with ${key} "${id}" must be a map`);
        continue;
      }
      // A new item: its id is the map key, written first as in a full file.
      const merged = this.merge(undefined, baseOrigin, { [key]: id, ...withoutKey(change, key, id, changeOrigin, this) }, changeOrigin, [...at, value.length]);
      (merged.origin.children ??= new Map()).set(key, changeOrigin);
      push(merged);
    }
    return { value, origin: { ...patchOrigin, children } };
  }

  private append(base: unknown, baseOrigin: Origin, patch: { append: unknown[] }, patchOrigin: Origin): Merged {
    if (base !== undefined && !Array.isArray(base)) {
      this.problem(patchOrigin, '`append` adds to a list, but the template has no list here; write the value itself');
      return { value: base, origin: baseOrigin };
    }
    const before = base ?? [];
    const children = new Map<PathSegment, Origin>();
    before.forEach((_item, i) => children.set(i, childOf(baseOrigin, i)));
    patch.append.forEach((_item, i) => children.set(before.length + i, childOf(childOf(patchOrigin, APPEND_KEY), i)));
    return { value: [...before, ...patch.append], origin: { ...patchOrigin, children } };
  }

  problem(origin: Origin, message: string): void {
    this.problems.push({ file: origin.source.file, line: origin.source.lineOf(origin.path), message });
  }
}

/** An item's id is its map key in a variant; writing it again is allowed only when it says the same. */
function withoutKey(change: Record<string, unknown>, key: string, id: string, origin: Origin, merger: Merger): Record<string, unknown> {
  if (!(key in change)) return change;
  const { [key]: written, ...rest } = change;
  if (written !== id) merger.problem(childOf(origin, key), `${key} "${String(written)}" differs from its map key "${id}"; an item's ${key} is its key, so leave it out`);
  return rest;
}

function childOf(origin: Origin, segment: PathSegment): Origin {
  return origin.children?.get(segment) ?? { source: origin.source, path: [...origin.path, segment] };
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  return path.reduce<unknown>((at, segment) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[segment] : undefined), value);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isAppend(value: unknown): value is { append: unknown[] } {
  return isMap(value) && Object.keys(value).length === 1 && Array.isArray(value[APPEND_KEY]);
}
