import { Router, type Request } from 'express';
import type { CaseService } from '../../cases/service.ts';
import { readableCasesSql } from '../../cases/access.ts';
import { escalationLog, escalationLogCsv, escalationLogProcesses, historyInPeriod, OPEN_FROM, OPEN_TO, summarise, utcDatesAround, type Period } from '../../cases/reports.ts';
import { isIsoDate } from '../../engine/dates/index.ts';
import { BadRequestError } from '../../engine/errors.ts';
import { casesForPeriod, deadlinesDueInRange, historyOnUtcDates } from '../../store/reports.ts';
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

export function reportRoutes(service: CaseService, db: Database, clock: Clock): Router {
  const router = Router();

  router.get('/:p/escalation-log', async (req, res) => {
    const { user } = authOf(res);
    const partnership = service.partnership(user, req.params.p);
    const { from, to } = dateRange(req);
    const period: Period = { from, to, timeZone: partnership.def.timeZone };
    const utc = utcDatesAround(period);
    const processes = escalationLogProcesses(partnership).map((p) => p.id);
    // Need to know: only the transitions of cases this person may read.
    const readable = readableCasesSql(partnership, user, 'c');
    const history = await historyOnUtcDates(db.reader, partnership.def.id, processes, readable, utc.from, utc.to);
    const rows = escalationLog(partnership, historyInPeriod(history, period));
    if (req.query.format === 'csv' || req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      res.type('text/csv').attachment(`escalation-log-${partnership.def.id}-${from}-${to}.csv`.replace(/0000-01-01|9999-12-31/g, 'all'));
      res.send(escalationLogCsv(rows));
      return;
    }
    res.json(rows);
  });

  router.get('/:p/reports/summary', async (req, res) => {
    const { user } = authOf(res);
    const partnership = service.partnership(user, req.params.p);
    const { from, to } = dateRange(req);
    const { timeZone } = partnership.def;
    const period: Period = { from, to, timeZone };
    const utc = utcDatesAround(period);
    const processes = [...partnership.processes.values()];
    // Need to know: every figure counts only the cases this person may read.
    const readable = readableCasesSql(partnership, user, 'c');
    const history = historyInPeriod(await historyOnUtcDates(db.reader, partnership.def.id, processes.map((p) => p.def.id), readable, utc.from, utc.to), period);
    const cases = (
      await Promise.all(
        processes.map((p) =>
          casesForPeriod(db.reader, partnership.def.id, p.def.id, p.def.reports?.caseDate, readable, { from, to, createdFromUtc: utc.from, createdToUtc: utc.to }),
        ),
      )
    ).flat();
    const deadlines = await deadlinesDueInRange(db.reader, partnership.def.id, readable, from, to);
    const today = clock.today(timeZone);
    res.json({ partnership: partnership.def.id, from, to, timeZone, processes: summarise(partnership, { history, cases, deadlines }, period, today) });
  });
  router.use(annualReportRoutes(service, db, clock));
  return router;
}
