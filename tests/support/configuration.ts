/** A copy of the shipped configuration for a test to change on purpose, and the one way such tests edit it. */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Copies `workflows/` and `forms/` into `dir` (a temporary folder the test removes) and returns it. */
export function copyConfigurationInto(dir: string): string {
  cpSync(join(ROOT, 'workflows'), join(dir, 'workflows'), { recursive: true });
  cpSync(join(ROOT, 'forms'), join(dir, 'forms'), { recursive: true });
  return dir;
}

/** Rewrites a file of the copy; an edit that changes nothing fails, so a stale search string cannot pass unnoticed. */
export function editFile(path: string, change: (text: string) => string): void {
  const text = readFileSync(path, 'utf8');
  const changed = change(text);
  expect(changed).not.toBe(text);
  writeFileSync(path, changed);
}
