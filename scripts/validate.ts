/**
 * `npm run validate [root]`: the checks the server runs before it starts, without starting it,
 * so a business unit can check a configuration before it goes live. The same as `npx workflows validate`.
 */
import { resolve } from 'node:path';
import { validateConfiguration } from './cli/validate.ts';

process.exitCode = validateConfiguration(resolve(process.argv[2] ?? '.'));
