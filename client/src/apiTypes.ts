/**
 * The shapes the HTTP API answers with (docs: shared/spec/api.md). The client keeps its own copy
 * rather than importing the server's, because it may only depend on the server over HTTP.
 */

export type PartnershipId = string & { readonly __brand: 'PartnershipId' };
export type ProcessId = string & { readonly __brand: 'ProcessId' };
export type CaseId = string & { readonly __brand: 'CaseId' };
export type StateId = string & { readonly __brand: 'StateId' };
export type FormId = string & { readonly __brand: 'FormId' };

export interface User {
  username: string;
  partnership: PartnershipId;
  roles: string[];
}

export interface Session {
  user: User;
  csrfToken: string;
  /** Seconds: how long the session lasts after any request, and at most from now (see TimeoutWarning). */
  lifetime: { idleSeconds: number; endsInSeconds: number };
}

export interface PartnershipSummary {
  id: PartnershipId;
  name: string;
  processes: { id: ProcessId; title: string; version: number }[];
  /** The partnership's roles and their names, as people know them. */
  roles?: { id: string; label: string }[];
  /** The business unit's: the configuration pages are theirs. */
  mayConfigure: boolean;
}

export interface StateDefinition {
  id: StateId;
  label: string;
  description?: string;
  final: boolean;
}

export interface EventDefinition {
  type: string;
  label: string;
  description?: string;
  from: StateId[];
  to: StateId | StateId[];
  roles: string[];
  form: FormId | null;
}

export interface ProcessDefinition {
  id: ProcessId;
  title: string;
  description?: string;
  version: number;
  start: { label?: string; roles: string[]; form: FormId | null };
  states: StateDefinition[];
  events: EventDefinition[];
}

export interface ProcessGraph {
  nodes: { id: StateId; label: string; final: boolean; count: number; overdue: number }[];
  edges: { from: StateId; to: StateId; event: string }[];
}

export interface FormUi {
  order?: string[];
  widgets?: Record<string, 'textarea' | 'radios' | 'checkboxes' | 'date'>;
  /** Questions asked only when an earlier answer says so: question → the answer that reveals it. */
  reveal?: Record<string, RevealWhen>;
  /** Questions asked together on a page of their own, under the group's title, for a long form. */
  groups?: QuestionGroup[];
  /**
   * Text questions offered choices from the partnership's data (the statutory partners, named as on the
   * day asked), and an answer written in instead: question path (without row numbers) → its choices.
   */
  choices?: Record<string, FormChoices>;
}

export interface FormChoices {
  options: { value: string; label: string }[];
  /** The label of the answer written in (another agency); without it, only the options. */
  other?: string;
}

export interface QuestionGroup {
  title: string;
  questions: string[];
}

/**
 * `field` is the revealing answer's path (dotted into groups); it reveals the question when it
 * `equals` the value (for checkboxes: when that box is ticked), or, with `answered`, when it has any answer.
 */
export type RevealWhen = { field: string; equals: string | number | boolean } | { field: string; answered: true };

export interface FormDefinition {
  id: FormId;
  schema: JsonSchema;
  ui: FormUi | null;
}

/** The subset of draft 2020-12 the form renderer reads; Ajv reads the rest. */
export interface JsonSchema {
  $id?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  type?: string | string[];
  title?: string;
  description?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxLength?: number;
  default?: unknown;
}

export interface CaseSummary {
  id: CaseId;
  partnership: PartnershipId;
  process: ProcessId;
  state: StateId;
  stateLabel: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Extras a server may add to list items; used when present. */
  createdBy?: string;
  final?: boolean;
  processTitle?: string;
  /** A short text to recognise the case by. */
  summary?: string | null;
  overdue?: boolean;
  available?: AvailableEvent[];
  /** The reference people say and type (`MER-2026-0042`); null only from an older server. */
  reference?: string | null;
  /** The reference people gave the case on its start form ("Child T"), if any. */
  ownReference?: string | null;
  /** The roles whose events move the case on from its stage; empty when finished. */
  waitingFor?: WaitingRole[];
  /** The open deadline due soonest. */
  nextDeadline?: NextDeadline | null;
}

export interface WaitingRole {
  /** A role id, or `raiser` for the person who raised the case. */
  role: string;
  label: string;
}

export interface NextDeadline {
  id: string;
  label: string;
  due: string;
  overdue: boolean;
}

export interface CaseTask {
  id: string;
  label: string;
  done: boolean;
  /** Who can record it done (from the events that complete it). */
  whose?: WaitingRole[];
  /** The events that record it. */
  recordedBy?: { type: string; label: string }[];
}

