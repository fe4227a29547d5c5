import type { Condition, Effect, EventDef, Held, PartnershipDef, ProcessDef, ReportTableDef, TransitionDef, ValueExpr } from '../engine/definition.ts';
import { PSEUDO_ROLES } from '../engine/definition.ts';
import { CREATE_EVENT, routesOf, sourceStates } from '../engine/catalogue.ts';
import { CALENDAR_CHANGED_EVENT } from '../engine/project.ts';
import { isTimeZone } from '../engine/dates/index.ts';
import { problemAt, type ConfigProblem, type PathSegment, type SourceFile } from './source.ts';

/** What the cross-checks need to know of a partnership's forms: their ids and top-level fields. */
export type FormFields = ReadonlyMap<string, ReadonlySet<string>>;

export interface ProcessSource {
  source: SourceFile;
  def: ProcessDef;
}

export interface PartnershipSource {
  source: SourceFile;
  def: PartnershipDef;
  processes: ProcessSource[];
  forms: FormFields;
  /** The forms' JSON Schemas, for checks on a field's type (`reports.caseDate` must be a date); skipped without them. */
  formSchemas?: ReadonlyMap<string, Record<string, unknown>>;
}

/**
 * Checks what a schema cannot: that every name a config uses refers to something that exists
 * (states, roles, forms, fields, deadlines, tasks, conditions, dates, other processes), and that
 * every state can be reached and can reach an end.
 */
export function crossCheck(
  partnership: PartnershipSource,
  calendars: ReadonlySet<string>,
  malformed: ReadonlySet<string> = new Set(),
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { def, source } = partnership;
  const report = (src: SourceFile, path: PathSegment[], message: string) => problems.push(problemAt(src, path, message));

  if (!calendars.has(def.calendar)) {
    report(source, ['calendar'], `unknown calendar "${def.calendar}"; calendars: ${[...calendars].join(', ')}`);
  }
  if (!isTimeZone(def.timeZone)) {
    report(source, ['timeZone'], `unknown time zone "${def.timeZone}"; write an IANA name such as Europe/London`);
  }
  def.roles.forEach((role, i) => {
    if (Object.values(PSEUDO_ROLES).includes(role.id as never)) report(source, ['roles', i, 'id'], `"${role.id}" is the engine's own role name; call this role something else`);
  });
  reportDuplicates(def.roles.map((r) => r.id), 'role', (i, m) => report(source, ['roles', i, 'id'], m));
  reportDuplicates(def.statutoryPartners.map((p) => p.id), 'statutory partner', (i, m) => report(source, ['statutoryPartners', i, 'id'], m));
  reportDuplicates((def.groups ?? []).map((g) => g.id), 'group', (i, m) => report(source, ['groups', i, 'id'], m));
  const heldBackwards = (entry: Held, path: PathSegment[]) => {
    if (entry.from !== undefined && entry.until !== undefined && entry.until < entry.from) report(source, path, `held until ${entry.until}, before it began on ${entry.from}`);
  };
  def.statutoryPartners.forEach((p, i) => {
    heldBackwards(p, ['statutoryPartners', i]);
    (p.names ?? []).forEach((n, j) => heldBackwards(n, ['statutoryPartners', i, 'names', j]));
  });
  (def.groups ?? []).forEach((g, i) => {
    heldBackwards(g, ['groups', i]);
    (g.chairs ?? []).forEach((c, j) => heldBackwards(c, ['groups', i, 'chairs', j]));
    (g.replaces ?? []).forEach((id, j) => {
      if (!(def.groups ?? []).some((other) => other.id === id)) report(source, ['groups', i, 'replaces', j], `unknown group "${id}"; list the group it replaces under \`groups\`, with the date it ended`);
    });
  });

  for (const process of partnership.processes) {
    try {
      new ProcessChecker(partnership, process, (path, message) => report(process.source, path, message)).all();
    } catch (error) {
      // A file that breaks its schema may break the checks' assumptions too; its schema problems are reported already.
      if (!malformed.has(process.source.file)) throw error;
    }
  }
  return problems;
}

/** A top-level property of a form that holds a date (`type: string, format: date`), through `#/…` references. */
function isDateField(schema: Record<string, unknown>, field: string): boolean {
  const resolve = (node: unknown, depth = 0): Record<string, unknown> | undefined => {
    if (node === null || typeof node !== 'object' || depth > 10) return undefined;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return node as Record<string, unknown>;
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), schema);
    return resolve(target, depth + 1);
  };
  const property = resolve((schema.properties as Record<string, unknown> | undefined)?.[field]);
  return property !== undefined && property.format === 'date' && (property.type === undefined || property.type === 'string');
}

