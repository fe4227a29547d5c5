import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'json-schema-to-typescript';

export const TYPES_FILE = 'forms.d.ts';
const HEADER = '/* Generated from the JSON Schemas beside this file by `npm run build` (scripts/generate-form-types.ts). Do not edit. */';

function typeName(formId: string): string {
  return formId.replace(/(^|[-_])([a-z0-9])/gi, (_m, _sep, c: string) => c.toUpperCase()) + 'Form';
}

/**
 * Titles are questions for people; json-schema-to-typescript would turn each into a named type,
 * and two forms asking "Outcome" would collide. Types are named after the form id instead.
 */
function withoutTitles(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutTitles);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => key !== 'title' || typeof value !== 'string')
      .map(([key, value]) => [key, key === 'const' || key === 'default' || key === 'enum' ? value : withoutTitles(value)]),
  );
}

/**
 * The TypeScript types of every form written whole, one file per folder (forms/templates/ and each
 * partnership's): path → contents. A partnership's `<form>.variant.yaml` is typed by its template's
 * type; its resolved JSON Schema checks the few fields it adds when data arrives.
 */
export async function renderFormTypes(root: string): Promise<Map<string, string>> {
  const formsDir = join(root, 'forms');
  const files = new Map<string, string>();
  for (const partnership of readdirSync(formsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const dir = join(formsDir, partnership);
    const schemas = readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort();
    const parts: string[] = [HEADER];
    for (const file of schemas) {
      const id = file.slice(0, -'.schema.json'.length);
      const schema = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      parts.push(
        (await compile(withoutTitles(schema) as never, typeName(id), { bannerComment: '', additionalProperties: false, format: false, strictIndexSignatures: true })).trim(),
      );
    }
    files.set(join(dir, TYPES_FILE), `${parts.join('\n\n')}\n`);
  }
  return files;
}
