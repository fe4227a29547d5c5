import { useState } from 'react';
import { api, ESCALATION_LOG_PAGE, escalationLogUrl } from '../api.ts';
import type { ProcessDefinition } from '../apiTypes.ts';
import { CaseLink } from '../components/CaseLink.tsx';
import { CursorPagination } from '../components/CursorPagination.tsx';
import { DateRangeFilter, type RangeProblems } from '../components/DateRangeFilter.tsx';
import { ErrorSummary } from '../components/ErrorSummary.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { TableScroll } from '../components/TableScroll.tsx';
import { formatDate, formatDateTime, ISO_DATE, todayIso } from '../format.ts';
import { loadDefinition, usePartnership } from '../partnership.tsx';
import { eventLabel, stateLabel } from '../processLabels.ts';
import { navigate, useLocation } from '../router.tsx';
import { useResource } from '../useResource.ts';

const DEFAULT_DAYS = 90;
/** The date inputs' paths, as the error summary links to them (`fieldId`). */
const PATHS = { from: 'log-from', to: 'log-to' } as const;

/**
 * The partnership's escalation log for a date range, with a CSV download of the same rows. The log
 * does not say which process a stage belongs to, so labels come from whichever definition has it.
 */
export function EscalationLogPage() {
  const partnership = usePartnership();
  const { search } = useLocation();
  const from = ISO_DATE.test(search.get('from') ?? '') ? search.get('from')! : todayIso(-DEFAULT_DAYS);
  const to = ISO_DATE.test(search.get('to') ?? '') ? search.get('to')! : todayIso();
  // The page the cursor points to; the server refuses a cursor that is not one it gave, with a message the page shows.
  const after = search.get('after') || undefined;
  const [log] = useResource(
    async () => {
      const [{ rows, next }, definitions] = await Promise.all([
        api.escalationLog(partnership.id, from, to, after),
        Promise.all(partnership.processes.map((process) => loadDefinition(partnership, process.id).catch(() => null))),
      ]);
      return {
        rows,
        next,
        definitions: definitions.filter((definition): definition is ProcessDefinition => definition !== null),
      };
    },
    `${partnership.id}:${from}:${to}:${after ?? ''}`,
  );
  const pageHref = (cursor?: string) => `/escalation-log?${new URLSearchParams({ from, to, ...(cursor ? { after: cursor } : {}) })}`;

  // What was typed that is not a date, for the range it was typed over; the log shown stays the last good one.
  const [typed, setTyped] = useState<{
    range: string;
    problems: RangeProblems;
  } | null>(null);
  const rangeKey = `${from}:${to}`;
  const problems = typed?.range === rangeKey ? typed.problems : {};
  const summaryItems = (['from', 'to'] as const).flatMap((field) => (problems[field] ? [{ message: problems[field].message, path: PATHS[field] }] : []));

  const definitionOf = (definitions: ProcessDefinition[], state: string) =>
    definitions.find((definition) => definition.states.some((candidate) => candidate.id === state)) ?? null;

  return (
    <>
      <ErrorSummary items={summaryItems} focusKey={summaryItems.map((item) => item.message).join()} />
      <PageHeading error={summaryItems.length > 0}>Escalation log</PageHeading>
      <p className="govuk-body">Every step of every dispute, with who took it, the reason and the outcome.</p>
      <DateRangeFilter
        range={{ from, to }}
        pathOf={PATHS}
        problems={problems}
        onApply={(range) => {
          setTyped(null);
          navigate(`/escalation-log?${new URLSearchParams(range)}`);
        }}
        onRefuse={(found) => setTyped({ range: rangeKey, problems: found })}
      />
      <p className="govuk-body">
        <a className="govuk-link" href={escalationLogUrl(partnership.id, from, to, 'csv')} download={`escalation-log-${from}-to-${to}.csv`}>
          Download the log from {formatDate(from)} to {formatDate(to)} (CSV)
        </a>
      </p>
      <Loaded resource={log}>
        {({ rows, next, definitions }) =>
          rows.length === 0 ? (
            <p className="govuk-body">{after ? 'Nothing more was escalated between these dates.' : 'Nothing was escalated between these dates.'}</p>
          ) : (
            <>
              <TableScroll label="The escalation log">
                <table className="govuk-table app-table-small">
                  <caption className="govuk-table__caption govuk-table__caption--m">{captionOf(rows.length, after !== undefined, next !== null)}</caption>
                  <thead className="govuk-table__head">
                    <tr className="govuk-table__row">
                      {['Case', 'When', 'Who', 'What happened', 'From', 'To', 'Reason', 'Outcome'].map((heading) => (
                        <th scope="col" className="govuk-table__header" key={heading}>
                          {heading}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody className="govuk-table__body">
                    {rows.map((row, index) => {
                      const definition = definitionOf(definitions, row.to);
                      return (
                        <tr className="govuk-table__row" key={`${row.caseId}-${index}`}>
                          <td className="govuk-table__cell">
                            <CaseLink id={row.caseId} reference={row.reference} />
                          </td>
                          <td className="govuk-table__cell">{formatDateTime(row.at)}</td>
                          <td className="govuk-table__cell">{row.byLabel ?? row.by}</td>
                          <td className="govuk-table__cell">{row.eventLabel ?? eventLabel(definition, row.event, row.from)}</td>
                          <td className="govuk-table__cell">{row.fromLabel ?? stateLabel(definition, row.from)}</td>
                          <td className="govuk-table__cell">{row.toLabel ?? stateLabel(definition, row.to)}</td>
                          <td className="govuk-table__cell app-preserve-lines">{row.reason ?? ''}</td>
                          <td className="govuk-table__cell app-preserve-lines">{row.outcome ?? ''}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </TableScroll>
              <CursorPagination label="Pages of the escalation log" first={after ? pageHref() : null} next={next ? pageHref(next) : null} />
            </>
          )
        }
      </Loaded>
    </>
  );
}

/** Says whether this is the whole log or one page of it, since a page cannot know how many entries follow. */
function captionOf(count: number, continued: boolean, more: boolean): string {
  const entries = `${count} ${count === 1 ? 'entry' : 'entries'}`;
  if (!continued && !more) return `${entries}, oldest first`;
  return `${entries}${continued ? ' after the previous page' : ''}, oldest first${more ? `; ${ESCALATION_LOG_PAGE} at a time` : ''}`;
}
