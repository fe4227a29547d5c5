import { Router } from 'express';
import type { CaseService, EventCheck, EventRequest } from '../../cases/service.ts';
import { BadRequestError } from '../../engine/errors.ts';
import { readableCasesSql } from '../../cases/access.ts';
import { availableEvents } from '../../engine/view.ts';
import { nextDeadline, waitingFor } from '../../engine/waiting.ts';
import { ownReferenceOf, searchSql } from '../../cases/search.ts';
import { waitingForSql } from '../../cases/work-list.ts';
import { listReadableCases, openDeadlinesOf } from '../../store/case-lists.ts';
import type { Database } from '../../store/database.ts';
import type { Clock } from '../../clock.ts';
import { authOf, requireCsrf } from '../auth.ts';
import { isPlainObject, jsonObjectBody } from '../body.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

/** `POST …/cases` and the case routes under `/api/cases`. */
export function caseCreationRoutes(service: CaseService): Router {
  const router = Router();
  router.post('/:p/processes/:proc/cases', requireCsrf, jsonObjectBody, async (req, res) => {
    const data = startData(req.body);
    const { user } = authOf(res);
    service.process(user, String(req.params.p), String(req.params.proc));
    res.status(201).json(await service.create(user, String(req.params.p), String(req.params.proc), data));
  });
  // A dry run of the start: the same refusals, nothing stored.
  router.post('/:p/processes/:proc/cases/check', requireCsrf, jsonObjectBody, (req, res) => {
    const data = startData(req.body);
    service.checkCreate(authOf(res).user, String(req.params.p), String(req.params.proc), data);
    res.json({ ok: true });
  });
  return router;
}

function startData(body: unknown): Record<string, unknown> {
  const { data } = body as Record<string, unknown>;
  if (!isPlainObject(data)) throw new BadRequestError('Send {data: {...}} with the start form\'s answers');
  return data;
}

/** `{type, data, expectedVersion}`; a dry run may leave the version out. */
function eventBody(body: unknown, versionRequired: true): EventRequest;
function eventBody(body: unknown, versionRequired: false): EventCheck;
function eventBody(body: unknown, versionRequired: boolean): EventCheck {
  const { type, data, expectedVersion } = body as Record<string, unknown>;
  if (typeof type !== 'string' || type === '') throw new BadRequestError('Send "type": the event to send');
  if (!isPlainObject(data)) throw new BadRequestError('Send "data": an object with the form\'s answers ({} for an event without a form)');
  if (expectedVersion === undefined && !versionRequired) return { type, data };
  if (typeof expectedVersion !== 'number' || !Number.isInteger(expectedVersion)) {
    throw new BadRequestError('Send "expectedVersion": the version of the case you are looking at');
  }
  return { type, data, expectedVersion };
}

