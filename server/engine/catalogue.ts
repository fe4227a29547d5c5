import { setup, type AnyStateMachine } from 'xstate';
import type { Condition, EventDef, PartnershipDef, ProcessDef, Route, StateDef, TransitionDef } from './definition.ts';
import type { WorkingDayCalendar } from './dates/index.ts';
import { evaluateCondition, type EvalEnv } from './expressions.ts';
import type { CompiledForm } from './forms.ts';

/** A process ready to run: its definition, its XState machine and its events indexed by state. */
export interface CompiledProcess {
  readonly def: ProcessDef;
  readonly machine: AnyStateMachine;
  /** state id → event type → the one definition of that event leaving that state. */
  readonly events: ReadonlyMap<string, ReadonlyMap<string, EventDef>>;
}

export interface CompiledPartnership {
  readonly def: PartnershipDef;
  readonly calendar: WorkingDayCalendar;
  readonly processes: ReadonlyMap<string, CompiledProcess>;
  readonly forms: ReadonlyMap<string, CompiledForm>;
}

export interface Catalogue {
  readonly partnerships: ReadonlyMap<string, CompiledPartnership>;
}

/**
 * The machine's own starting point, before a case exists. Config state ids are kebab-case,
 * so this name cannot collide with one; it never appears in the API or the graph.
 */
export const NEW_CASE_STATE = '__new';
export const CREATE_EVENT = 'CREATE';

/** The XState event: the engine passes the evaluation environment along with the type. */
export interface MachineEvent {
  type: string;
  env: EvalEnv;
}

/**
 * Expands `from: "*"` to every non-final state, in the order the states are written; for a
 * correction, to every state: a closed case's record can be wrong too.
 */
export function sourceStates(event: EventDef, states: Record<string, StateDef>): string[] {
  if (event.from !== '*') return event.from;
  return Object.entries(states)
    .filter(([, state]) => event.corrects !== undefined || !state.final)
    .map(([id]) => id);
}

/** The routes of a transition: a plain `to` is one unconditional route. */
export function routesOf(transition: TransitionDef): Route[] {
  return transition.routes ?? (transition.to === undefined ? [] : [{ to: transition.to }]);
}

function xstateTransitions(transition: TransitionDef): { target?: string; guard?: { type: 'condition'; params: { condition: Condition } } }[] {
  // An event with no target is a targetless transition: it happens, and the case stays put.
  if (transition.to === undefined && transition.routes === undefined) return [{}];
  return routesOf(transition).map((route) => ({
    target: route.to,
    ...(route.when === undefined ? {} : { guard: { type: 'condition' as const, params: { condition: route.when } } }),
  }));
}

/**
 * Compiles a process to an XState v5 machine. Guards are named and parametrised, their one
 * implementation registered through `setup()`, so the config names behaviour and never contains it.
 * Guards with messages are checked by the engine before the machine is asked (to say *why* an event
 * is refused); the machine decides only where a routed event goes.
 */
export function compileProcess(def: ProcessDef): CompiledProcess {
  const events = new Map<string, Map<string, EventDef>>();
  const on = new Map<string, Record<string, ReturnType<typeof xstateTransitions>>>();
  for (const event of def.events) {
    for (const state of sourceStates(event, def.states)) {
      if (!events.has(state)) events.set(state, new Map());
      events.get(state)!.set(event.type, event);
      on.set(state, { ...on.get(state), [event.type]: xstateTransitions(event) });
    }
  }
  const states = Object.fromEntries(
    Object.entries(def.states).map(([id, state]) => [
      id,
      state.final ? { type: 'final' as const } : { on: on.get(id) ?? {} },
    ]),
  );
  const machine = setup({
    types: { events: {} as MachineEvent, context: {} as { data: Record<string, unknown> } },
    guards: {
      condition: ({ event }, params: { condition: Condition }) =>
        evaluateCondition(params.condition, event.env),
    },
  }).createMachine({
    id: def.id,
    initial: NEW_CASE_STATE,
    context: { data: {} },
    states: { [NEW_CASE_STATE]: { on: { [CREATE_EVENT]: xstateTransitions(def.start) } }, ...states },
  });
  return { def, machine, events };
}
