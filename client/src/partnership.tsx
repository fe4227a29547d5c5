import { createContext, useContext, type ReactNode } from 'react';
import { api } from './api.ts';
import type { PartnershipSummary, ProcessDefinition, ProcessId } from './apiTypes.ts';
import { cached } from './cached.ts';
import { useResource } from './useResource.ts';

const PartnershipContext = createContext<PartnershipSummary | null>(null);

/** The signed-in user's partnership (the API lists only the caller's own), loaded once for every page. */
export function usePartnershipLoader(username: string) {
  return useResource(async () => (await api.partnerships())[0] ?? null, username)[0];
}

export function PartnershipProvider({ partnership, children }: { partnership: PartnershipSummary; children: ReactNode }) {
  return <PartnershipContext.Provider value={partnership}>{children}</PartnershipContext.Provider>;
}

export function usePartnership(): PartnershipSummary {
  const partnership = useContext(PartnershipContext);
  if (!partnership) throw new Error('usePartnership is used outside PartnershipProvider');
  return partnership;
}

/** A process's title, or its id while the title is unknown (a process retired since). */
export function processTitle(partnership: PartnershipSummary, process: ProcessId): string {
  return partnership.processes.find((candidate) => candidate.id === process)?.title ?? process;
}

/** A process definition, fetched once per page load. */
export const loadDefinition = cached(
  (partnership: PartnershipSummary, process: ProcessId) => `${partnership.id}/${process}`,
  (partnership: PartnershipSummary, process: ProcessId): Promise<ProcessDefinition> => api.process(partnership.id, process),
);

export function useDefinition(process: ProcessId | undefined) {
  const partnership = usePartnership();
  return useResource(
    () => (process ? loadDefinition(partnership, process) : Promise.resolve(null)),
    `${partnership.id}/${process ?? ''}`,
  )[0];
}
