/** The API contract as an OpenAPI 3.1 document, served at GET /api/openapi.json. */

const error = { $ref: '#/components/schemas/Error' };
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: ERROR_TEXT[s], content: { 'application/json': { schema: error } } }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'bad_request: the body is not JSON or misses a field',
  401: 'unauthenticated: no session, or it has ended',
  403: 'forbidden: missing CSRF token, or your roles may not do this',
  404: 'not_found: no such partnership, process, case or form for you',
  409: 'version_conflict (details.currentVersion) or event_not_allowed (details.state, details.allowed)',
  413: 'payload_too_large',
  422: 'validation_failed (details: [{path, message}]), guard_rejected (details: [{guard, message, paths, dates}]: paths the JSON Pointers of the answers the failed rule reads, the one to change first; dates [{path, must (before, onOrBefore, after, onOrAfter), date, from: [{path, date}]}] the dates a failed date rule worked out) or process_invalid (details: [{file, line, message}])',
  415: 'unsupported_media_type: the body is not UTF-8 JSON',
  429: 'too_many_requests: too many failed sign-ins, or too many sign-ins at once (Retry-After)',
};
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const path = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const query = (name: string, description: string, schema: object = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const P = path('p', 'Partnership id');
const PROC = path('proc', 'Process id');
const VERSION = query('version', 'A stored version of the process (1, 2, …); without it, the newest', { type: 'integer', minimum: 1 });
const csrf = { name: 'X-CSRF-Token', in: 'header', required: true, description: 'The csrfToken of POST/GET /api/session', schema: { type: 'string' } };

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Safeguarding partnership workflows',
    version: '1.0.0',
    description:
      'Cases of configured processes (dispute resolution, veto review, CSPR, SCR transition) moved by events whose data is validated against JSON Schema forms. Sign in with POST /api/session; send the session cookie and, on every write, X-CSRF-Token.',
  },
  servers: [{ url: '/' }],
  components: {
    securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sid' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
      },
      Checked: { type: 'object', description: 'The rules accept the answers; nothing was stored', required: ['ok'], properties: { ok: { const: true } } },
      Session: {
        type: 'object',
        properties: {
          user: { type: 'object', properties: { username: { type: 'string' }, partnership: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } } } },
          csrfToken: { type: 'string' },
          lifetime: {
            type: 'object',
            description: 'When the session ends, so a page can warn before it does',
            properties: {
              idleSeconds: { type: 'integer', description: 'The session lasts at least this long after any request' },
              endsInSeconds: { type: 'integer', description: 'The session ends this long from now, however busy' },
            },
          },
        },
      },
      Deadline: {
        type: 'object',
        properties: {
          id: { type: 'string' }, label: { type: 'string' }, due: { type: 'string', format: 'date' }, met: { type: ['boolean', 'null'] }, overdue: { type: 'boolean' },
          corrected: { type: 'boolean', description: 'A correction event changed whether it was met' },
        },
      },
      Change: { type: 'object', description: 'A value a correction replaced', properties: { field: { type: 'string' }, from: {}, to: {} } },
      HistoryEntry: {
        type: 'object',
        properties: {
          seq: { type: 'integer' }, type: { type: 'string' }, from: { type: ['string', 'null'] }, to: { type: 'string' }, by: { type: 'string' },
          at: { type: 'string', description: 'The exact instant (UTC)' }, data: { type: 'object', description: "This step's own answers" },
          changes: { type: 'array', items: ref('Change'), description: 'On a correction (type CORRECT…): the old and new values' },
        },
      },
      StepAnswers: {
        type: 'object',
        description: 'The answers of one step of the process, each time it was taken, in order',
        properties: {
          type: { type: 'string' }, label: { type: 'string' }, form: { type: 'string' },
          repeatable: { type: 'boolean', description: 'A step that leaves the case where it is: its entries accumulate' },
          correction: { type: 'boolean' },
          entries: {
            type: 'array',
            items: { type: 'object', properties: { seq: { type: 'integer' }, by: { type: 'string' }, at: { type: 'string' }, data: { type: 'object' }, changes: { type: 'array', items: ref('Change') } } },
          },
        },
      },
      WaitingFor: {
        type: 'array',
        description:
          'The roles whose events move the case on from its stage (side steps such as recording a letter, corrections, withdrawing and the engine\'s own timers left out); raiser is "the person who raised it". Empty on a final stage.',
        items: { type: 'object', required: ['role', 'label'], properties: { role: { type: 'string' }, label: { type: 'string' } } },
      },
      NextDeadline: {
        type: ['object', 'null'],
        description: 'The open deadline (not met, with a field that meets it) due soonest; null when none, or on a finished case',
        properties: { id: { type: 'string' }, label: { type: 'string' }, due: { type: 'string', format: 'date' }, overdue: { type: 'boolean' } },
      },
      CaseListItem: {
        type: 'object',
        properties: {
          id: { type: 'string' }, reference: ref('Reference'), ownReference: { type: ['string', 'null'], description: 'The reference people gave the case on its start form, if any' },
          partnership: { type: 'string' }, process: { type: 'string' }, processTitle: { type: 'string' }, state: { type: 'string' }, stateLabel: { type: 'string' },
          final: { type: 'boolean' }, version: { type: 'integer' }, createdBy: { type: 'string' }, createdAt: { type: 'string' }, updatedAt: { type: 'string' },
          summary: { type: ['string', 'null'] }, waitingFor: ref('WaitingFor'), nextDeadline: ref('NextDeadline'),
          overdue: { type: 'boolean', description: 'A deadline of the case is overdue' },
          available: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, label: { type: 'string' }, form: { type: ['string', 'null'] } } } },
        },
      },
      Reference: {
        type: ['string', 'null'],
        description: 'The case reference people say and type, unique in the partnership: three letters of the partnership, the year it was recorded, a number (MER-2026-0042)',
        pattern: '^[A-Z]{1,4}-\\d{4}-\\d{4,}$',
      },
      Case: {
        type: 'object',
        properties: {
          reference: ref('Reference'), ownReference: { type: ['string', 'null'], description: 'The reference people gave the case on its start form, if any' },
          waitingFor: ref('WaitingFor'), nextDeadline: ref('NextDeadline'),
          id: { type: 'string' }, partnership: { type: 'string' }, process: { type: 'string' }, processVersion: { type: 'integer' },
          state: { type: 'string' }, stateLabel: { type: 'string' }, final: { type: 'boolean' }, version: { type: 'integer' },
          createdAt: { type: 'string' }, updatedAt: { type: 'string' },
          data: { type: 'object', description: 'Each answer as first recorded, corrections applied; each step\'s own answers are in steps' },
          deadlines: { type: 'array', items: ref('Deadline') },
          tasks: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' }, label: { type: 'string' }, done: { type: 'boolean' },
                whose: { ...ref('WaitingFor'), description: 'Who can record it done: the roles of the events that complete it' },
                recordedBy: { type: 'array', description: 'The events that record it', items: { type: 'object', properties: { type: { type: 'string' }, label: { type: 'string' } } } },
              },
            },
          },
          links: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, process: { type: 'string' }, relation: { type: 'string' } } } },
          available: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, label: { type: 'string' }, form: { type: ['string', 'null'] } } } },
          steps: { type: 'array', items: ref('StepAnswers') },
          history: { type: 'array', items: ref('HistoryEntry') },
        },
      },
    },
  },
  security: [{ session: [] }],
  paths: {
    '/api/session': {
      post: {
        summary: 'Sign in',
        security: [],
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } } } } },
        responses: { '200': json(ref('Session')), ...errors(400, 401, 429) },
      },
      get: { summary: 'The current session', responses: { '200': json(ref('Session')), ...errors(401) } },
      delete: { summary: 'Sign out', parameters: [{ ...csrf, required: false }], responses: { '204': { description: 'Signed out' }, ...errors(403) } },
    },
    '/api/partnerships': { get: { summary: "The caller's partnership and its processes", responses: { '200': json({ type: 'array' }), ...errors(401) } } },
    '/api/partnerships/{p}/processes/{proc}': {
      get: {
        summary: 'A process definition: the newest version, or version N; with newestVersion and versions: [{version, createdAt}]',
        parameters: [P, PROC, VERSION],
        responses: { '200': json({ type: 'object' }), ...errors(400, 401, 404) },
      },
    },
    '/api/partnerships/{p}/forms/{formId}': {
      get: {
        summary: "A form's JSON Schema and UI hints: the newest, or with process and version the form as that version of the process has it",
        parameters: [P, path('formId', 'Form id'), query('process', 'Process id, with version'), VERSION],
        responses: { '200': json({ type: 'object' }), ...errors(400, 401, 404) },
      },
    },
    '/api/partnerships/{p}/processes/{proc}/graph': {
      get: {
        summary:
          "The statechart of the newest version (or version N) with the cases of every version counted per state: versions: [{version, count}] on the answer and each node; a state only an older version has appears with retired: true while cases are in it",
        parameters: [P, PROC, VERSION],
        responses: { '200': json({ type: 'object' }), ...errors(400, 401, 404) },
      },
    },
    '/api/partnerships/{p}/processes/{proc}/cases': {
      post: {
        summary: 'Start a case',
        parameters: [P, PROC, csrf],
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['data'], properties: { data: { type: 'object' } } } } } },
        responses: { '201': json(ref('Case'), 'Created'), ...errors(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    '/api/partnerships/{p}/processes/{proc}/cases/check': {
      post: {
        summary: 'A dry run of starting a case: refused exactly as the start would be (403, 404, 422 with the same details), 200 {ok: true} otherwise; nothing is stored',
        parameters: [P, PROC, csrf],
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['data'], properties: { data: { type: 'object' } } } } } },
        responses: { '200': json(ref('Checked')), ...errors(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    '/api/cases': {
      get: {
        summary: "The caller's partnership's cases that they may read, newest first (or by due date with sort=due)",
        parameters: [
          query('process', 'Process id'), query('state', 'State id'), query('overdue', 'true: only cases with an overdue deadline'),
          query('mine', 'true: only cases I started'),
          query('waitingForMe', 'true: only cases my roles can move on now (waitingFor names one of my roles, or raiser on a case I raised)', { type: 'string', enum: ['true', 'false'] }),
          query('q', 'Search: a case reference (any case, spaces or no dashes: "mer 2026 42"), or words of its own reference or summary'),
          query('sort', 'created (default): newest first; due: overdue first, then the nearest due date, cases with nothing due last', { type: 'string', enum: ['created', 'due'] }),
          query('limit', 'Page size, 1 to 200 (default 50)', { type: 'integer' }),
          query('cursor', 'nextCursor of the previous page, with the same sort'),
        ],
        responses: { '200': json({ type: 'object', properties: { items: { type: 'array', items: ref('CaseListItem') }, nextCursor: { type: ['string', 'null'] } } }), ...errors(400, 401) },
      },
    },
    '/api/cases/{id}': { get: { summary: 'A case', parameters: [path('id', 'Case id')], responses: { '200': json(ref('Case')), ...errors(401, 404) } } },
    '/api/cases/{id}/events': {
      post: {
        summary: 'Send an event',
        parameters: [path('id', 'Case id'), csrf],
        requestBody: {
          content: { 'application/json': { schema: { type: 'object', required: ['type', 'data', 'expectedVersion'], properties: { type: { type: 'string' }, data: { type: 'object' }, expectedVersion: { type: 'integer' } } } } },
        },
        responses: { '200': json(ref('Case')), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    '/api/cases/{id}/events/check': {
      post: {
        summary: 'A dry run of sending an event: refused exactly as the event would be (404, 409, 403, 422 with the same details; expectedVersion checked only when given), 200 {ok: true} otherwise; nothing is stored',
        parameters: [path('id', 'Case id'), csrf],
        requestBody: {
          content: { 'application/json': { schema: { type: 'object', required: ['type', 'data'], properties: { type: { type: 'string' }, data: { type: 'object' }, expectedVersion: { type: 'integer' } } } } },
        },
        responses: { '200': json(ref('Checked')), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    '/api/partnerships/{p}/escalation-log': {
      get: {
        summary:
          'Every transition of the dispute cases, oldest first: JSON rows {caseId, at, by, from, to, event, reason, outcome} with reference, processTitle, eventLabel, fromLabel, toLabel, byLabel and atLocal (DD/MM/YYYY HH:MM in the partnership\'s time zone); or CSV (Accept: text/csv or format=csv) with a header row of the labels: Reference, Process, Date and time, By, What happened, From stage, To stage, Reason, Outcome',
        parameters: [P, query('from', 'First date, YYYY-MM-DD (inclusive)'), query('to', 'Last date, YYYY-MM-DD (inclusive)'), query('format', 'csv for a CSV download')],
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'array' } }, 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401, 404) },
      },
    },
    '/api/partnerships/{p}/reports/summary': {
      get: {
        summary: 'Per process: cases opened (by the date they happened), closed by final state, outcome counts, deadlines met, missed and corrected',
        parameters: [P, query('from', 'First date (inclusive)'), query('to', 'Last date (inclusive)')],
        responses: { '200': json({ type: 'object' }), ...errors(400, 401, 404) },
      },
    },
    '/api/partnerships/{p}/reports/annual': {
      get: {
        summary:
          "The annual report's tables for a financial year, as the processes' reports.tables declare them: {year, from, to, tables: [{id, title, description, chart, columns: [{id, label, numeric}], rows: [{label, values}], total}]}, every figure by the date things happened and over the cases the caller may read; with Accept: text/csv (or format=csv) and table=, that table as CSV (a title line with the year in DD/MM/YYYY, a header row of labels, a row per label and the total)",
        parameters: [P, query('year', 'The year of the April the financial year starts (2022 for 1 April 2022 to 31 March 2023); without it, the year holding today'), query('table', 'The table to send as CSV'), query('format', 'csv for a CSV download')],
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } }, 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401, 404) },
      },
    },
    '/api/partnerships/{p}/reports/annual/{table}.csv': {
      get: {
        summary: 'One table of the annual report as CSV, as the annual report route sends it with table=',
        parameters: [P, path('table', 'Table id'), query('year', 'The year of the April the financial year starts')],
        responses: { '200': { description: 'OK', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401, 404) },
      },
    },
    '/api/notifications': {
      get: {
        summary: "The caller's notifications, newest first, with unread (the header's count): {unread, items: [{id, caseId, reference, kind (waiting, due-soon, overdue), stage, waitingFor, deadline: {label, due} | null, createdAt, readAt}]}; never any of the case's own text",
        parameters: [query('limit', 'How many, 1 to 200 (default 50)', { type: 'integer' })],
        responses: { '200': json({ type: 'object' }), ...errors(400, 401) },
      },
    },
    '/api/notifications/read': { post: { summary: "Marks all the caller's notifications read", parameters: [csrf], responses: { '200': json({ type: 'object' }), ...errors(401, 403) } } },
    '/api/notifications/{id}/read': {
      post: { summary: 'Marks one of the caller\'s notifications read', parameters: [path('id', 'Notification id'), csrf], responses: { '200': json({ type: 'object' }), ...errors(401, 403, 404) } },
    },
    '/api/partnerships/{p}/configuration/processes': {
      get: {
        summary:
          "The business unit's configuration: each process with newestVersion, template (the template its file extends, or null) and versions: [{version, createdAt, origin (files or upload), publishedBy, cases, running}], counting the cases the caller may read; 403 for anyone but the business unit",
        parameters: [P],
        responses: { '200': json({ type: 'array' }), ...errors(401, 403, 404) },
      },
    },
    '/api/partnerships/{p}/configuration/calendar': {
      get: {
        summary: "The partnership's working-day calendar: {id, name, lastDay, warning}, warning a sentence while less than a year of bank holidays is left in it (then null); 403 for anyone but the business unit",
        parameters: [P],
        responses: { '200': json({ type: 'object' }), ...errors(401, 403, 404) },
      },
    },
    '/api/partnerships/{p}/configuration/scenarios': {
      get: {
        summary: "The partnership's scenarios (workflows/<p>/scenarios/), each run through the engine on the newest version of its process: [{file, process, scenario, passed, skipped, failure: {step, what, expected, actual, problems} | null}]",
        parameters: [P],
        responses: { '200': json({ type: 'array' }), ...errors(401, 403, 404) },
      },
    },
    '/api/partnerships/{p}/configuration/processes/{proc}/difference': {
      get: {
        summary: 'How version `to` (the newest without it) differs from version `from`, in words: {from, to, count, sections: [{title, lines}]}, each line starting + (added), - (removed) or ~ (changed)',
        parameters: [P, PROC, { ...query('from', 'A version', { type: 'integer', minimum: 1 }), required: true }, query('to', 'A version; the newest without it', { type: 'integer', minimum: 1 })],
        responses: { '200': json({ type: 'object' }), ...errors(400, 401, 403, 404) },
      },
    },
    '/api/partnerships/{p}/configuration/processes/{proc}/versions/{version}/file': {
      get: {
        summary: "A version's process file as written (for a version stored before files were kept, its definition as YAML), as an attachment to keep with the configuration",
        parameters: [P, PROC, path('version', 'A version (1, 2, …)')],
        responses: { '200': { description: 'The process file', content: { 'text/yaml': { schema: { type: 'string' } } } }, ...errors(400, 401, 403, 404) },
      },
    },
    '/api/partnerships/{p}/configuration/processes/{proc}/versions/{version}/template-difference': {
      get: {
        summary: 'How a version differs from the template its process file extends (each resolved on its own), as the difference route; 404 when its file extends no template',
        parameters: [P, PROC, path('version', 'A version (1, 2, …)')],
        responses: { '200': json({ type: 'object' }), ...errors(400, 401, 403, 404) },
      },
    },
    '/api/partnerships/{p}/configuration/processes/{proc}/check': {
      post: {
        summary:
          'Checks a changed process file in the configuration it would join, storing nothing: {process, basedOn (the newest version), wouldBe, hash, difference (from the newest, as the difference route), scenarios (of this process, as the scenarios route), affected: {onNewest, states: [{id, label, count, inNewVersion}], onOlderVersions}}; 422 process_invalid with every problem (details: [{file, line, message}]), also when it changes nothing',
        parameters: [P, PROC, csrf],
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['content'], properties: { content: { type: 'string', description: 'The process file (YAML)' } } } } } },
        responses: { '200': json({ type: 'object' }), ...errors(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    '/api/partnerships/{p}/configuration/processes/{proc}/publish': {
      post: {
        summary:
          'Publishes a changed process file as the next version, recorded with who and when: new cases start on it at once, running cases keep theirs. 409 version_conflict (details.currentVersion) when the newest is no longer basedOn: someone published since, nothing was stored; check again. 422 process_invalid as the check',
        parameters: [P, PROC, csrf],
        requestBody: {
          content: {
            'application/json': {
              schema: { type: 'object', required: ['content', 'basedOn'], properties: { content: { type: 'string' }, basedOn: { type: 'integer', minimum: 1, description: 'The newest version the check was made against' } } },
            },
          },
        },
        responses: { '201': json({ type: 'object', properties: { process: { type: 'string' }, version: { type: 'integer' }, createdAt: { type: 'string' }, publishedBy: { type: 'string' }, hash: { type: 'string' } } }, 'Published'), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    '/api/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': json({ type: 'object' }) } } },
  },
} as const;
