import { Router, type Request, type Response } from 'express';
import type { CaseService } from '../../cases/service.ts';
import { readableCasesSql } from '../../cases/access.ts';
import { annualReport, annualReportProcesses, annualTableCsv, financialYear, financialYearOf, type AnnualReport } from '../../cases/annual-report.ts';
import type { IsoDate } from '../../engine/definition.ts';
import { BadRequestError, NotFoundError } from '../../engine/errors.ts';
import { caseHistories } from '../../store/reports.ts';
import type { Database } from '../../store/database.ts';
import type { Clock } from '../../clock.ts';
import { authOf } from '../auth.ts';

/** The financial year asked for (the year of the April it starts), or the one holding today. */
function yearOf(req: Request, today: IsoDate, timeZone: string) {
  const value = req.query.year;
  if (value === undefined || value === '') return financialYearOf(today, timeZone);
  if (typeof value !== 'string' || !/^[0-9]{4}$/.test(value) || Number(value) < 1900 || Number(value) > 9998) {
    throw new BadRequestError('year must be the year a financial year starts, written as four digits: 2022 for 1 April 2022 to 31 March 2023');
  }
  return financialYear(Number(value), timeZone);
}

/**
 * The annual report's tables, as JSON or one table as CSV. Who may ask is who may ask for the
 * summary (any user of the partnership); every figure counts only the cases that person may read.
 */
export function annualReportRoutes(service: CaseService, db: Database, clock: Clock): Router {
  const router = Router();

  async function build(req: Request, res: Response): Promise<{ report: AnnualReport; partnership: string }> {
    const { user } = authOf(res);
    const partnership = service.partnership(user, String(req.params.p));
    const { timeZone } = partnership.def;
    const year = yearOf(req, clock.today(timeZone), timeZone);
    const readable = readableCasesSql(partnership, user, 'c');
    const histories = await caseHistories(db.reader, partnership.def.id, annualReportProcesses(partnership), readable);
    return { report: annualReport(partnership, histories, year), partnership: partnership.def.id };
  }

  function sendCsv(res: Response, partnership: string, report: AnnualReport, tableId: string): void {
    const table = report.tables.find((t) => t.id === tableId);
    if (table === undefined) throw new NotFoundError(`There is no annual report table "${tableId}"`);
    res.type('text/csv').attachment(`${table.id}-${partnership}-${report.year}-${String((report.year + 1) % 100).padStart(2, '0')}.csv`);
    res.send(annualTableCsv(report, table));
  }

  router.get('/:p/reports/annual', async (req, res) => {
    const { report, partnership } = await build(req, res);
    const wantsCsv = req.query.format === 'csv' || req.accepts(['application/json', 'text/csv']) === 'text/csv';
    if (wantsCsv) {
      const table = req.query.table;
      if (typeof table !== 'string' || table === '') throw new BadRequestError('table must name the table to download as CSV');
      sendCsv(res, partnership, report, table);
      return;
    }
    res.json(report);
  });

  router.get('/:p/reports/annual/:table.csv', async (req, res) => {
    const { report, partnership } = await build(req, res);
    sendCsv(res, partnership, report, String(req.params.table));
  });
  return router;
}
