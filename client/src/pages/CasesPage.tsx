import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import type { CaseFilters, CaseSummary, ProcessId, User } from '../apiTypes.ts';
import { CaseLink } from '../components/CaseLink.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { formatDateTime } from '../format.ts';
import { processTitle, useDefinition, usePartnership } from '../partnership.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { useUser } from '../session.tsx';
import { useResource } from '../useResource.ts';

interface Row {
  item: CaseSummary;
  /** What this person has to do on it, when the page is "my cases". */
  actions: string[];
  raisedByMe: boolean;
}

/**
 * "My cases" needs to know who raised each case and what the reader may do on it. List items that
 * carry `createdBy` and `available` say so themselves; otherwise each open case is read in full
 * (a finished case offers nothing to do).
 */
async function myRows(user: User, items: CaseSummary[]): Promise<Row[]> {
  const rows = await Promise.all(
    items.map(async (item) => {
      const full =
        item.createdBy !== undefined && (item.available !== undefined || item.final === true) ? item : await api.case(item.id);
      return {
        item,
        actions: (full.available ?? []).map((event) => event.label),
        raisedByMe: full.createdBy === user.username,
      };
    }),
  );
  return rows.filter((row) => row.raisedByMe || row.actions.length > 0);
}

function filtersFrom(search: URLSearchParams): CaseFilters {
  return {
    process: search.get('process') ?? undefined,
    state: search.get('state') ?? undefined,
    overdue: search.get('overdue') === 'true',
    cursor: search.get('cursor') ?? undefined,
  };
}

function hrefWith(base: string, filters: CaseFilters): string {
  const search = new URLSearchParams();
  if (filters.process) search.set('process', filters.process);
  if (filters.state) search.set('state', filters.state);
  if (filters.overdue) search.set('overdue', 'true');
  if (filters.cursor) search.set('cursor', filters.cursor);
  const text = search.toString();
  return text ? `${base}?${text}` : base;
}