/** An event that completes what is still owed on a closed case (a letter, feedback): it never moves the case. */
function isFollowUp(event: EventDef): boolean {
  return event.to === undefined && event.routes === undefined && (event.effects ?? []).length > 0 && event.effects!.every((e) => 'completeTask' in e);
}

/** Step types the engine writes itself: a configured event of the same name would be read as one of them. */
const RESERVED_EVENTS: readonly string[] = [CREATE_EVENT, CALENDAR_CHANGED_EVENT];

function reportDuplicates(ids: string[], what: string, report: (index: number, message: string) => void): void {
  ids.forEach((id, index) => {
    if (ids.indexOf(id) !== index) report(index, `${what} "${id}" is listed twice`);
  });
}

class ProcessChecker {
  private readonly def: ProcessDef;
  private readonly roles: Set<string>;
  private readonly fields: Set<string>;

  constructor(
    private readonly partnership: PartnershipSource,
    process: ProcessSource,
    private readonly report: (path: PathSegment[], message: string) => void,
  ) {
    this.def = process.def;
    this.roles = new Set([...partnership.def.roles.map((r) => r.id), PSEUDO_ROLES.raiser, PSEUDO_ROLES.system]);
    this.fields = this.formFields();
  }

  all(): void {
    const { def } = this;
    if (!Object.values(def.states).some((s) => s.final)) this.report(['states'], 'no state is final; mark the end states `final: true`');
    this.transition(def.start, ['start']);
    const seen = new Map<string, number>();
    def.events.forEach((event, index) => {
      const path = ['events', index];
      if (event.from !== '*') {
        event.from.forEach((state, i) => {
          if (!this.stateExists(state, [...path, 'from', i])) return;
          if (def.states[state]!.final && event.corrects === undefined && !isFollowUp(event)) {
            this.report(
              [...path, 'from', i],
              `"${event.type}" leaves "${state}", which is final; a final state has only corrections and follow-ups, events with no \`to\` whose effects only complete tasks`,
            );
          }
        });
      }
      for (const state of sourceStates(event, def.states)) {
        const key = `${state} ${event.type}`;
        if (seen.has(key)) this.report(path, `"${event.type}" is defined twice for state "${state}" (also event #${seen.get(key)! + 1}); merge them`);
        seen.set(key, index);
      }
      if (RESERVED_EVENTS.includes(event.type)) this.report([...path, 'type'], `"${event.type}" is the engine's own step in every history; call this event something else`);
      this.transition(event, path);
      this.correction(event, path);
    });
    Object.entries(def.states).forEach(([id, state]) => {
      (state.timers ?? []).forEach((timer, i) => {
        const path = ['states', id, 'timers', i];
        const event = def.events.find((e) => e.type === timer.event && sourceStates(e, def.states).includes(id));
        if (event === undefined) this.report([...path, 'event'], `timer event "${timer.event}" does not leave state "${id}"; add it to the events`);
        else if (!event.roles.includes(PSEUDO_ROLES.system)) this.report([...path, 'event'], `timer event "${timer.event}" must list the role "system"`);
        this.value(timer.at, [...path, 'at']);
      });
    });
    Object.entries(def.conditions ?? {}).forEach(([name, condition]) => this.condition(condition, ['conditions', name]));
    this.conditionCycles();
    Object.entries(def.lists ?? {}).forEach(([id, list]) => {
      const path = ['lists', id];
      [list.key, ...list.fields].forEach((f, i) => this.field(f, i === 0 ? [...path, 'key'] : [...path, 'fields', i - 1]));
      if (list.matchBy !== undefined && !list.fields.includes(list.matchBy)) this.report([...path, 'matchBy'], `"${list.matchBy}" is not one of the list's fields`);
      if (list.status !== undefined && !list.fields.includes(list.status.field)) this.report([...path, 'status', 'field'], `"${list.status.field}" is not one of the list's fields`);
      if (list.closedOn !== undefined && !list.fields.includes(list.closedOn)) this.report([...path, 'closedOn'], `"${list.closedOn}" is not one of the list's fields`);
      Object.entries(list.defaults ?? {}).forEach(([field, value]) => {
        if (!list.fields.includes(field)) this.report([...path, 'defaults', field], `"${field}" is not one of the list's fields`);
        this.value(value, [...path, 'defaults', field]);
      });
      if (!def.events.some((e) => (e.effects ?? []).some((x) => 'updateItem' in x && x.updateItem === id))) this.report(path, `no event updates the list "${id}"; add an effect \`updateItem: ${id}\``);
    });
    Object.entries(def.deadlines ?? {}).forEach(([id, deadline]) => {
      if (deadline.each !== undefined) {
        const list = def.lists?.[deadline.each];
        if (list === undefined) return this.report(['deadlines', id, 'each'], `unknown list "${deadline.each}"; define it under \`lists\``);
        // Read on the item: its fields are the list's.
        if (deadline.satisfiedBy !== undefined && !list.fields.includes(deadline.satisfiedBy)) this.report(['deadlines', id, 'satisfiedBy'], `"${deadline.satisfiedBy}" is not one of the fields of the list "${deadline.each}"`);
        return;
      }
      this.value(deadline.due, ['deadlines', id, 'due']);
      if (deadline.satisfiedBy !== undefined) this.field(deadline.satisfiedBy, ['deadlines', id, 'satisfiedBy']);
    });
    const log = def.reports?.escalationLog;
    log?.reason.forEach((f, i) => this.field(f, ['reports', 'escalationLog', 'reason', i]));
    log?.outcome.forEach((f, i) => this.field(f, ['reports', 'escalationLog', 'outcome', i]));
    def.reports?.outcomes?.forEach((o, i) => {
      // CREATE counts what a case was started with (the start form's answers).
      if (o.event !== CREATE_EVENT && !def.events.some((e) => e.type === o.event)) this.report(['reports', 'outcomes', i, 'event'], `unknown event "${o.event}"`);
      this.field(o.field, ['reports', 'outcomes', i, 'field']);
    });
    if (def.reports?.caseDate !== undefined) this.caseDate(def.reports.caseDate);
    def.reports?.tables?.forEach((table, i) => this.reportTable(table, ['reports', 'tables', i]));
    Object.entries(def.tasks ?? {}).forEach(([id, task]) => {
      for (const [, duty] of task.label.matchAll(/\{(?:group|chair):([a-z0-9-]+)\}/g)) {
        if (!(this.partnership.def.groups ?? []).some((g) => g.duties?.includes(duty!))) {
          this.report(['tasks', id, 'label'], `no group of ${this.partnership.def.id} has the duty "${duty}"; give one \`duties: [${duty}]\` under \`groups\` in the partnership file`);
        }
      }
    });
    this.access();
    this.reachability();
  }

