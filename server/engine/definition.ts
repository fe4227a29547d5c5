/**
 * The shape of the declarative configuration, as the engine sees it after loading.
 * `workflows/workflow.schema.json` is the same shape as a JSON Schema for editors and
 * for the loader; keep the two in step (tests/config/schema.test.ts checks every file).
 */

/** `YYYY-MM-DD`, a date without a time zone: every rule in the catalogue is about days. */
export type IsoDate = string & { readonly __brand: 'IsoDate' };

export type Scalar = string | number | boolean | null;

/**
 * A value computed from the case. A bare scalar is a literal.
 * `field` reads the case data as it will be after the event (the event's data over the case's).
 */
export type ValueExpr =
  | Scalar
  | { field: string }
  | { date: string }
  | { today: true }
  | { deadline: string }
  | { statutoryPartners: true }
  | { pluck: { from: ValueExpr; key: string; where?: Record<string, Scalar> } }
  | { sum: { from: ValueExpr; key?: string } }
  | { without: [ValueExpr, ValueExpr] }
  | { workingDaysAfter: [ValueExpr, number] }
  | { workingDaysBefore: [ValueExpr, number] }
  | { calendarDaysAfter: [ValueExpr, number] }
  | { monthsAfter: [ValueExpr, number] }
  | { earliest: ValueExpr[] }
  | { firstPresent: ValueExpr[] };

/** A declarative condition; guards, routes, effects and named conditions use it. */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { implies: [Condition, Condition] }
  | { ref: string }
  | { isTrue: ValueExpr }
  | { present: ValueExpr }
  | { equals: [ValueExpr, ValueExpr] }
  | { before: [ValueExpr, ValueExpr] }
  | { onOrBefore: [ValueExpr, ValueExpr] }
  | { includes: [ValueExpr, ValueExpr] }
  | { includesAll: [ValueExpr, ValueExpr] };

export interface Guard {
  id: string;
  /** Shown to the person whose event it refuses: say what to change. */
  message: string;
  check: Condition;
}

export interface Route {
  when?: Condition;
  to: string;
}

export type Effect =
  | { startDeadline: string; when?: Condition }
  | { createTasks: string; forEach?: ValueExpr; when?: Condition }
  | { completeTask: string; key?: ValueExpr; when?: Condition }
  | {
      startCase: {
        process: string;
        state: string;
        relation: string;
        reverseRelation: string;
        data: Record<string, ValueExpr>;
      };
      when?: Condition;
    };

export interface StateDef {
  label: string;
  description?: string;
  final?: boolean;
  /** Events the engine sends by itself once a date has come (durable timers). */
  timers?: { event: string; at: ValueExpr }[];
}

export interface TransitionDef {
  roles: string[];
  form?: string | null;
  guards?: Guard[];
  /** The target; with neither `to` nor `routes` the case stays where it is (a recording event). */
  to?: string;
  routes?: Route[];
  effects?: Effect[];
}

export interface EventDef extends TransitionDef {
  type: string;
  label: string;
  description?: string;
  /** State ids, or `"*"` for every non-final state (every state, final ones too, for a correction). */
  from: string[] | '*';
  /**
   * Makes this a correction event (its type starts with `CORRECT`): the facts it may change. It is the
   * only way a recorded fact changes; its form requires a non-empty `reason`, and it never moves the case.
   */
  corrects?: string[];
  /** Said before the event is sent when their condition holds on the case; they never refuse it. */
  warnings?: EventWarning[];
}

export interface EventWarning {
  id: string;
  when: Condition;
  message: string;
}

export interface StartDef extends TransitionDef {
  label?: string;
}

export interface DeadlineDef {
  label: string;
  description?: string;
  due: ValueExpr;
  /** The date field that meets it; none for a deadline that only says how long something lasts. */
  satisfiedBy?: string;
}

export interface TaskDef {
  /** `{item}` is replaced by the item, `{itemLabel}` by its label (a statutory partner's name). */
  label: string;
}

export interface ReportsDef {
  escalationLog?: { reason: string[]; outcome: string[] };
  outcomes?: { event: string; field: string; label?: string }[];
  /**
   * The date field of the start form that says when the case happened (a serious incident's
   * `awareOn`): reports count the case in the period of that date. Without it, or on a case whose
   * data lacks it, the date the case was recorded, in the partnership's time zone.
   */
  caseDate?: string;
}

/**
 * Who may read a process's cases beyond those whose roles may send an event leaving the case's
 * current state (they always may). Lists, counts, reports and logs show only readable cases.
 */
export interface AccessDef {
  read: {
    /** Roles that may read every case of the process. */
    roles: string[];
    /** The person who raised (created) the case. */
    raiser?: boolean;
    /** Everyone who sent an event on the case (its history's `by`). */
    participants?: boolean;
  };
}

export interface ProcessDef {
  id: string;
  title: string;
  description?: string;
  /**
   * The stored version number (server/store/process-versions.ts), not written in the files: 1 on a
   * catalogue read from the files alone. A case's `processVersion` names the version it runs on.
   */
  version: number;
  start: StartDef;
  states: Record<string, StateDef>;
  events: EventDef[];
  conditions?: Record<string, Condition>;
  deadlines?: Record<string, DeadlineDef>;
  tasks?: Record<string, TaskDef>;
  reports?: ReportsDef;
  /**
   * Need to know: who may read the cases. Every configuration file must say (the schema requires
   * it); a definition built in code without it lets only those who may act now read a case.
   */
  access?: AccessDef;
}

export interface StatutoryPartner {
  id: string;
  label: string;
  kind: 'local-authority' | 'health' | 'police';
}

export interface RoleDef {
  id: string;
  label: string;
  description?: string;
  /** May change the partnership's processes in the app (the business unit). */
  configures?: boolean;
}

export interface PartnershipDef {
  id: string;
  name: string;
  calendar: string;
  /** IANA zone whose dates are the partnership's days (`Europe/London`). */
  timeZone: string;
  statutoryPartners: StatutoryPartner[];
  roles: RoleDef[];
  dates?: Record<string, string>;
  /** Deadline reminders: this many working days before a deadline is due (default 2), and on the day it becomes overdue. */
  reminders?: { workingDaysBefore?: number };
}

/** Pseudo-roles the engine grants itself: the case's creator, and the engine's own timers. */
export const PSEUDO_ROLES = { raiser: 'raiser', system: 'system' } as const;