export function caseRoutes(service: CaseService, db: Database, clock: Clock): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const { user } = authOf(res);
    const query = req.query;
    const asked = query.limit === undefined || query.limit === '' ? DEFAULT_LIMIT : Number(query.limit);
    if (!Number.isInteger(asked) || asked < 1) throw new BadRequestError(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
    // More than the maximum gets the maximum, with a cursor to the rest, as the contract pages.
    const limit = Math.min(asked, MAX_LIMIT);
    const text = (name: string) => {
      const value = query[name];
      if (value === undefined || value === '') return undefined;
      if (typeof value !== 'string') throw new BadRequestError(`Give ${name} once`);
      return value;
    };
    const overdue = text('overdue');
    if (overdue !== undefined && overdue !== 'true' && overdue !== 'false') throw new BadRequestError('overdue must be true or false');
    const mine = text('mine');
    const waitingForMe = text('waitingForMe');
    if (waitingForMe !== undefined && waitingForMe !== 'true' && waitingForMe !== 'false') throw new BadRequestError('waitingForMe must be true or false');
    const sort = text('sort') ?? 'created';
    if (sort !== 'created' && sort !== 'due') throw new BadRequestError('sort must be due (overdue first, then the nearest due date) or created (newest first)');
    const q = text('q');
    const partnership = service.partnership(user, user.partnership);
    const today = clock.today(partnership.def.timeZone);
    // Need to know: only the cases this person may read, filtered in SQL so that paging stays exact.
    const rows = await listReadableCases(db.reader, {
      partnership: user.partnership,
      readable: readableCasesSql(partnership, user),
      process: text('process'),
      state: text('state'),
      overdueOn: overdue === 'true' ? today : undefined,
      createdBy: mine === 'true' ? user.username : undefined,
      waiting: waitingForMe === 'true' ? waitingForSql(partnership, user) : undefined,
      search: q === undefined ? undefined : searchSql(q),
      sort,
      limit: limit + 1,
      after: decodeCursor(text('cursor'), sort),
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const deadlines = await openDeadlinesOf(db.reader, page.map((row) => row.id));
    res.json({
      items: page.map((row) => {
        const { process } = service.resolve(row);
        const next = nextDeadline(deadlines.get(row.id) ?? [], today, row.final);
        return {
          id: row.id,
          reference: row.reference ?? null,
          ownReference: ownReferenceOf(row.data),
          partnership: row.partnership,
          process: row.process,
          processTitle: process.def.title,
          state: row.state,
          stateLabel: process.def.states[row.state]?.label ?? row.state,
          final: row.final,
          version: row.version,
          createdBy: row.createdBy,
          createdAt: row.createdAt,
          updatedAt: row.updatedAt,
          summary: summaryOf(row.data),
          waitingFor: row.final ? [] : waitingFor(partnership.def, process, row.state),
          nextDeadline: next,
          overdue: next?.overdue ?? false,
          // What this person may do now, so a "my cases" list needs no request per case.
          available: row.final ? [] : availableEvents(process, row.state, user, row.createdBy),
        };
      }),
      nextCursor: rows.length > limit && last ? encodeCursor(sort, last) : null,
    });
  });

  router.get('/:id', async (req, res) => {
    res.json(await service.get(authOf(res).user, String(req.params.id)));
  });

  router.post('/:id/events', requireCsrf, jsonObjectBody, async (req, res) => {
    res.json(await service.sendEvent(authOf(res).user, String(req.params.id), eventBody(req.body, true)));
  });
  // A dry run of the event: the same refusals in the same order, nothing stored.
  router.post('/:id/events/check', requireCsrf, jsonObjectBody, async (req, res) => {
    await service.checkEvent(authOf(res).user, String(req.params.id), eventBody(req.body, false));
    res.json({ ok: true });
  });
  return router;
}

/** A short text to recognise a case by in lists: the first of its usual descriptive fields. */
function summaryOf(data: Record<string, unknown>): string | null {
  for (const key of ['title', 'summary']) {
    const value = data[key];
    if (typeof value === 'string' && value.trim() !== '') return value.length > 120 ? `${value.slice(0, 117)}…` : value;
  }
  return null;
}

/**
 * Newest first: `[createdAt, id]` (the format lists have always had). By due date: `["due",
 * nextDue or null, createdAt, id]`. A cursor is only good for the order that gave it.
 */
function encodeCursor(sort: 'created' | 'due', last: { createdAt: string; id: string; nextDue: string | null }): string {
  const key = sort === 'due' ? ['due', last.nextDue, last.createdAt, last.id] : [last.createdAt, last.id];
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string | undefined, sort: 'created' | 'due'): { createdAt: string; id: string; nextDue?: string | null } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // Exactly the tuple encodeCursor writes: a bare string would otherwise destructure into letters.
    if (Array.isArray(parsed) && sort === 'created' && parsed.length === 2) {
      const [createdAt, id] = parsed as unknown[];
      if (typeof createdAt === 'string' && typeof id === 'string') return { createdAt, id };
    }
    if (Array.isArray(parsed) && sort === 'due' && parsed.length === 4 && parsed[0] === 'due') {
      const [, nextDue, createdAt, id] = parsed as unknown[];
      if ((nextDue === null || typeof nextDue === 'string') && typeof createdAt === 'string' && typeof id === 'string') return { nextDue, createdAt, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new BadRequestError('cursor is not one this server gave out for this order; start again without it');
}