export interface CasePage {
  items: CaseSummary[];
  nextCursor: string | null;
}

export interface AvailableEvent {
  type: string;
  label: string;
  form: FormId | null;
  /** Said before the event is sent: it closes the case with tasks open, or the process warns of what the case says. */
  warnings?: string[];
}

export interface Deadline {
  id: string;
  label: string;
  due: string;
  met: boolean | null;
  overdue: boolean;
  /** A correction changed whether it was met. */
  corrected: boolean;
}

/** One field a correction changed: its value before (null when it had none) and after. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface HistoryEntry {
  seq: number;
  type: string;
  from: StateId | null;
  to: StateId;
  by: string;
  at: string;
  data: Record<string, unknown>;
  /** Corrections only: what they changed. */
  changes?: FieldChange[];
}

/** One time a step was recorded: who, when, and that step's own answers. */
export interface StepEntry {
  seq: number;
  by: string;
  at: string;
  data: Record<string, unknown>;
  /** Corrections only: what they changed. */
  changes?: FieldChange[];
}

/**
 * The answers of one step (an event as configured from its stages, or the start form, type `CREATE`),
 * in the order each step was first taken. An event type configured twice with two labels is two
 * steps. A `repeatable` step (actions, letters, communications) keeps every entry.
 */
export interface CaseStep {
  type: string;
  label: string;
  form: FormId;
  repeatable: boolean;
  /** A correction event's step: its entries carry `changes`. */
  correction: boolean;
  /** Oldest first. */
  entries: StepEntry[];
}

export interface CaseRecord extends CaseSummary {
  processVersion: number;
  /** The state's description; older servers leave it out and the definition has it. */
  stateDescription?: string | null;
  final: boolean;
  data: Record<string, unknown>;
  deadlines: Deadline[];
  tasks: CaseTask[];
  links: { id: CaseId; process: ProcessId; relation: string; reference?: string | null }[];
  available: AvailableEvent[];
  history: HistoryEntry[];
  /** Each step's answers as recorded, the record of the case; `data` is the facts they add up to. */
  steps: CaseStep[];
}

export interface EscalationLogRow {
  caseId: CaseId;
  at: string;
  by: string;
  from: StateId | null;
  to: StateId;
  event: string;
  reason: string | null;
  outcome: string | null;
  reference?: string | null;
  processTitle?: string;
  eventLabel?: string;
  fromLabel?: string | null;
  toLabel?: string;
  byLabel?: string;
}

/** One deadline's fate in a summary: counted in the period its due date falls in. */
export interface DeadlineCounts {
  label: string;
  met: number;
  missed: number;
  overdue: number;
  open: number;
}

export interface ProcessReport {
  process: ProcessId;
  title: string;
  opened: number;
  /** Cases that reached each final state in the period, by state id. */
  closed: Record<string, number>;
  /** Per outcome the workflow reports (by its label), how often each answer was given. */
  outcomes: Record<string, Record<string, number>>;
  deadlines: Record<string, DeadlineCounts>;
}

export interface SummaryReport {
  partnership: PartnershipId;
  from: string;
  to: string;
  processes: ProcessReport[];
}

export interface CaseFilters {
  process?: string;
  state?: string;
  overdue?: boolean;
  cursor?: string;
  limit?: number;
  /** Only the cases the reader's roles can move on now. */
  waitingForMe?: boolean;
  /** Search by reference, own reference or summary. */
  q?: string;
  /** `due`: overdue first, then the nearest due date. */
  sort?: 'created' | 'due';
}

/** One of the caller's notifications (`GET /api/notifications`): never any of the case's own text. */
export interface NotificationItem {
  id: number;
  caseId: CaseId;
  reference: string | null;
  kind: 'waiting' | 'due-soon' | 'overdue';
  stage: string;
  waitingFor: string;
  deadline: { label: string | null; due: string } | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationList {
  unread: number;
  items: NotificationItem[];
}

/** One table of the annual report: its first column holds the rows' labels (`id` "label"), the others counts. */
export interface AnnualTable {
  id: string;
  title: string;
  description: string | null;
  chart: boolean;
  columns: { id: string; label: string; numeric: boolean }[];
  rows: { label: string; values: Record<string, number> }[];
  total: Record<string, number>;
}

/** `GET /api/partnerships/:p/reports/annual?year=`: the financial year from 1 April of `year`. */
export interface AnnualReport {
  year: number;
  from: string;
  to: string;
  tables: AnnualTable[];
}
