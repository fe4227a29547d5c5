import type { ProcessDefinition, ProcessGraph, StateId } from '../apiTypes.ts';
import { eventLabel } from '../processLabels.ts';

/** What a statechart drawing needs, from the API's graph of a process. */

export interface ChartNode {
  id: StateId;
  label: string;
  final: boolean;
  count?: number;
  overdue?: number;
}

export interface ChartEdge {
  from: StateId;
  to: StateId;
  /** Event labels; several events between the same two states share one arrow. */
  events: string[];
}

export interface ChartModel {
  nodes: ChartNode[];
  edges: ChartEdge[];
  /**
   * Events every open state has alike, said once rather than drawn from each: one that leaves them
   * all for the same state (withdrawal, `to` set), or one that keeps each where it is (a note, `to` null).
   */
  fromEveryOpenState: { event: string; to: StateId | null }[];
}

type RawEdge = { from: StateId; to: StateId; event: string };

function toModel(nodes: ChartNode[], raw: RawEdge[]): ChartModel {
  const open = nodes.filter((node) => !node.final).map((node) => node.id);
  // The same target for all, or `null` for a self-transition, which each state has to itself.
  const targetOf = (edge: RawEdge) => (edge.from === edge.to ? null : edge.to);
  const sources = new Map<string, Set<StateId>>();
  for (const edge of raw) {
    const key = JSON.stringify([edge.event, targetOf(edge)]);
    sources.set(key, (sources.get(key) ?? new Set()).add(edge.from));
  }
  // With two open states or fewer the arrows are few enough to draw.
  const everywhere = [...sources]
    .filter(([, from]) => open.length > 2 && open.every((state) => from.has(state)))
    .map(([key]) => JSON.parse(key) as [string, StateId | null]);
  const isEverywhere = (edge: RawEdge) => everywhere.some(([event, to]) => edge.event === event && targetOf(edge) === to);
  return {
    nodes,
    edges: mergeEdges(raw.filter((edge) => !isEverywhere(edge))),
    fromEveryOpenState: everywhere.map(([event, to]) => ({ event, to })),
  };
}

function mergeEdges(edges: RawEdge[]): ChartEdge[] {
  const merged = new Map<string, ChartEdge>();
  for (const { from, to, event } of edges) {
    const key = `${from}\u0000${to}`;
    const edge = merged.get(key) ?? { from, to, events: [] };
    if (!edge.events.includes(event)) edge.events.push(event);
    merged.set(key, edge);
  }
  return [...merged.values()];
}

/**
 * The drawing of a process graph, its arrows named by the events' labels ("Refer to the Secretary of
 * State"), as the definition words them for the state they leave; without one, the types in words.
 */
export function chartFromGraph(graph: ProcessGraph, definition: ProcessDefinition | null): ChartModel {
  return toModel(graph.nodes, graph.edges.map((edge) => ({ ...edge, event: eventLabel(definition, edge.event, edge.from) })));
}

/** Changes only when the drawing's shape does, not its counts: layout is redone only then. */
export function shapeKey(model: ChartModel): string {
  return JSON.stringify([model.nodes.map((node) => [node.id, node.label]), model.edges, model.fromEveryOpenState]);
}
