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
  /** The label of the partnership's group that holds this duty on the step's date (`groups` in the partnership file). */
  | { group: string }
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
  /** Adds the item the step's answers describe to a list of the case (`lists`), or updates the one it names. */
  | { updateItem: string; when?: Condition }
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
  /** With `each`, `{item}` is replaced by the item's id and `{item.x}` by its field `x`. */
  label: string;
  description?: string;
  /** With `each`, read on the item: `{field: due}` is the item's `due`. */
  due: ValueExpr;
  /** The date field that meets it; none for a deadline that only says how long something lasts. With `each`, the item's field. */
  satisfiedBy?: string;
  /**
   * One deadline per item of this list (`lists`), id `<deadline>-<item id>`, started when the item
   * is added with a due date and moved when an update changes it while the item is open.
   */
  each?: string;
}

/** A status an item of a list may have; `closes` marks the ones that end it (complete, no longer needed). */
export interface ItemStatus {
  id: string;
  label: string;
  closes?: boolean;
}

/**
 * A list the case keeps (an action plan's actions): events with `updateItem` add an item or update
 * one, keyed by its id. The list is a fact of the case (`data.<list>`), each item
 * `{id, ...fields, open, updatedOn}` plus `closedOn` once a closing status is given.
 */
export interface ListDef {
  label: string;
  /** The answer naming the item to update; when not given, see `matchBy`, else a new item numbered 1, 2, 3… */
  key: string;
  /** Without a key, the open or closed item with the same answer here (trimmed, any case) is the one updated. */
  matchBy?: string;
  /** The answers an item keeps; the step's other answers stay the step's own. */
  fields: string[];
  /** The answer that holds the status, and its values; a status given in other words is kept as written. */
  status?: { field: string; values: ItemStatus[] };
  /** The item's date field that records when it closed: the answer when given, else the step's date. */
  closedOn?: string;
  /** Values for fields the answers leave empty, evaluated on the step's date (a monitoring group from the partnership file). */
  defaults?: Record<string, ValueExpr>;
}

export interface TaskDef {
  /**
   * `{item}` is replaced by the item, `{itemLabel}` by its label (a statutory partner's name as it
   * was on the day the task was created), `{group:<duty>}` by the group holding that duty that day.
   */
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
  /**
   * The annual report's tables (server/cases/annual-report.ts): what to count in a financial year,
   * by the date things happened. Tables of the same id in several processes of a partnership are
   * one table whose rows of the same label add up (the vetoes and the appraisals are one group's referrals).
   */
  tables?: ReportTableDef[];
}

/** A row of a table, counting what its condition holds for (all, without one); `events` narrows an events table's steps. */
export interface ReportRowDef {
  label: string;
  when?: Condition;
  events?: string[];
  /** The row's own date field for its steps (a publication's `publishedOn`), else the table's. */
  date?: string;
}

/** A band of time taken: up to and including `upTo` days; the last band has no `upTo` and takes the rest. */
export interface ReportBandDef {
  label: string;
  upTo?: number;
}

/** How a table's rows are found: by a field's answers, by conditions, by the furthest state entered, or by time taken. */
export type ReportGrouping =
  | { field: string }
  | { stateReached: string[] }
  | { timeTaken: { unit: 'workingDays' | 'calendarDays'; bands: ReportBandDef[] } };

interface ReportTableBase {
  id: string;
  title: string;
  description?: string;
  /** The first column's heading (what the rows are). */
  rowHeader: string;
  /** The count column's heading (defaults by kind). */
  countHeader?: string;
  /** Also draw the figures as a bar chart beside the table. */
  chart?: boolean;
}

/** Which rows: exactly one of `by` and `rows`. */
type Grouped = { by: ReportGrouping; rows?: undefined } | { rows: ReportRowDef[]; by?: undefined };

/**
 * What a table counts, tagged by `count`:
 * - `cases`: the cases whose date (`caseDate`) is in the year;
 * - `events`: the steps in the year that took one of `events` or arrived in one of `to` (on the date of
 *   their `date` field when it is given, else the step's date);
 * - `deadlines`: the listed deadlines falling due in the year, met, missed or not yet met;
 * - `openAtYearEnd`: the cases not in a final state at the year's last instant, by their state then;
 * - `items`: the items of a list field, recorded by `events` in the year or, without them, held by
 *   the cases at the year's last instant; `overdue` adds how many were overdue then.
 */
export type ReportTableDef = ReportTableBase &
  (
    | ({ count: 'cases' } & Grouped)
    | ({ count: 'events'; events?: string[]; to?: string[]; date?: string } & Grouped)
    | { count: 'deadlines'; deadlines: string[] }
    | { count: 'openAtYearEnd' }
    | ({ count: 'items'; list: string; events?: string[]; date?: string; overdue?: ReportOverdueDef } & Grouped)
  );

/** An item is overdue at the year's end when its `due` date is before the year's last day and `done` does not hold for it then. */
export interface ReportOverdueDef {
  due: string;
  done: Condition;
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
  lists?: Record<string, ListDef>;
  reports?: ReportsDef;
  /**
   * Need to know: who may read the cases. Every configuration file must say (the schema requires
   * it); a definition built in code without it lets only those who may act now read a case.
   */
  access?: AccessDef;
}

/**
 * A place held for a time: a partner, a group, a name, a chair. `from` and `until` are the first and
 * last days it held (either open-ended when absent).
 */
export interface Held {
  from?: string;
  until?: string;
}

export interface StatutoryPartner extends Held {
  id: string;
  /** The name that describes the partner whatever the date (the id keeps its first name). */
  label: string;
  kind: 'local-authority' | 'health' | 'police';
  /** What it was called when: the CCG until 30 June 2022, the Integrated Care Board from 1 July 2022. */
  names?: ({ label: string } & Held)[];
}

/** A group of the partnership (a delivery group, a sub-group) and the duties it holds, for the time it existed. */
export interface GroupDef extends Held {
  id: string;
  label: string;
  /** Duty names processes refer to (`{group: <duty>}`). */
  duties?: string[];
  /** Groups whose remit this one took over. */
  replaces?: string[];
  chairs?: ({ name: string } & Held)[];
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
  groups?: GroupDef[];
  roles: RoleDef[];
  dates?: Record<string, string>;
  /** Deadline reminders: this many working days before a deadline is due (default 2), and on the day it becomes overdue. */
  reminders?: { workingDaysBefore?: number };
}

/** Pseudo-roles the engine grants itself: the case's creator, and the engine's own timers. */
export const PSEUDO_ROLES = { raiser: 'raiser', system: 'system' } as const;
