import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import uri from 'ajv/dist/runtime/uri';
import { fullFormats } from 'ajv-formats/dist/formats';

/**
 * These are CommonJS modules marked `__esModule`. A bundler's default import gives their `default`
 * export; Node's gives the whole `module.exports`. Either way, hand Ajv's generated code what it
 * reads: `require(name).default`.
 */
function helper(module: unknown): { default: unknown } {
  const exports = module as { __esModule?: boolean; default?: unknown };
  return { default: exports?.__esModule ? exports.default : module };
}

/**
 * The modules Ajv's standalone validators name with `require(…)`. The server sends each form's
 * validator as a module that takes this function, so the browser runs the server's own validator
 * without the `new Function` its Content Security Policy forbids.
 */
// A form needing an Ajv helper not listed here loads no validator in the browser (the server still
// checks it) until the helper is added.
const MODULES: Record<string, unknown> = {
  'ajv/dist/runtime/equal': helper(equal),
  'ajv/dist/runtime/ucs2length': helper(ucs2length),
  'ajv/dist/runtime/uri': helper(uri),
  'ajv-formats/dist/formats': { fullFormats },
};

export function requireValidatorRuntime(name: string): unknown {
  const found = MODULES[name];
  if (found === undefined) throw new Error(`The form validator needs "${name}", which the client does not bundle`);
  return found;
}