  /**
   * A correction event: its type starts with CORRECT, it names the fields it corrects, all of them
   * (and only them, with `reason`) in its form, which requires a non-empty `reason`; it never moves
   * the case, so it has no target, routes, effects or guards.
   */
  private correction(event: EventDef, path: PathSegment[]): void {
    const named = event.type.startsWith('CORRECT');
    if (event.corrects === undefined) {
      if (named) this.report([...path, 'type'], `"${event.type}" reads as a correction: list the facts it corrects under \`corrects\`, or rename it`);
      return;
    }
    if (!named) this.report([...path, 'type'], `a correction's type starts with CORRECT (for example CORRECT_DATES), not "${event.type}"`);
    for (const key of ['to', 'routes', 'effects', 'guards'] as const) {
      if (event[key] !== undefined) this.report([...path, key], `a correction never moves the case and has no ${key}; remove \`${key}\``);
    }
    const form = event.form;
    if (form === undefined || form === null) return this.report([...path, 'form'], 'a correction needs a form with the fields it corrects and a required `reason`');
    const fields = this.partnership.forms.get(form);
    if (fields === undefined) return; // reported as an unknown form already
    event.corrects.forEach((field, i) => {
      if (!fields.has(field)) this.report([...path, 'corrects', i], `"${field}" is not a field of the form "${form}"; fields: ${[...fields].join(', ')}`);
    });
    for (const field of fields) {
      if (field !== 'reason' && !event.corrects.includes(field)) this.report([...path, 'corrects'], `the form "${form}" has "${field}", which \`corrects\` does not list`);
    }
    const schema = this.partnership.formSchemas?.get(form);
    const reason = (schema?.properties as Record<string, { minLength?: number }> | undefined)?.reason;
    if (schema !== undefined && (!((schema.required as string[] | undefined) ?? []).includes('reason') || (reason?.minLength ?? 0) < 1)) {
      this.report([...path, 'form'], `the form "${form}" must require a non-empty \`reason\` (required: [reason] and minLength: 1)`);
    }
  }

