import { createHash } from 'node:crypto';
import { setup, type AnyStateMachine } from 'xstate';
import type { Condition, EventDef, PartnershipDef, ProcessDef, Route, StateDef, TransitionDef } from './definition.ts';
import type { WorkingDayCalendar } from './dates/index.ts';
import { evaluateCondition, type EvalEnv } from './expressions.ts';
import { createFormCompiler, type CompiledForm, type FormDef } from './forms.ts';

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
  /** The newest version of each configured process: what new cases start on. */
  readonly processes: ReadonlyMap<string, CompiledProcess>;
  /** The forms of the newest versions (the files). A case validates against its own version's: see `processVersion`. */
  readonly forms: ReadonlyMap<string, CompiledForm>;
  /**
   * Every stored version of each process, by process id and version number (`def.version`), the
   * newest among them. Absent on a catalogue read from the files alone (`loadCatalogue`), whose one
   * version of each process stands for every number: see `processVersion`.
   */
  readonly versions?: ReadonlyMap<string, ReadonlyMap<number, ProcessVersion>>;
  /** Process id → the template its file extends, for the processes written as a difference from one. */
  readonly extended?: ReadonlyMap<string, string>;
}

/** A process template on its own, with the template forms it uses: what a partnership's variant differs from. */
export interface CompiledTemplate {
  readonly process: CompiledProcess;
  readonly forms: ReadonlyMap<string, CompiledForm>;
}

/** One immutable version of a process: its definition and the forms it uses, as stored. */
export interface ProcessVersion {
  readonly version: number;
  /** sha256 of `content`. */
  readonly hash: string;
  /** When this server first stored it (ISO). */
  readonly createdAt: string;
  /** How it came: read from the files at start-up, or published through the app by `publishedBy`. */
  readonly origin: VersionOrigin;
  readonly publishedBy: string | null;
  /** The compiled process (its `def.version` is this number). */
  readonly compiled: CompiledProcess;
  /** The partnership as this version sees it: its forms are this version's (Ajv-compiled on first use). */
  readonly partnership: CompiledPartnership;
}

