import type {
  AnnualReport,
  CaseFilters,
  CaseId,
  CasePage,
  CaseRecord,
  EscalationLogRow,
  FormDefinition,
  FormId,
  NotificationList,
  PartnershipId,
  PartnershipSummary,
  ProcessDefinition,
  ProcessGraph,
  ProcessId,
  Session,
  SummaryReport,
} from './apiTypes.ts';
import type { CheckResult, ConfiguredProcess, Difference, Published, ScenarioOutcome } from './configurationTypes.ts';

/** The error codes of the API contract, plus `network` for a request that got no answer at all. */
export const ERROR_CODES = {
  badRequest: 'bad_request',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  notFound: 'not_found',
  versionConflict: 'version_conflict',
  eventNotAllowed: 'event_not_allowed',
  validationFailed: 'validation_failed',
  guardRejected: 'guard_rejected',
  processInvalid: 'process_invalid',
  network: 'network',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface FieldIssue {
  path: string;
  message: string;
}

export interface GuardIssue {
  guard: string;
  message: string;
  /** JSON Pointers of the answers the failed rule reads, the one to change first (absent from an older server). */
  paths?: string[];
  /** The dates a failed date rule worked out. */
  dates?: DateLimit[];
}

/** A date a rule worked out, and how the answer at `path` must stand to it. */
export interface DateLimit {
  path: string;
  must: 'before' | 'onOrBefore' | 'after' | 'onOrAfter';
  date: string;
  /** The answers it was worked out from. */
  from: { path: string; date: string }[];
}

/** Every failed request rejects with this: the server's `{error: {code, message, details}}`, kept as data. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | (string & {});
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** `validation_failed` details: one entry per field, `path` a JSON Pointer. */
  fieldIssues(): FieldIssue[] {
    return this.code === ERROR_CODES.validationFailed && Array.isArray(this.details)
      ? (this.details as FieldIssue[])
      : [];
  }

  /** `guard_rejected` details: the workflow's own message for each failed guard. */
  guardIssues(): GuardIssue[] {
    return this.code === ERROR_CODES.guardRejected && Array.isArray(this.details)
      ? (this.details as GuardIssue[])
      : [];
  }
}

const SESSION_URL = '/api/session';
let csrfToken: string | null = null;
const unauthenticatedListeners = new Set<() => void>();

/** The session's CSRF token goes on every write; the session module sets it after sign-in. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Lets the session drop its user when any request finds the session gone (expired, signed out elsewhere). */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

const seenListeners = new Set<(sentAt: number) => void>();

/**
 * Each answer but a 401 means the server saw the session, which keeps it from idling out. Listeners
 * get the time the request was sent: the server counted the session from its arrival, not from when
 * a slow answer came back.
 */
export function onSessionSeen(listener: (sentAt: number) => void): () => void {
  seenListeners.add(listener);
  return () => seenListeners.delete(listener);
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  return (await exchange<T>(method, url, body)).payload;
}

/** The `after` cursor of a paged answer's `Link: <…>; rel="next"`, or null on its last page. */
export function nextCursor(link: string | null): string | null {
  const next = /<([^>]*)>\s*;\s*rel="?next"?/.exec(link ?? '');
  return next ? new URL(next[1]!, 'http://cursor.invalid').searchParams.get('after') : null;
}

/** A request whose answer's headers matter too (a page's Link). */
async function exchange<T>(method: string, url: string, body?: unknown): Promise<{ payload: T; headers: Headers }> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  const sentAt = Date.now();
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, ERROR_CODES.network, 'The service could not be reached. Check your connection and try again.');
  }
  if (response.status !== 401) seenListeners.forEach((listener) => listener(sentAt));
  if (response.status === 204) return { payload: undefined as T, headers: response.headers };
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) return { payload: payload as T, headers: response.headers };
  const error = (payload as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  const apiError = new ApiError(
    response.status,
    error?.code ?? `http_${response.status}`,
    error?.message ?? `The service answered ${response.status} ${response.statusText}.`,
    error?.details,
  );
  // The login itself answers 401 for a wrong password; only other 401s mean the session has gone.
  if (response.status === 401 && url !== SESSION_URL) unauthenticatedListeners.forEach((listener) => listener());
  throw apiError;
}

const enc = encodeURIComponent;

function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '' && value !== false) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** One table of the annual report as CSV, for a download link. */
export function annualTableCsvUrl(partnership: PartnershipId, table: string, year: number): string {
  return `/api/partnerships/${enc(partnership)}/reports/annual/${enc(table)}.csv${query({ year })}`;
}

export function escalationLogUrl(partnership: PartnershipId, from: string, to: string, format?: 'csv'): string {
  return `/api/partnerships/${enc(partnership)}/escalation-log${query({ from, to, format })}`;
}

/** Rows of the escalation log the page shows at a time; the CSV download is always the whole log. */
export const ESCALATION_LOG_PAGE = 100;