  /** `reports.caseDate` is a date field of the start form: the case's own date, known from its creation. */
  private caseDate(field: string): void {
    const path = ['reports', 'caseDate'];
    const form = this.def.start.form;
    if (form == null) return this.report(path, `caseDate "${field}" needs a start form that has it; the start has no form`);
    if (!this.partnership.forms.has(form)) return; // reported at the start's form already
    if (!this.partnership.forms.get(form)!.has(field)) {
      return this.report(path, `caseDate "${field}" is not a field of the start form "${form}"; fields: ${[...this.partnership.forms.get(form)!].join(', ')}`);
    }
    const schema = this.partnership.formSchemas?.get(form);
    if (schema !== undefined && !isDateField(schema, field)) {
      this.report(path, `caseDate "${field}" must be a date field of the start form "${form}" (type string, format date)`);
    }
  }

  /** `access.read`: real roles of the partnership, and nobody who may start a case unable to read it. */
  private access(): void {
    const read = this.def.access?.read;
    if (read === undefined) return; // the schema requires it, and says so
    const roles = new Set(this.partnership.def.roles.map((r) => r.id));
    read.roles.forEach((role, i) => {
      const path = ['access', 'read', 'roles', i];
      if (role === PSEUDO_ROLES.raiser) this.report(path, `"${role}" is not a role here: write \`raiser: true\` to let the person who raised a case read it`);
      else if (role === PSEUDO_ROLES.system) this.report(path, `"${role}" is the engine's own role and reads nothing; remove it`);
      else if (!roles.has(role)) this.report(path, `unknown role "${role}"; roles of ${this.partnership.def.id}: ${[...roles].join(', ')}`);
    });
    if (read.raiser !== true) {
      for (const role of this.def.start.roles.filter((r) => roles.has(r) && !read.roles.includes(r))) {
        this.report(['access', 'read'], `"${role}" may start a case but could not read it: add it to \`roles\` or write \`raiser: true\``);
      }
    }
    // A correction leaves every state, so it grants no reading: whoever may send one must read some other way.
    this.def.events.forEach((event, index) => {
      if (event.corrects === undefined) return;
      event.roles.forEach((role, i) => {
        const reads = role === PSEUDO_ROLES.system || (role === PSEUDO_ROLES.raiser ? read.raiser === true : read.roles.includes(role) || !roles.has(role));
        if (!reads) {
          const fix = role === PSEUDO_ROLES.raiser ? 'write `raiser: true` under access.read' : 'add it to access.read.roles';
          this.report(['events', index, 'roles', i], `"${role}" may correct these cases (${event.type}) but may not read them: ${fix}`);
        }
      });
    });
  }

  private formFields(): Set<string> {
    const fields = new Set<string>();
    const transitions: TransitionDef[] = [this.def.start, ...this.def.events];
    for (const t of transitions) {
      for (const f of (t.form && this.partnership.forms.get(t.form)) || []) fields.add(f);
    }
    // A list is a fact of the case too, kept by the engine from the answers that update it.
    for (const list of Object.keys(this.def.lists ?? {})) fields.add(list);
    return fields;
  }

  private stateExists(state: string, path: PathSegment[]): boolean {
    if (this.def.states[state] !== undefined) return true;
    this.report(path, `unknown state "${state}"; states: ${Object.keys(this.def.states).join(', ')}`);
    return false;
  }

  private transition(t: TransitionDef, path: PathSegment[]): void {
    t.roles.forEach((role, i) => {
      if (!this.roles.has(role)) this.report([...path, 'roles', i], `unknown role "${role}"; roles of ${this.partnership.def.id}: ${[...this.roles].join(', ')}`);
    });
    if (t.form != null && !this.partnership.forms.has(t.form)) {
      this.report([...path, 'form'], `form "${t.form}" does not exist; add forms/${this.partnership.def.id}/${t.form}.schema.json or fix the id`);
    }
    if (t.to !== undefined) this.stateExists(t.to, [...path, 'to']);
    t.routes?.forEach((route, i) => {
      this.stateExists(route.to, [...path, 'routes', i, 'to']);
      const last = i === t.routes!.length - 1;
      if (last && route.when !== undefined) this.report([...path, 'routes', i], 'the last route must have no `when`: it is where everything else goes');
      if (!last && route.when === undefined) this.report([...path, 'routes', i], 'only the last route may omit `when`; the routes after it could never be taken');
      if (route.when !== undefined) this.condition(route.when, [...path, 'routes', i, 'when']);
    });
    t.guards?.forEach((guard, i) => this.condition(guard.check, [...path, 'guards', i, 'check']));
    if ('warnings' in t) (t as EventDef).warnings?.forEach((warning, i) => this.condition(warning.when, [...path, 'warnings', i, 'when']));
    t.effects?.forEach((effect, i) => this.effect(effect, [...path, 'effects', i]));
  }