/** The partnership's cases, newest first: everyone's (with filters) or the reader's own. */
export function CasesPage({ mine }: { mine: boolean }) {
  const user = useUser();
  const partnership = usePartnership();
  const { pathname, search } = useLocation();
  const filters = filtersFrom(search);
  const [page] = useResource(async () => {
    const result = await api.cases(filters);
    const rows = mine
      ? await myRows(user, result.items)
      : result.items.map((item) => ({ item, actions: [], raisedByMe: item.createdBy === user.username }));
    return { rows, nextCursor: result.nextCursor };
  }, `${mine}?${search.toString()}`);

  return (
    <>
      <PageHeading>{mine ? 'My cases' : 'All cases'}</PageHeading>
      {mine ? (
        <p className="govuk-body">Cases you raised, and cases waiting for something you can do.</p>
      ) : (
        <Filters filters={filters} />
      )}
      <Loaded resource={page}>
        {({ rows, nextCursor }) => (
          <>
            {rows.length === 0 ? (
              <p className="govuk-body">{mine ? 'You have no cases on this page of the list.' : 'No cases match these filters.'}</p>
            ) : (
              <table className="govuk-table">
                <caption className="govuk-table__caption govuk-visually-hidden">{mine ? 'My cases' : 'Cases'}</caption>
                <thead className="govuk-table__head">
                  <tr className="govuk-table__row">
                    <th scope="col" className="govuk-table__header">Case</th>
                    <th scope="col" className="govuk-table__header">Process</th>
                    <th scope="col" className="govuk-table__header">Stage</th>
                    <th scope="col" className="govuk-table__header">{mine ? 'For you' : 'Last updated'}</th>
                  </tr>
                </thead>
                <tbody className="govuk-table__body">
                  {rows.map(({ item, actions, raisedByMe }) => (
                    <tr className="govuk-table__row" key={item.id}>
                      <td className="govuk-table__cell">
                        <CaseLink id={item.id} />
                        {item.summary && <p className="govuk-body-s app-secondary-text app-case-summary">{item.summary}</p>}
                      </td>
                      <td className="govuk-table__cell">{item.processTitle ?? processTitle(partnership, item.process)}</td>
                      <td className="govuk-table__cell">
                        {item.stateLabel}
                        {item.overdue && <strong className="govuk-tag govuk-tag--red app-tag-after">Overdue</strong>}
                      </td>
                      <td className="govuk-table__cell">
                        {mine ? (
                          <ul className="govuk-list">
                            {actions.map((action) => (
                              <li key={action}>{action}</li>
                            ))}
                            {raisedByMe && <li className="app-secondary-text">You raised this case</li>}
                          </ul>
                        ) : (
                          formatDateTime(item.updatedAt)
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <nav className="govuk-pagination govuk-pagination--block" aria-label="Pages of cases">
              {filters.cursor && (
                <div className="govuk-pagination__prev">
                  <Link className="govuk-link govuk-pagination__link" href={hrefWith(pathname, { ...filters, cursor: undefined })}>
                    <span className="govuk-pagination__link-title">First page</span>
                  </Link>
                </div>
              )}
              {nextCursor && (
                <div className="govuk-pagination__next">
                  <Link className="govuk-link govuk-pagination__link" href={hrefWith(pathname, { ...filters, cursor: nextCursor })} rel="next">
                    <span className="govuk-pagination__link-title">Next page</span>
                  </Link>
                </div>
              )}
            </nav>
          </>
        )}
      </Loaded>
    </>
  );
}

function Filters({ filters }: { filters: CaseFilters }) {
  const partnership = usePartnership();
  const [process, setProcess] = useState(filters.process ?? '');
  const definition = useDefinition((process || undefined) as ProcessId | undefined);
  const states = definition.status === 'ready' && definition.data ? definition.data.states : [];

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(
      hrefWith('/cases', {
        process: String(form.get('process') ?? ''),
        state: String(form.get('state') ?? ''),
        overdue: form.get('overdue') === 'true',
      }),
    );
  }

  return (
    <form className="app-filters" onSubmit={apply} noValidate>
      <div className="govuk-form-group app-filters__item">
        <label className="govuk-label" htmlFor="filter-process">
          Process
        </label>
        <select
          className="govuk-select"
          id="filter-process"
          name="process"
          value={process}
          onChange={(event) => setProcess(event.target.value)}
        >
          <option value="">All processes</option>
          {partnership.processes.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.title}
            </option>
          ))}
        </select>
      </div>
      <div className="govuk-form-group app-filters__item">
        <label className="govuk-label" htmlFor="filter-state">
          Stage
        </label>
        <div id="filter-state-hint" className="govuk-hint">
          Choose a process to see its stages
        </div>
        <select
          className="govuk-select"
          id="filter-state"
          name="state"
          defaultValue={filters.process === process ? (filters.state ?? '') : ''}
          // Remounts once the stages arrive, so the stage in the address is selected.
          key={`${process}:${states.length}`}
          aria-describedby="filter-state-hint"
          disabled={states.length === 0}
        >
          <option value="">Any stage</option>
          {states.map((state) => (
            <option key={state.id} value={state.id}>
              {state.label}
            </option>
          ))}
        </select>
      </div>
      <div className="govuk-form-group app-filters__item">
        <div className="govuk-checkboxes govuk-checkboxes--small">
          <div className="govuk-checkboxes__item">
            <input
              className="govuk-checkboxes__input"
              id="filter-overdue"
              name="overdue"
              type="checkbox"
              value="true"
              defaultChecked={filters.overdue}
            />
            <label className="govuk-label govuk-checkboxes__label" htmlFor="filter-overdue">
              Only cases with an overdue deadline
            </label>
          </div>
        </div>
      </div>
      <button type="submit" className="govuk-button govuk-button--secondary app-filters__item">
        Apply filters
      </button>
    </form>
  );
}
