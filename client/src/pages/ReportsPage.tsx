import { useState } from 'react';
import { api, ERROR_CODES } from '../api.ts';
import type { FormId, PartnershipSummary, ProcessDefinition, ProcessReport, StateId } from '../apiTypes.ts';
import { DateRangeFilter, readDate, type RangeField, type RangeProblems } from '../components/DateRangeFilter.tsx';
import { ErrorSummary, type SummaryItem } from '../components/ErrorSummary.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { TableScroll } from '../components/TableScroll.tsx';
import { loadForm } from '../forms/formDefinitions.ts';
import { describeFields, type Field } from '../forms/fields.ts';
import { formatDate, todayIso } from '../format.ts';
import { loadDefinition, usePartnership } from '../partnership.tsx';
import { stateLabel } from '../processLabels.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useResource } from '../useResource.ts';

interface Period {
  from: string;
  to: string;
}

/** The financial year (April to March) holding `today`, or `offset` years from it. */
function financialYear(today: string, offset = 0): Period {
  const [year, month] = today.split('-').map(Number);
  const start = (month >= 4 ? year : year - 1) + offset;
  return { from: `${start}-04-01`, to: `${start + 1}-03-31` };
}

function calendarYear(today: string): Period {
  const year = today.slice(0, 4);
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

function reportHref({ from, to }: Period): string {
  return `/reports?${new URLSearchParams({ from, to })}`;
}

/** The date inputs' paths, as the error summary links to them (`fieldId`). */
const PATHS = { from: 'report-from', to: 'report-to' } as const;

/** A date missing from the address (a link, or one typed in) is the person's to fill in. */
function missingDates({ from, to }: Period): RangeProblems {
  const missing = (field: RangeField, date: string) => {
    const read = date === '' ? readDate(field, { day: '', month: '', year: '' }) : null;
    return read && 'problem' in read ? { [field]: read.problem } : {};
  };
  return { ...missing('from', from), ...missing('to', to) };
}

/** The server names the parameter its 400 is about first ("from must be…"): that field gets the message. */
function fieldOfMessage(message: string): RangeField | null {
  const match = /^(from|to)\b/.exec(message);
  return match ? (match[1] as RangeField) : null;
}

/** A report with each process's definition (for state labels) and the labels of the answers it counts. */
interface LoadedReport {
  report: Awaited<ReturnType<typeof api.summaryReport>>;
  definitions: Map<string, ProcessDefinition>;
  answerLabels: Map<string, Map<string, string>>;
}

/**
 * The words for the answers an outcome counts: the options of the process's forms ("Refer to the National
 * Panel" for `national-review`), found by value; the first form to offer a value names it.
 */
async function loadAnswerLabels(partnership: PartnershipSummary, definition: ProcessDefinition): Promise<Map<string, string>> {
  const formIds = [...new Set([definition.start.form, ...definition.events.map((event) => event.form)])].filter(
    (form): form is FormId => form !== null,
  );
  const forms = await Promise.all(formIds.map((form) => loadForm(partnership.id, form).catch(() => null)));
  const labels = new Map<string, string>();
  const visit = (field: Field) => {
    if (field.kind === 'choice' || field.kind === 'multi-choice') {
      for (const option of field.options) if (!labels.has(String(option.value))) labels.set(String(option.value), option.label);
    }
    if (field.kind === 'group' || field.kind === 'rows') field.fields.forEach(visit);
    if (field.kind === 'list') visit(field.item);
  };
  for (const form of forms) if (form) describeFields(form.schema, form.schema, form.ui).forEach(visit);
  return labels;
}

function answerLabel(labels: Map<string, string> | undefined, value: string): string {
  if (value === 'true') return 'Yes';
  if (value === 'false') return 'No';
  return labels?.get(value) ?? value;
}

/** The yearly summary of every process: cases opened and closed, outcomes, deadlines met and missed. */
export function ReportsPage() {
  const partnership = usePartnership();
  const { search } = useLocation();
  const today = todayIso();
  const thisFinancialYear = financialYear(today);
  const asked = search.has('from') || search.has('to');
  const period: Period = asked ? { from: search.get('from') ?? '', to: search.get('to') ?? '' } : thisFinancialYear;
  const missing = missingDates(period);
  const missingAny = Object.keys(missing).length > 0;
  // What was typed that is not a date: kept until a period is shown.
  const [typed, setTyped] = useState<{ period: string; problems: RangeProblems } | null>(null);
  const periodKey = `${period.from}:${period.to}`;

  const [loaded] = useResource(async (): Promise<LoadedReport | null> => {
    if (missingAny) return null;
    const report = await api.summaryReport(partnership.id, period.from, period.to);
    const definitions = new Map<string, ProcessDefinition>();
    const answerLabels = new Map<string, Map<string, string>>();
    await Promise.all(
      report.processes.map(async ({ process, outcomes }) => {
        const definition = await loadDefinition(partnership, process).catch(() => null);
        if (!definition) return;
        definitions.set(process, definition);
        const counted = Object.values(outcomes).some((counts) => Object.keys(counts).length > 0);
        if (counted) answerLabels.set(process, await loadAnswerLabels(partnership, definition));
      }),
    );
    return { report, definitions, answerLabels };
  }, `${partnership.id}:${period.from}:${period.to}`);

  // Refusals of the range: what was typed that is not a date, what is missing, or the server's 400 about the dates.
  const refused = loaded.status === 'failed' && loaded.error.code === ERROR_CODES.badRequest ? loaded.error : null;
  const serverField = refused ? fieldOfMessage(refused.message) : null;
  const problems: RangeProblems =
    typed?.period === periodKey
      ? typed.problems
      : refused
        ? serverField
          ? { [serverField]: { message: refused.message, parts: ['day', 'month', 'year'] } }
          : {}
        : missing;
  const summaryItems: SummaryItem[] = [
    ...(['from', 'to'] as const).flatMap((field) => (problems[field] ? [{ message: problems[field].message, path: PATHS[field] }] : [])),
    ...(refused && !serverField && typed?.period !== periodKey ? [{ message: refused.message }] : []),
  ];

  const quickLinks: [string, Period][] = [
    ['This financial year', thisFinancialYear],
    ['Last financial year', financialYear(today, -1)],
    ['This calendar year', calendarYear(today)],
  ];

  return (
    <>
      <ErrorSummary items={summaryItems} focusKey={`${periodKey}:${summaryItems.map((item) => item.message).join()}`} />
      <PageHeading error={summaryItems.length > 0}>Reports</PageHeading>
      <p className="govuk-body">
        For each process: how many cases were opened and closed in a period, what was decided, and whether deadlines falling due in
        it were met.
      </p>
      <DateRangeFilter
        range={period}
        pathOf={PATHS}
        problems={problems}
        onApply={(range) => {
          setTyped(null);
          navigate(reportHref(range));
        }}
        onRefuse={(found) => setTyped({ period: periodKey, problems: found })}
      />
      <p className="govuk-body">
        <Link className="govuk-link" href="/reports/annual">
          Annual report tables
        </Link>
        : the figures the annual report sets out for a financial year, with charts, each as a spreadsheet.
      </p>
      <h2 className="govuk-heading-s">Or choose a whole year</h2>
      <ul className="govuk-list">
        {quickLinks.map(([text, range]) => (
          <li key={text}>
            <Link className="govuk-link" href={reportHref(range)}>
              {text}
            </Link>{' '}
            <span className="app-secondary-text">
              ({formatDate(range.from)} to {formatDate(range.to)})
            </span>
          </li>
        ))}
      </ul>
      {!refused && !missingAny && typed?.period !== periodKey && (
        <Loaded resource={loaded}>
          {(found) =>
            found && (
              <>
                <h2 className="govuk-heading-l">
                  {formatDate(found.report.from)} to {formatDate(found.report.to)}
                </h2>
                {found.report.processes.map((summary) => (
                  <ProcessSummary
                    key={summary.process}
                    summary={summary}
                    definition={found.definitions.get(summary.process) ?? null}
                    answerLabels={found.answerLabels.get(summary.process)}
                  />
                ))}
              </>
            )
          }
        </Loaded>
      )}
    </>
  );
}

function ProcessSummary({
  summary,
  definition,
  answerLabels,
}: {
  summary: ProcessReport;
  definition: ProcessDefinition | null;
  answerLabels: Map<string, string> | undefined;
}) {
  const finalStates: StateId[] = [
    ...(definition?.states.filter((state) => state.final).map((state) => state.id) ?? []),
    ...(Object.keys(summary.closed) as StateId[]),
  ].filter((state, index, all) => all.indexOf(state) === index);
  const closed = Object.values(summary.closed).reduce((total, count) => total + count, 0);
  const outcomes = Object.entries(summary.outcomes);
  const deadlines = Object.entries(summary.deadlines);
  const headingId = `report-${summary.process}`;

  return (
    <section className="app-report" data-process={summary.process} aria-labelledby={headingId}>
      <h2 className="govuk-heading-m" id={headingId}>
        {summary.title}
      </h2>
      <dl className="govuk-summary-list">
        <div className="govuk-summary-list__row" data-figure="cases-opened">
          <dt className="govuk-summary-list__key">Cases opened</dt>
          <dd className="govuk-summary-list__value">{summary.opened}</dd>
        </div>
        <div className="govuk-summary-list__row" data-figure="cases-closed">
          <dt className="govuk-summary-list__key">Cases closed</dt>
          <dd className="govuk-summary-list__value">{closed}</dd>
        </div>
      </dl>

      {finalStates.length > 0 && (
        <table className="govuk-table">
          <caption className="govuk-table__caption govuk-table__caption--s">How the cases closed</caption>
          <thead className="govuk-table__head">
            <tr className="govuk-table__row">
              <th scope="col" className="govuk-table__header">
                Final stage
              </th>
              <th scope="col" className="govuk-table__header govuk-table__header--numeric">
                Cases
              </th>
            </tr>
          </thead>
          <tbody className="govuk-table__body">
            {finalStates.map((state) => (
              <tr className="govuk-table__row" key={state} data-state={state}>
                <th scope="row" className="govuk-table__header">
                  {stateLabel(definition, state)}
                </th>
                <td className="govuk-table__cell govuk-table__cell--numeric">{summary.closed[state] ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {outcomes.map(([label, counts]) => {
        const answers = Object.entries(counts);
        return answers.length === 0 ? (
          <p className="govuk-body" key={label}>
            <strong>{label}:</strong> none recorded in this period.
          </p>
        ) : (
          <table className="govuk-table" key={label}>
            <caption className="govuk-table__caption govuk-table__caption--s">{label}</caption>
            <thead className="govuk-table__head">
              <tr className="govuk-table__row">
                <th scope="col" className="govuk-table__header">
                  Answer
                </th>
                <th scope="col" className="govuk-table__header govuk-table__header--numeric">
                  Times given
                </th>
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {answers.map(([value, count]) => (
                <tr className="govuk-table__row" key={value}>
                  <th scope="row" className="govuk-table__header">
                    {answerLabel(answerLabels, value)}
                  </th>
                  <td className="govuk-table__cell govuk-table__cell--numeric">{count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}

      {deadlines.length === 0 ? (
        <p className="govuk-body">No deadlines fell due in this period.</p>
      ) : (
        <TableScroll label="Deadlines falling due in this period">
          <table className="govuk-table">
            <caption className="govuk-table__caption govuk-table__caption--s">Deadlines falling due in this period</caption>
            <thead className="govuk-table__head">
              <tr className="govuk-table__row">
                <th scope="col" className="govuk-table__header">
                  Deadline
                </th>
                {['Met', 'Missed', 'Overdue', 'Still open'].map((heading) => (
                  <th scope="col" className="govuk-table__header govuk-table__header--numeric" key={heading}>
                    {heading}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {deadlines.map(([id, counts]) => (
                <tr className="govuk-table__row" key={id} data-deadline={id}>
                  <th scope="row" className="govuk-table__header">
                    {counts.label}
                  </th>
                  <td className="govuk-table__cell govuk-table__cell--numeric">{counts.met}</td>
                  <td className="govuk-table__cell govuk-table__cell--numeric">{counts.missed}</td>
                  <td className="govuk-table__cell govuk-table__cell--numeric">{counts.overdue}</td>
                  <td className="govuk-table__cell govuk-table__cell--numeric">{counts.open}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