  private effect(effect: Effect, path: PathSegment[]): void {
    if (effect.when !== undefined) this.condition(effect.when, [...path, 'when']);
    if ('startDeadline' in effect) {
      if (this.def.deadlines?.[effect.startDeadline] === undefined) this.report([...path, 'startDeadline'], `unknown deadline "${effect.startDeadline}"; define it under \`deadlines\``);
    } else if ('createTasks' in effect) {
      if (this.def.tasks?.[effect.createTasks] === undefined) this.report([...path, 'createTasks'], `unknown task "${effect.createTasks}"; define it under \`tasks\``);
      if (effect.forEach !== undefined) this.value(effect.forEach, [...path, 'forEach']);
    } else if ('completeTask' in effect) {
      if (this.def.tasks?.[effect.completeTask] === undefined) this.report([...path, 'completeTask'], `unknown task "${effect.completeTask}"; define it under \`tasks\``);
      if (effect.key !== undefined) this.value(effect.key, [...path, 'key']);
    } else if ('updateItem' in effect) {
      if (this.def.lists?.[effect.updateItem] === undefined) this.report([...path, 'updateItem'], `unknown list "${effect.updateItem}"; define it under \`lists\``);
    } else {
      const { process, state, data } = effect.startCase;
      const target = this.partnership.processes.find((p) => p.def.id === process);
      if (target === undefined) this.report([...path, 'startCase', 'process'], `unknown process "${process}" in ${this.partnership.def.id}`);
      else if (target.def.states[state] === undefined) this.report([...path, 'startCase', 'state'], `process "${process}" has no state "${state}"`);
      Object.entries(data).forEach(([key, value]) => this.value(value, [...path, 'startCase', 'data', key]));
    }
  }

  /** What an annual report table names exists: a misspelt event or state would count nothing, silently. */
  private reportTable(table: ReportTableDef, path: PathSegment[]): void {
    const events = (names: readonly string[] | undefined, at: PathSegment[]) =>
      names?.forEach((e, i) => {
        if (e !== CREATE_EVENT && !this.def.events.some((x) => x.type === e)) this.report([...at, i], `unknown event "${e}"`);
      });
    const states = (names: readonly string[] | undefined, at: PathSegment[]) =>
      names?.forEach((s, i) => {
        if (this.def.states[s] === undefined) this.report([...at, i], `unknown state "${s}"`);
      });
    if (table.count === 'deadlines') {
      table.deadlines.forEach((d, i) => {
        if (this.def.deadlines?.[d] === undefined) this.report([...path, 'deadlines', i], `unknown deadline "${d}"; define it under \`deadlines\``);
      });
      return;
    }
    if (table.count === 'openAtYearEnd') return;
    if (table.count === 'events' || table.count === 'items') {
      events(table.events, [...path, 'events']);
      if (table.date !== undefined) this.field(table.date, [...path, 'date']);
    }
    if (table.count === 'events') states(table.to, [...path, 'to']);
    // An item's fields are the list's, not the forms': only the list itself is a field of the case.
    if (table.count === 'items') this.field(table.list, [...path, 'list']);
    else if (table.by !== undefined && 'field' in table.by) this.field(table.by.field, [...path, 'by', 'field']);
    if (table.by !== undefined && 'stateReached' in table.by) states(table.by.stateReached, [...path, 'by', 'stateReached']);
    table.rows?.forEach((row, i) => {
      events(row.events, [...path, 'rows', i, 'events']);
      if (table.count !== 'items' && row.when !== undefined) this.condition(row.when, [...path, 'rows', i, 'when']);
      if (row.date !== undefined) this.field(row.date, [...path, 'rows', i, 'date']);
    });
  }

  private field(name: string, path: PathSegment[]): void {
    const top = name.split('.')[0]!;
    if (!this.fields.has(top)) this.report(path, `unknown field "${name}": no form of this process has "${top}"`);
  }

