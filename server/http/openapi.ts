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
  422: 'validation_failed (details: [{path, message}]) or guard_rejected (details: [{guard, message}])',
  429: 'too_many_requests: too many failed sign-ins',
};
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const path = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const query = (name: string, description: string, schema: object = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const P = path('p', 'Partnership id');
const PROC = path('proc', 'Process id');
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
      Session: {
        type: 'object',
        properties: {
          user: { type: 'object', properties: { username: { type: 'string' }, partnership: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } } } },
          csrfToken: { type: 'string' },
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
      Case: {
        type: 'object',
        properties: {
          id: { type: 'string' }, partnership: { type: 'string' }, process: { type: 'string' }, processVersion: { type: 'integer' },
          state: { type: 'string' }, stateLabel: { type: 'string' }, final: { type: 'boolean' }, version: { type: 'integer' },
          createdAt: { type: 'string' }, updatedAt: { type: 'string' },
          data: { type: 'object', description: 'Each answer as first recorded, corrections applied; each step\'s own answers are in steps' },
          deadlines: { type: 'array', items: ref('Deadline') },
          tasks: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, label: { type: 'string' }, done: { type: 'boolean' } } } },
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
    '/api/partnerships/{p}/processes/{proc}': { get: { summary: 'A process definition', parameters: [P, PROC], responses: { '200': json({ type: 'object' }), ...errors(401, 404) } } },
    '/api/partnerships/{p}/forms/{formId}': { get: { summary: "A form's JSON Schema and UI hints", parameters: [P, path('formId', 'Form id')], responses: { '200': json({ type: 'object' }), ...errors(401, 404) } } },
    '/api/partnerships/{p}/processes/{proc}/graph': {
      get: { summary: 'The statechart with case and overdue counts per state', parameters: [P, PROC], responses: { '200': json({ type: 'object' }), ...errors(401, 404) } },
    },
    '/api/partnerships/{p}/processes/{proc}/cases': {
      post: {
        summary: 'Start a case',
        parameters: [P, PROC, csrf],
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['data'], properties: { data: { type: 'object' } } } } } },
        responses: { '201': json(ref('Case'), 'Created'), ...errors(400, 401, 403, 404, 413, 422) },
      },
    },
    '/api/cases': {
      get: {
        summary: "The caller's partnership's cases, newest first",
        parameters: [
          query('process', 'Process id'), query('state', 'State id'), query('overdue', 'true: only cases with an overdue deadline'),
          query('mine', 'true: only cases I started'), query('limit', 'Page size, 1 to 200 (default 50)', { type: 'integer' }), query('cursor', 'nextCursor of the previous page'),
        ],
        responses: { '200': json({ type: 'object', properties: { items: { type: 'array' }, nextCursor: { type: ['string', 'null'] } } }), ...errors(400, 401) },
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
        responses: { '200': json(ref('Case')), ...errors(400, 401, 403, 404, 409, 413, 422) },
      },
    },
    '/api/partnerships/{p}/escalation-log': {
      get: {
        summary: 'Every transition of the dispute cases, oldest first (JSON, or CSV with Accept: text/csv or format=csv)',
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
    '/api/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': json({ type: 'object' }) } } },
  },
} as const;
