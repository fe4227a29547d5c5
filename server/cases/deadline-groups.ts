import type { ProcessDef } from '../engine/definition.ts';

/**
 * The deadline a case's deadline is one of, for reports that count them across cases: itself, or,
 * for one of a list's items (`action-due-3`, the third action's), the deadline the process declares
 * for each item, so that the actions of every case count together rather than "action 1" of each
 * case as one deadline.
 */
export function deadlineOf(def: ProcessDef, id: string): string {
  if (def.deadlines?.[id] !== undefined) return id;
  return Object.entries(def.deadlines ?? {}).find(([key, d]) => d.each !== undefined && id.startsWith(`${key}-`))?.[0] ?? id;
}

/**
 * What a report calls a declared deadline: its label, or for one per list item, whose label is worded
 * by each item ("Action {item}: {item.action}"), the list's name. Undefined for one it does not declare.
 */
export function deadlineGroupLabel(def: ProcessDef, id: string): string | undefined {
  const deadline = def.deadlines?.[id];
  if (deadline?.each === undefined) return deadline?.label;
  return `${def.lists?.[deadline.each]?.label ?? deadline.each}: each item's deadline`;
}
