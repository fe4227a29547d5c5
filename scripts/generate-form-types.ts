/** Writes forms/<partnership>/forms.d.ts from the form schemas, so code reading form data is type-checked. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderFormTypes } from './form-types.ts';

const files = await renderFormTypes(resolve('.'));
for (const [path, contents] of files) writeFileSync(path, contents);
console.log(`form types: wrote ${files.size} file(s)`);
