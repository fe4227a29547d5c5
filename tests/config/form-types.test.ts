import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { renderFormTypes } from '../../scripts/form-types.ts';

test('the generated form types are up to date with the schemas (run `npm run build` after editing a form)', async () => {
  const files = await renderFormTypes(resolve(import.meta.dirname, '../..'));
  expect(files.size).toBeGreaterThan(0);
  for (const [path, contents] of files) {
    expect(readFileSync(path, 'utf8'), `${path} is stale`).toBe(contents);
  }
});