export interface Catalogue {
  readonly partnerships: ReadonlyMap<string, CompiledPartnership>;
  /** The process templates of the files, by id (see server/config/templates.ts). */
  readonly templates?: ReadonlyMap<string, CompiledTemplate>;
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

/** What a version is made of: the process definition and every form it uses, each as written. */
export interface VersionContent {
  process: Omit<ProcessDef, 'version'>;
  forms: Record<string, Pick<FormDef, 'schema' | 'ui'>>;
}

/** The ids of the forms a process uses: its start's and its events'. */
export function formsOf(def: Pick<ProcessDef, 'start' | 'events'>): string[] {
  const ids = [def.start.form, ...def.events.map((e) => e.form)].filter((f): f is string => typeof f === 'string');
  return [...new Set(ids)].sort();
}

/**
 * A version's content as stored and hashed: JSON of the resolved definition (without `version`,
 * which is the stored number) and of the forms it uses. Keys keep the order they are written in,
 * since that order means something (states and fields are shown in it, `from: "*"` expands in it);
 * comments, layout and YAML anchors do not count, and the same files always give the same text.
 */
export function versionContent(partnership: CompiledPartnership, process: CompiledProcess): string {
  const { version: _number, ...def } = process.def;
  const forms: VersionContent['forms'] = {};
  for (const id of formsOf(def)) {
    const form = partnership.forms.get(id);
    if (form !== undefined) forms[id] = { schema: form.schema, ui: form.ui };
  }
  return JSON.stringify({ process: def, forms } satisfies VersionContent);
}

export function contentHash(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Where a version came from: the files at start-up, or an upload published through the app. */
export type VersionOrigin = 'files' | 'upload';

/** A stored version, as the store returns it. */
export interface StoredVersion {
  partnership: string;
  process: string;
  version: number;
  hash: string;
  content: string;
  createdAt: string;
  origin: VersionOrigin;
  publishedBy: string | null;
}

/**
 * The catalogue with every stored version of each process. The newest of a process is the
 * files' own compiled process when its content is the files' (the usual case); any other version is
 * compiled from its stored JSON here (its statechart at once, so a stored version this code cannot
 * run stops start-up), its forms with Ajv on first use, each form that is the same as the files'
 * reusing the files' compiled one. `processes` becomes the newest stored version of each process.
 */
export function withVersions(catalogue: Catalogue, stored: readonly StoredVersion[]): Catalogue {
  const partnerships = new Map<string, CompiledPartnership>();
  for (const [id, files] of catalogue.partnerships) {
    const byProcess = new Map<string, StoredVersion[]>();
    for (const row of stored.filter((r) => r.partnership === id)) byProcess.set(row.process, [...(byProcess.get(row.process) ?? []), row]);
    const versions = new Map<string, Map<number, ProcessVersion>>();
    const newest = new Map(files.processes);
    const sameForm = new Map([...files.forms].map(([formId, form]) => [formId, JSON.stringify({ schema: form.schema, ui: form.ui })]));
    let compileForm: ReturnType<typeof createFormCompiler> | undefined;
    const partnership: CompiledPartnership = { ...files, processes: newest, versions };
    for (const [processId, rows] of byProcess) {
      const fileProcess = files.processes.get(processId);
      const fileHash = fileProcess === undefined ? undefined : contentHash(versionContent(files, fileProcess));
      const numbered = new Map<number, ProcessVersion>();
      for (const row of [...rows].sort((a, b) => a.version - b.version)) {
        const content = JSON.parse(row.content) as VersionContent;
        const compiled =
          row.hash === fileHash ? compileProcess({ ...fileProcess!.def, version: row.version }) : compileProcess({ ...(content.process as ProcessDef), version: row.version });
        let forms: ReadonlyMap<string, CompiledForm> | undefined;
        const versionForms = () =>
          (forms ??= new Map([
            ...files.forms,
            ...Object.entries(content.forms).map(([formId, form]): [string, CompiledForm] => {
              const reused = files.forms.get(formId);
              if (reused !== undefined && sameForm.get(formId) === JSON.stringify({ schema: form.schema, ui: form.ui })) return [formId, reused];
              compileForm ??= createFormCompiler();
              return [formId, compileForm({ id: formId, schema: form.schema, ui: form.ui })];
            }),
          ]));
        const view: CompiledPartnership = {
          def: files.def,
          calendar: files.calendar,
          processes: newest,
          versions,
          get forms() {
            return versionForms();
          },
        };
        numbered.set(row.version, { version: row.version, hash: row.hash, createdAt: row.createdAt, origin: row.origin, publishedBy: row.publishedBy, compiled, partnership: view });
      }
      versions.set(processId, numbered);
      const last = [...numbered.values()].at(-1);
      // A process whose file is gone keeps its versions for its cases, but no new case starts on it.
      if (last !== undefined && fileProcess !== undefined) newest.set(processId, last.compiled);
    }
    partnerships.set(id, partnership);
  }
  return { ...catalogue, partnerships };
}

/**
 * The process a case runs on: version `version` of `processId`, with the partnership as that
 * version sees it (its forms). For a process with no stored version (a catalogue read from the files
 * alone, or a database from before versions were stored) the files' process stands for every number,
 * as the first start on that database will store it (see server/store/process-versions.ts).
 * Undefined when there is no such version.
 */
export function processVersion(
  partnership: CompiledPartnership,
  processId: string,
  version: number,
): { partnership: CompiledPartnership; process: CompiledProcess } | undefined {
  const versions = partnership.versions?.get(processId);
  if (versions === undefined) {
    // No version stored yet (the files alone, or a database not yet started on): the files' process.
    const process = partnership.processes.get(processId);
    return process === undefined ? undefined : { partnership, process };
  }
  const found = versions.get(version);
  return found === undefined ? undefined : { partnership: found.partnership, process: found.compiled };
}

/** Every version of every process of a partnership, newest last within each process. */
export function allProcessVersions(partnership: CompiledPartnership): CompiledProcess[] {
  const all: CompiledProcess[] = [];
  for (const [id, process] of partnership.processes) {
    const versions = partnership.versions?.get(id);
    all.push(...(versions === undefined ? [process] : [...versions.values()].map((v) => v.compiled)));
  }
  for (const [id, versions] of partnership.versions ?? []) {
    if (!partnership.processes.has(id)) all.push(...[...versions.values()].map((v) => v.compiled));
  }
  return all;
}
