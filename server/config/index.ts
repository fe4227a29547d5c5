/** Reading the configuration: files in, a compiled catalogue or `file:line: message` problems out. */
export { loadCatalogue, type LoadOptions, type LoadResult } from './load.ts';
export { formatProblem, type ConfigProblem } from './source.ts';
