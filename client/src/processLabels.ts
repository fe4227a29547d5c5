import type { ProcessDefinition, StateId } from './apiTypes.ts';
import { humanise } from './format.ts';

/** The creation's history entry type (api.md: history starts with `CREATE`). */
export const CREATE_EVENT = 'CREATE';

/** Who history names for the engine's own transitions (timers). */
export const SYSTEM_ACTOR = 'system';

export function stateLabel(definition: ProcessDefinition | null, state: StateId | null): string {
  if (state === null) return '';
  return definition?.states.find((candidate) => candidate.id === state)?.label ?? humanise(state);
}

/**
 * An event's label. Types repeat across states with different labels ("agreed" at a meeting or at
 * arbitration), so the state it left picks the right one.
 */
export function eventLabel(definition: ProcessDefinition | null, type: string, from: StateId | null): string {
  if (type === CREATE_EVENT) return definition?.start.label ?? 'Case started';
  const events = definition?.events.filter((event) => event.type === type) ?? [];
  return (events.find((event) => from !== null && event.from.includes(from)) ?? events[0])?.label ?? humanise(type);
}
