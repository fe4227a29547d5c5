import { fileURLToPath } from 'node:url';
import { formatProblem, loadCatalogue } from '../../server/config/index.ts';
import type { Catalogue } from '../../server/engine/catalogue.ts';

let loaded: Catalogue | undefined;

/** The configuration under workflows/ and forms/, loaded once per test file. */
export function shippedCatalogue(): Catalogue {
  if (loaded !== undefined) return loaded;
  const result = loadCatalogue(fileURLToPath(new URL('../..', import.meta.url)));
  if (!result.ok) throw new Error(`The shipped configuration has problems:\n${result.problems.map(formatProblem).join('\n')}`);
  loaded = result.catalogue;
  return loaded;
}
