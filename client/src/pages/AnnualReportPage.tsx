import type { FormEvent } from 'react';
import { annualTableCsvUrl, api, ERROR_CODES } from '../api.ts';
import type { AnnualReport, AnnualTable } from '../apiTypes.ts';
import { ErrorSummary } from '../components/ErrorSummary.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { formatDate, todayIso } from '../format.ts';
import { usePartnership } from '../partnership.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { useResource } from '../useResource.ts';
import './AnnualReportPage.css';

/** How many past financial years the chooser offers: an annual report looks back, and older ones are typed in the address. */
const YEARS_OFFERED = 10;
const YEAR_FIELD = 'annual-report-year';

/** The financial year (April to March) holding a `YYYY-MM-DD` date, named by the year of its April. */
function financialYearOf(date: string): number {
  const year = Number(date.slice(0, 4));
  return date.slice(5) >= '04-01' ? year : year - 1;
}

/** "2022/23": how annual reports name a financial year. */
function yearName(year: number): string {
  return `${year}/${String((year + 1) % 100).padStart(2, '0')}`;
}

function annualHref(year: number, table?: string): string {
  return `/reports/annual${table === undefined ? '' : `/${encodeURIComponent(table)}`}?${new URLSearchParams({ year: String(year) })}`;
}

/** The year asked for in the address, or this financial year; what the server refuses it says why. */
function yearAsked(search: URLSearchParams, thisYear: number): string {
  return search.get('year') ?? String(thisYear);
}

/**
 * The annual report's tables for one financial year, as the partnership's annual report sets them out:
 * each table with its chart beside it where one helps, and each as CSV. With `table`, that table alone.
 */
