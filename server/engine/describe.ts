import { routesOf, sourceStates, type CompiledProcess } from './catalogue.ts';
import type { EventDef } from './definition.ts';

/** Where an event leads: its target, its routed targets, or (for a recording event) where it starts. */
export function targetsOf(event: EventDef, from: string[]): string[] {
  const routes = routesOf(event).map((r) => r.to);
  return routes.length > 0 ? [...new Set(routes)] : from;
}

/** A process definition as the API publishes it: enough for a client to draw and drive it. */
export function describeProcess(process: CompiledProcess) {
  const { def } = process;
  return {
    id: def.id,
    title: def.title,
    description: def.description ?? null,
    version: def.version,
    start: { label: def.start.label ?? `Start: ${def.title}`, roles: def.start.roles, form: def.start.form ?? null, to: routesOf(def.start).map((r) => r.to) },
    states: Object.entries(def.states).map(([id, s]) => ({ id, label: s.label, description: s.description ?? null, final: s.final === true })),
    events: def.events.map((event) => {
      const from = sourceStates(event, def.states);
      const to = targetsOf(event, from);
      return {
        type: event.type,
        label: event.label,
        description: event.description ?? null,
        from,
        to: event.routes !== undefined || (event.to === undefined && to.length > 1) ? to : to[0]!,
        roles: event.roles,
        form: event.form ?? null,
      };
    }),
    deadlines: Object.entries(def.deadlines ?? {}).map(([id, d]) => ({ id, label: d.label, description: d.description ?? null, satisfiedBy: d.satisfiedBy ?? null })),
  };
}

/** The statechart's edges: one per source state and target of every event. */
export function edgesOf(process: CompiledProcess): { from: string; to: string; event: string }[] {
  const { def } = process;
  return def.events.flatMap((event) => {
    const from = sourceStates(event, def.states);
    return from.flatMap((state) => {
      const targets = event.to === undefined && event.routes === undefined ? [state] : targetsOf(event, from);
      return targets.map((to) => ({ from: state, to, event: event.type }));
    });
  });
}
