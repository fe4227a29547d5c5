/**
 * `npm run bench`: one run, one table (stdout, and bench/results.md with the machine and versions).
 * Speed is given as ratios measured in the same run wherever there is something to compare with, so
 * that figures compare across machines; absolute times are set against the targets. Sizes
 * come from the environment (bench/support.ts); progress goes to stderr.
 */
import { loadavg } from 'node:os';
import { enginePeers } from './engine-peers.ts';
import { postgresCeiling, sqliteCeiling } from './http-ceiling.ts';
import { reads } from './reads.ts';
import { markdownTable, tableRows, writeResults } from './report.ts';
import { signInFlood } from './sign-in-flood.ts';
import { startup } from './startup.ts';
import { chooseTarget, loadShippedCatalogue, progress } from './support.ts';

const startedAt = new Date();
const loadBefore = loadavg();
const began = performance.now();
const target = chooseTarget(loadShippedCatalogue());
progress(`writes on ${target.partnership.def.id}/${target.process.def.id} (${target.event.type}); node ${process.version}`);

const engine = await enginePeers(target);
const ceilings = [await sqliteCeiling(target), await postgresCeiling(target)];
const flood = await signInFlood(target);
const starts = await startup();
const read = await reads(target.partnership);

const results = { target, ceilings, engine, reads: read, startup: starts, flood, startedAt, loadBefore, totalMs: performance.now() - began };
const table = markdownTable(tableRows(results));
console.log(table);
progress(`written to ${writeResults(results, table)}`);
