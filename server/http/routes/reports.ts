import { Router, type Request } from 'express';
import type { CaseService } from '../../cases/service.ts';
import { escalationLog, escalationLogProcesses, summarise, toCsv } from '../../cases/reports.ts';
import { isIsoDate } from '../../engine/dates/index.ts';
import { BadRequestError } from '../../engine/errors.ts';
import { deadlinesDueInRange, historyInRange } from '../../store/reports.ts';
import type { Database } from '../../store/sqlite.ts';
import type { Clock } from '../../clock.ts';
import { authOf } from '../auth.ts';

const LOG_COLUMNS = ['caseId', 'at', 'by', 'from', 'to', 'event', 'reason', 'outcome'] as const;

/** `from`/`to` (inclusive); either may be left out for an open end. */
function dateRange(req: Request): { from: string; to: string } {
  const read = (name: 'from' | 'to', open: string) => {
    const value = req.query[name];
    if (value === undefined || value === '') return open;
    if (typeof value !== 'string' || !isIsoDate(value)) throw new BadRequestError(`${name} must be a real date written YYYY-MM-DD`);
    return value;
  };
  const range = { from: read('from', '0000-01-01'), to: read('to', '9999-12-31') };
  if (range.from > range.to) throw new BadRequestError('from must be on or before to');
  return range;
}

export function reportRoutes(service: CaseService, db: Database, clock: Clock): Router {
  const router = Router();

  router.get('/:p/escalation-log', async (req, res) => {
    const partnership = service.partnership(authOf(res).user, req.params.p);
    const { from, to } = dateRange(req);
    const processes = escalationLogProcesses(partnership).map((p) => p.id);
    const rows = escalationLog(partnership, await historyInRange(db.reader, partnership.def.id, processes, from, to));
    if (req.query.format === 'csv' || req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      res.type('text/csv').attachment(`escalation-log-${partnership.def.id}-${from}-${to}.csv`.replace(/0000-01-01|9999-12-31/g, 'all'));
      res.send(toCsv(LOG_COLUMNS, rows as unknown as Record<string, unknown>[]));
      return;
    }
    res.json(rows);
  });

  router.get('/:p/reports/summary', async (req, res) => {
    const partnership = service.partnership(authOf(res).user, req.params.p);
    const { from, to } = dateRange(req);
    const processes = [...partnership.processes.keys()];
    const history = await historyInRange(db.reader, partnership.def.id, processes, from, to);
    const deadlines = await deadlinesDueInRange(db.reader, partnership.def.id, from, to);
    res.json({ partnership: partnership.def.id, from, to, processes: summarise(partnership, history, deadlines, clock.today()) });
  });
  return router;
}