export const api = {
  signIn: (username: string, password: string) => request<Session>('POST', SESSION_URL, { username, password }),
  session: () => request<Session>('GET', SESSION_URL),
  signOut: () => request<void>('DELETE', SESSION_URL),

  partnerships: () => request<PartnershipSummary[]>('GET', '/api/partnerships'),
  process: (p: PartnershipId, proc: ProcessId, version?: number) =>
    request<ProcessDefinition>('GET', `/api/partnerships/${enc(p)}/processes/${enc(proc)}${query({ version })}`),
  graph: (p: PartnershipId, proc: ProcessId, version?: number) =>
    request<ProcessGraph>('GET', `/api/partnerships/${enc(p)}/processes/${enc(proc)}/graph${query({ version })}`),
  form: (p: PartnershipId, form: FormId) =>
    request<FormDefinition>('GET', `/api/partnerships/${enc(p)}/forms/${enc(form)}`),

  cases: (filters: CaseFilters) => request<CasePage>('GET', `/api/cases${query({ ...filters })}`),
  case: (id: CaseId) => request<CaseRecord>('GET', `/api/cases/${enc(id)}`),
  startCase: (p: PartnershipId, proc: ProcessId, data: unknown) =>
    request<CaseRecord>('POST', `/api/partnerships/${enc(p)}/processes/${enc(proc)}/cases`, { data }),
  sendEvent: (id: CaseId, type: string, data: unknown, expectedVersion: number) =>
    request<CaseRecord>('POST', `/api/cases/${enc(id)}/events`, { type, data, expectedVersion }),
  /** Dry runs: refused as the real request would be, `{ok: true}` otherwise, storing nothing. */
  checkStart: (p: PartnershipId, proc: ProcessId, data: unknown) =>
    request<{ ok: true }>('POST', `/api/partnerships/${enc(p)}/processes/${enc(proc)}/cases/check`, { data }),
  checkEvent: (id: CaseId, type: string, data: unknown, expectedVersion: number) =>
    request<{ ok: true }>('POST', `/api/cases/${enc(id)}/events/check`, { type, data, expectedVersion }),

  /** One page of the log from `after` (a cursor the previous page gave), and the next page's cursor if there is one. */
  escalationLog: async (p: PartnershipId, from: string, to: string, after?: string) => {
    const url = `/api/partnerships/${enc(p)}/escalation-log${query({ from, to, limit: ESCALATION_LOG_PAGE, after })}`;
    const { payload, headers } = await exchange<EscalationLogRow[]>('GET', url);
    return { rows: payload, next: nextCursor(headers.get('Link')) };
  },
  annualReport: (p: PartnershipId, year: number) => request<AnnualReport>('GET', `/api/partnerships/${enc(p)}/reports/annual${query({ year })}`),
  summaryReport: (p: PartnershipId, from: string, to: string) =>
    request<SummaryReport>('GET', `/api/partnerships/${enc(p)}/reports/summary${query({ from, to })}`),

  notifications: () => request<NotificationList>('GET', '/api/notifications'),
  markNotificationRead: (id: number) => request<{ unread: number }>('POST', `/api/notifications/${id}/read`),
  markAllNotificationsRead: () => request<{ unread: number }>('POST', '/api/notifications/read'),

  configuredProcesses: (p: PartnershipId) => request<ConfiguredProcess[]>('GET', `${configurationUrl(p)}/processes`),
  calendar: (p: PartnershipId) => request<{ id: string; name: string; lastDay: string; warning: string | null }>('GET', `${configurationUrl(p)}/calendar`),
  scenarios: (p: PartnershipId) => request<ScenarioOutcome[]>('GET', `${configurationUrl(p)}/scenarios`),
  difference: (p: PartnershipId, proc: ProcessId, from: number, to: number) =>
    request<Difference>('GET', `${configurationUrl(p, proc)}/difference${query({ from, to })}`),
  templateDifference: (p: PartnershipId, proc: ProcessId, version: number) =>
    request<Difference>('GET', `${configurationUrl(p, proc)}/versions/${version}/template-difference`),
  checkProcess: (p: PartnershipId, proc: ProcessId, content: string) => request<CheckResult>('POST', `${configurationUrl(p, proc)}/check`, { content }),
  publishProcess: (p: PartnershipId, proc: ProcessId, content: string, basedOn: number) =>
    request<Published>('POST', `${configurationUrl(p, proc)}/publish`, { content, basedOn }),
};

/** The business unit's configuration routes: the partnership's, or one process's. */
function configurationUrl(p: PartnershipId, proc?: ProcessId): string {
  return `/api/partnerships/${enc(p)}/configuration${proc === undefined ? '' : `/processes/${enc(proc)}`}`;
}

/** A version's process file, downloaded as an attachment. */
export function processFileUrl(p: PartnershipId, proc: ProcessId, version: number): string {
  return `${configurationUrl(p, proc)}/versions/${version}/file`;
}