export function AnnualReportPage({ table }: { table?: string }) {
  const partnership = usePartnership();
  const { search } = useLocation();
  const thisYear = financialYearOf(todayIso());
  const asked = yearAsked(search, thisYear);
  const [report] = useResource(() => api.annualReport(partnership.id, Number(asked)), `${partnership.id}:${asked}`);
  const refused = report.status === 'failed' && report.error.code === ERROR_CODES.badRequest ? report.error.message : null;
  const years = Array.from({ length: YEARS_OFFERED }, (_, i) => thisYear - i);

  function choose(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const year = Number(new FormData(event.currentTarget).get('year'));
    navigate(annualHref(year, table));
  }

  return (
    <>
      <ErrorSummary items={refused ? [{ message: refused, path: YEAR_FIELD }] : []} focusKey={refused ?? ''} />
      <p className="govuk-body">
        <Link className="govuk-link" href="/reports">
          Back to reports
        </Link>
      </p>
      <PageHeading error={refused !== null}>{table === undefined ? 'Annual report tables' : 'Annual report table'}</PageHeading>
      <p className="govuk-body">
        The figures the annual report sets out, for a financial year from 1 April to 31 March, counted by the date each thing
        happened. Each table can be downloaded as a spreadsheet (CSV).
      </p>
      <form className="app-filters" onSubmit={choose} noValidate key={asked}>
        <div className={`govuk-form-group app-filters__item app-annual-year-group${refused ? ' govuk-form-group--error' : ''}`}>
          <label className="govuk-label" htmlFor={YEAR_FIELD}>
            Financial year
          </label>
          {refused && (
            <p className="govuk-error-message" id={`${YEAR_FIELD}-error`}>
              <span className="govuk-visually-hidden">Error:</span> {refused}
            </p>
          )}
          <select
            className={`govuk-select app-annual-year${refused ? ' govuk-select--error' : ''}`}
            id={YEAR_FIELD}
            name="year"
            defaultValue={years.includes(Number(asked)) ? asked : String(thisYear)}
            aria-describedby={refused ? `${YEAR_FIELD}-error` : undefined}
          >
            {years.map((year) => (
              <option key={year} value={year}>
                {yearName(year)} (April {year} to March {year + 1})
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="govuk-button govuk-button--secondary app-filters__item">
          Show
        </button>
      </form>
      {!refused && (
        <Loaded resource={report}>
          {(found) => <Tables report={found} only={table} />}
        </Loaded>
      )}
    </>
  );
}

function Tables({ report, only }: { report: AnnualReport; only: string | undefined }) {
  const shown = only === undefined ? report.tables : report.tables.filter((t) => t.id === only);
  const period = `${formatDate(report.from)} to ${formatDate(report.to)}`;
  if (shown.length === 0) {
    return <p className="govuk-body">{only === undefined ? 'No process of this partnership declares annual report tables.' : 'There is no such table.'}</p>;
  }
  return (
    <>
      <h2 className="govuk-heading-l">
        {yearName(report.year)}: {period}
      </h2>
      {only === undefined && (
        <nav aria-label="Tables in this report">
          <ul className="govuk-list">
            {shown.map((t) => (
              <li key={t.id}>
                <Link className="govuk-link" href={annualHref(report.year, t.id)}>
                  {t.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {shown.map((t) => (
        <TableSection key={t.id} table={t} report={report} period={period} />
      ))}
    </>
  );
}

function TableSection({ table, report, period }: { table: AnnualTable; report: AnnualReport; period: string }) {
  const partnership = usePartnership();
  const counts = table.columns.filter((c) => c.numeric);
  const headingId = `annual-${table.id}`;
  // On a narrow screen a wide table scrolls sideways within itself: focusable, so the keyboard can scroll it too.
  const grid = (
    <div className="app-table-scroll" tabIndex={0} role="region" aria-label={`${table.title}: the table`}>
      <table className="govuk-table" data-table={table.id}>
        <caption className="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">
          {table.title}, {period}
        </caption>
        <thead className="govuk-table__head">
          <tr className="govuk-table__row">
            {table.columns.map((c) => (
              <th scope="col" className={`govuk-table__header${c.numeric ? ' govuk-table__header--numeric' : ''}`} key={c.id}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="govuk-table__body">
          {table.rows.map((row) => (
            <tr className="govuk-table__row" key={row.label}>
              <th scope="row" className="govuk-table__header">
                {row.label}
              </th>
              {counts.map((c) => (
                <td className="govuk-table__cell govuk-table__cell--numeric" key={c.id}>
                  {row.values[c.id] ?? 0}
                </td>
              ))}
            </tr>
          ))}
          <tr className="govuk-table__row app-annual-total">
            <th scope="row" className="govuk-table__header">
              Total
            </th>
            {counts.map((c) => (
              <td className="govuk-table__cell govuk-table__cell--numeric" key={c.id}>
                {table.total[c.id] ?? 0}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
  return (
    <section className="app-annual-table" aria-labelledby={headingId}>
      <h3 className="govuk-heading-m" id={headingId}>
        {table.title}
      </h3>
      {table.description && <p className="govuk-body">{table.description}</p>}
      {table.chart && counts[0] !== undefined ? (
        <div className="govuk-grid-row">
          <div className="govuk-grid-column-one-half">{grid}</div>
          <div className="govuk-grid-column-one-half">
            <BarChart table={table} column={counts[0].id} />
          </div>
        </div>
      ) : (
        grid
      )}
      <p className="govuk-body">
        <a className="govuk-link" href={annualTableCsvUrl(partnership.id, table.id, report.year)} download>
          Download “{table.title}” for {yearName(report.year)} (CSV)
        </a>
      </p>
    </section>
  );
}

/**
 * The first count column as horizontal bars. The table beside it holds the same figures for
 * everyone, screen readers included, so the picture is hidden from them rather than read twice.
 * Widths are SVG attributes, not inline styles, which the Content-Security-Policy forbids.
 */
function BarChart({ table, column }: { table: AnnualTable; column: string }) {
  const largest = Math.max(1, ...table.rows.map((r) => r.values[column] ?? 0));
  return (
    <figure className="app-bar-chart" aria-hidden="true">
      {table.rows.map((row) => {
        const value = row.values[column] ?? 0;
        return (
          <div className="app-bar-chart__row" key={row.label}>
            <span className="app-bar-chart__label">{row.label}</span>
            <span className="app-bar-chart__bar">
              <svg viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false" width="100%" height="20">
                <rect x="0" y="0" height="10" width={(value / largest) * 100} className="app-bar-chart__fill" />
              </svg>
              <span className="app-bar-chart__value">{value}</span>
            </span>
          </div>
        );
      })}
    </figure>
  );
}
