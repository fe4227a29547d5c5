import { Router, type Request, type Response } from 'express';
import type { CaseService } from '../../cases/service.ts';
import { readableCasesSql } from '../../cases/access.ts';
import {
  decodeLogCursor,
  encodeLogCursor,
  escalationLog,
  escalationLogCsv,
  escalationLogCsvHeader,
  escalationLogCsvLines,
  escalationLogProcesses,
  historyInPeriod,
  OPEN_FROM,
  OPEN_TO,
  readYearlySummary,
  utcDatesAround,
  type Period,
} from '../../cases/reports.ts';
import { isIsoDate } from '../../engine/dates/index.ts';
import { BadRequestError } from '../../engine/errors.ts';
import { historyBatchesOnUtcDates, type HistoryRow } from '../../store/reports.ts';
import type { Database } from '../../store/database.ts';
import type { Clock } from '../../clock.ts';
import { authOf } from '../auth.ts';
import { annualReportRoutes } from './annual-report.ts';

/** `from`/`to` (inclusive, dates in the partnership's time zone); either may be left out for an open end. */
function dateRange(req: Request): { from: string; to: string } {
  const read = (name: 'from' | 'to', open: string) => {
    const value = req.query[name];
    if (value === undefined || value === '') return open;
    if (typeof value !== 'string' || !isIsoDate(value)) throw new BadRequestError(`${name} must be a real date written YYYY-MM-DD`);
    return value;
  };
  const range = { from: read('from', OPEN_FROM), to: read('to', OPEN_TO) };
  if (range.from > range.to) throw new BadRequestError('from must be on or before to');
  return range;
}

/** Rows read per query while the whole log streams: small enough to bound memory, big enough to keep round trips few. */
const STREAM_BATCH = 500;
/** The most rows one page of the log may ask for. */
const MAX_PAGE = 1000;

/** `limit`: rows per page, or null for the whole log (streamed). */
function pageLimit(req: Request): number | null {
  const value = req.query.limit;
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string' || !/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > MAX_PAGE) {
    throw new BadRequestError(`limit must be a whole number from 1 to ${MAX_PAGE}`);
  }
  return Number(value);
}

/** The request's query parameters that were given once, for the next page's link. */
function stringQuery(req: Request): Record<string, string> {
  return Object.fromEntries(Object.entries(req.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function attachCsv(res: Response, partnership: string, from: string, to: string): void {
  res.type('text/csv').attachment(`escalation-log-${partnership}-${from}-${to}.csv`.replace(/0000-01-01|9999-12-31/g, 'all'));
}

/** Writes a chunk and waits while the client is slow to take it; false when the client has gone. */
async function written(res: Response, chunk: string): Promise<boolean> {
  if (res.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
  return !res.destroyed;
}

export function reportRoutes(service: CaseService, db: Database, clock: Clock): Router {
  const router = Router();

  router.get('/:p/escalation-log', async (req, res) => {
    const { user } = authOf(res);
    const partnership = service.partnership(user, req.params.p);
    const { from, to } = dateRange(req);
    const limit = pageLimit(req);
    const after = typeof req.query.after === 'string' && req.query.after !== '' ? decodeLogCursor(req.query.after) : null;
    if (req.query.after !== undefined && typeof req.query.after !== 'string') throw new BadRequestError('after must be given once');
    const period: Period = { from, to, timeZone: partnership.def.timeZone };
    const utc = utcDatesAround(period);
    const processes = escalationLogProcesses(partnership).map((p) => p.id);
    // Need to know: only the transitions of cases this person may read.
    const readable = readableCasesSql(partnership, user, 'c');
    const query = { partnership: partnership.def.id, processes, readable, fromUtc: utc.from, toUtc: utc.to };
    const batches = historyBatchesOnUtcDates(db.reader, query, {
      after,
      // One row past the page says whether another follows.
      batch: limit === null ? STREAM_BATCH : limit + 1,
    });
    const csv = req.query.format === 'csv' || req.accepts(['application/json', 'text/csv']) === 'text/csv';

    if (limit !== null) {
      // One page: the first batch holds it, less any rows the widened UTC dates let in at the ends.
      const page: HistoryRow[] = [];
      for await (const batch of batches) {
        page.push(...historyInPeriod(batch, period));
        if (page.length > limit) break;
      }
      const shown = page.slice(0, limit);
      if (page.length > limit) {
        const last = shown[shown.length - 1]!;
        const next = new URLSearchParams({ ...stringQuery(req), after: encodeLogCursor({ at: last.at, position: last.position }) });
        res.links({ next: `${req.baseUrl}${req.path}?${next}` });
      }
      const rows = escalationLog(partnership, shown);
      if (csv) {
        attachCsv(res, partnership.def.id, from, to);
        res.send(escalationLogCsv(rows));
      } else res.json(rows);
      return;
    }

    // The whole log (from `after` on), written a batch at a time: never the whole log in memory.
    // The first batch is read before anything is sent, so a failing query still answers an error.
    let batch = await batches.next();
    if (csv) attachCsv(res, partnership.def.id, from, to);
    else res.type('application/json');
    let first = true;
    res.write(csv ? escalationLogCsvHeader() : '[');
    for (; !batch.done; batch = await batches.next()) {
      const rows = escalationLog(partnership, historyInPeriod(batch.value, period));
      if (rows.length === 0) continue;
      const chunk = csv ? escalationLogCsvLines(rows) : `${first ? '' : ','}${rows.map((row) => JSON.stringify(row)).join(',')}`;
      first = false;
      if (!(await written(res, chunk))) {
        // The client has gone: stop reading the log for nobody.
        await batches.return(undefined);
        return;
      }
    }
    res.end(csv ? '' : ']');
  });

  router.get('/:p/reports/summary', async (req, res) => {
    const { user } = authOf(res);
    const partnership = service.partnership(user, req.params.p);
    const { from, to } = dateRange(req);
    const { timeZone } = partnership.def;
    // Need to know: every figure counts only the cases this person may read.
    const readable = readableCasesSql(partnership, user, 'c');
    const processes = await readYearlySummary(db.reader, partnership, readable, { from, to, timeZone }, clock.today(timeZone));
    res.json({ partnership: partnership.def.id, from, to, timeZone, processes });
  });
  router.use(annualReportRoutes(service, db, clock));
  return router;
}
