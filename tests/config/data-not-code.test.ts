import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(path);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

test('no file under server/ or client/ names a partnership, process id or state id', () => {
  const result = loadCatalogue(ROOT);
  if (!result.ok) throw new Error('the configuration does not load');
  const names = new Set<string>();
  for (const p of result.catalogue.partnerships.values()) {
    names.add(p.def.id);
    for (const proc of p.processes.values()) {
      names.add(proc.def.id);
      for (const state of Object.keys(proc.def.states)) names.add(state);
    }
  }
  // Words that are state ids but also plain English would flag every comment; quoted ids are what matter.
  const offending = [...sources(join(ROOT, 'server')), ...sources(join(ROOT, 'client'))].flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...names].filter((name) => new RegExp(`['"\`/]${name}['"\`/]`).test(text) || (name.includes('-') && text.includes(name))).map((name) => `${file}: ${name}`);
  });
  expect(offending).toEqual([]);
});
