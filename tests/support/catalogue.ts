import { fileURLToPath } from 'node:url';
import { formatProblem, loadCatalogue } from '../../server/config/index.ts';
import { compileProcess, type Catalogue, type CompiledPartnership } from '../../server/engine/catalogue.ts';
import type { ReportTableDef } from '../../server/engine/definition.ts';

let loaded: Catalogue | undefined;

/** The configuration under workflows/ and forms/, loaded once per test file. */
export function shippedCatalogue(): Catalogue {
  if (loaded !== undefined) return loaded;
  const result = loadCatalogue(fileURLToPath(new URL('../..', import.meta.url)));
  if (!result.ok) throw new Error(`The shipped configuration has problems:\n${result.problems.map(formatProblem).join('\n')}`);
  loaded = result.catalogue;
  return loaded;
}

/** A partnership whose one process `processId` declares these annual tables instead of its own (its other processes left out). */
export function withReportTables(partnership: CompiledPartnership, processId: string, tables: ReportTableDef[]): CompiledPartnership {
  const process = partnership.processes.get(processId)!;
  const def = { ...process.def, reports: { ...process.def.reports, tables } };
  return { ...partnership, processes: new Map([[processId, compileProcess(def)]]) };
}
