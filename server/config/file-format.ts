/**
 * One process file's problems on its own: its YAML, and its format (a whole process, or a variant
 * that `extends` a template). For an upload too far from a process for the checks across files to
 * read it: what is wrong with its shape, each problem at its line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaCheck } from './schema-check.ts';
import { parseSource, type ConfigProblem } from './source.ts';
import { EXTENDS_KEY } from './variants.ts';

export function processFileProblems(root: string, file: string, text: string): ConfigProblem[] {
  const source = parseSource(file, text);
  if (Array.isArray(source)) return source;
  const value = source.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ file, line: 1, message: 'is not a process: a process file is a YAML mapping (id, title, start, states, events, …) or a variant of a template (extends: …)' }];
  }
  const format = EXTENDS_KEY in value ? 'variant.schema.json' : 'workflow.schema.json';
  const check = schemaCheck(JSON.parse(readFileSync(join(root, 'workflows', format), 'utf8')) as Record<string, unknown>);
  return check(source);
}