  private condition(condition: Condition, path: PathSegment[]): void {
    const [key, operand] = Object.entries(condition)[0] as [string, unknown];
    const here = [...path, key];
    if (key === 'ref') {
      if (this.def.conditions?.[operand as string] === undefined) this.report(here, `unknown condition "${String(operand)}"; define it under \`conditions\``);
    } else if (key === 'all' || key === 'any' || key === 'implies') {
      (operand as Condition[]).forEach((c, i) => this.condition(c, [...here, i]));
    } else if (key === 'not') {
      this.condition(operand as Condition, here);
    } else if (Array.isArray(operand)) {
      operand.forEach((v, i) => this.value(v as ValueExpr, [...here, i]));
    } else {
      this.value(operand as ValueExpr, here);
    }
  }

  private value(value: ValueExpr, path: PathSegment[]): void {
    if (value === null || typeof value !== 'object') return;
    const [key, operand] = Object.entries(value)[0] as [string, unknown];
    const here = [...path, key];
    switch (key) {
      case 'field':
        return this.field(operand as string, here);
      case 'date':
        if (this.partnership.def.dates?.[operand as string] === undefined) this.report(here, `unknown date "${String(operand)}"; add it under \`dates\` in the partnership file`);
        return;
      case 'deadline':
        if (this.def.deadlines?.[operand as string] === undefined) this.report(here, `unknown deadline "${String(operand)}"`);
        return;
      case 'group':
        if (!(this.partnership.def.groups ?? []).some((g) => g.duties?.includes(operand as string))) {
          this.report(here, `no group of ${this.partnership.def.id} has the duty "${String(operand)}"; give one \`duties: [${String(operand)}]\` under \`groups\` in the partnership file`);
        }
        return;
      case 'pluck':
      case 'sum':
        return this.value((operand as { from: ValueExpr }).from, [...here, 'from']);
      case 'earliest':
      case 'firstPresent':
      case 'without':
        return (operand as ValueExpr[]).forEach((v, i) => this.value(v, [...here, i]));
      case 'workingDaysAfter':
      case 'workingDaysBefore':
      case 'calendarDaysAfter':
      case 'monthsAfter':
        return this.value((operand as [ValueExpr, number])[0], [...here, 0]);
      default:
        return;
    }
  }

  private conditionCycles(): void {
    const named = this.def.conditions ?? {};
    const refsOf = (c: unknown): string[] =>
      c !== null && typeof c === 'object'
        ? Object.entries(c).flatMap(([k, v]) => (k === 'ref' ? [v as string] : refsOf(v)))
        : [];
    const visit = (name: string, trail: string[]): void => {
      if (trail.includes(name)) {
        this.report(['conditions', name], `condition "${name}" refers to itself through ${[...trail, name].join(' → ')}`);
        return;
      }
      for (const next of refsOf(named[name])) if (named[next] !== undefined) visit(next, [...trail, name]);
    };
    for (const name of Object.keys(named)) visit(name, []);
  }

  /** Every state reachable from the start, and every non-final state able to reach a final one. */
  private reachability(): void {
    const { def } = this;
    const next = new Map<string, Set<string>>(Object.keys(def.states).map((s) => [s, new Set()]));
    for (const event of def.events) {
      for (const from of sourceStates(event, def.states)) for (const route of routesOf(event)) next.get(from)?.add(route.to);
    }
    const reached = new Set<string>();
    const queue = routesOf(def.start).map((r) => r.to);
    while (queue.length > 0) {
      const state = queue.pop()!;
      if (reached.has(state) || def.states[state] === undefined) continue;
      reached.add(state);
      queue.push(...next.get(state)!);
    }
    for (const [id, state] of Object.entries(def.states)) {
      if (!reached.has(id)) this.report(['states', id], `state "${id}" cannot be reached from the start; add an event that leads to it or remove it`);
      else if (!state.final && !this.reachesFinal(id, next)) this.report(['states', id], `state "${id}" can never reach a final state; cases would be stuck there`);
    }
  }

  private reachesFinal(start: string, next: Map<string, Set<string>>): boolean {
    const seen = new Set<string>();
    const queue = [start];
    while (queue.length > 0) {
      const state = queue.pop()!;
      if (seen.has(state)) continue;
      seen.add(state);
      if (this.def.states[state]?.final) return true;
      queue.push(...(next.get(state) ?? []));
    }
    return false;
  }
}
