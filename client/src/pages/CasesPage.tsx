import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import type { CaseFilters, CaseSummary, ProcessId } from '../apiTypes.ts';
import { CaseLink } from '../components/CaseLink.tsx';
import { CursorPagination } from '../components/CursorPagination.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { TableScroll } from '../components/TableScroll.tsx';
import { formatDate } from '../format.ts';
import { processTitle, useDefinition, usePartnership } from '../partnership.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { useResource } from '../useResource.ts';
import { waitingWords } from '../waiting.ts';

function filtersFrom(search: URLSearchParams): CaseFilters {
  return {
    process: search.get('process') ?? undefined,
    state: search.get('state') ?? undefined,
    overdue: search.get('overdue') === 'true',
    q: search.get('q') ?? undefined,
    sort: search.get('sort') === 'due' ? 'due' : undefined,
    cursor: search.get('cursor') ?? undefined,
  };
}

function hrefWith(base: string, filters: CaseFilters): string {
  const search = new URLSearchParams();
  if (filters.q) search.set('q', filters.q);
  if (filters.process) search.set('process', filters.process);
  if (filters.state) search.set('state', filters.state);
  if (filters.overdue) search.set('overdue', 'true');
  if (filters.sort === 'due') search.set('sort', 'due');
  if (filters.cursor) search.set('cursor', filters.cursor);
  const text = search.toString();
  return text ? `${base}?${text}` : base;
}

/**
 * "My cases" is the reader's work list: the cases their roles can move on now (or that wait for
 * them as the person who raised them), most urgent first, with what they can do as links. "All
 * cases" is every case they may read, newest first or by due date, with filters and search.
 */
export function CasesPage({ mine }: { mine: boolean }) {
  const partnership = usePartnership();
  const { pathname, search } = useLocation();
  const filters = filtersFrom(search);
  const [page] = useResource(
    () => api.cases(mine ? { waitingForMe: true, sort: 'due', cursor: filters.cursor } : filters),
    `${mine}?${search.toString()}`,
  );

  return (
    <>
      <PageHeading>{mine ? 'My cases' : filters.q ? `Cases matching “${filters.q}”` : 'All cases'}</PageHeading>
      {mine && <p className="govuk-body">Cases waiting for something you can do, the most urgent first.</p>}
      <SearchForm q={filters.q ?? ''} />
      {!mine && <Filters filters={filters} />}
      <Loaded resource={page}>
        {({ items, nextCursor }) => (
          <>
            {items.length === 0 ? (
              <p className="govuk-body">
                {mine ? 'Nothing is waiting for you at the moment.' : filters.q ? 'No case you can see matches this search.' : 'No cases match these filters.'}
              </p>
            ) : (
              <TableScroll label={mine ? 'Cases waiting for you' : 'Cases'}>
              <table className="govuk-table app-case-list">
                <caption className="govuk-table__caption govuk-visually-hidden">{mine ? 'Cases waiting for you' : 'Cases'}</caption>
                <thead className="govuk-table__head">
                  <tr className="govuk-table__row">
                    <th scope="col" className="govuk-table__header">Case</th>
                    {!mine && <th scope="col" className="govuk-table__header">Process</th>}
                    <th scope="col" className="govuk-table__header">Stage</th>
                    <th scope="col" className="govuk-table__header">Due</th>
                    <th scope="col" className="govuk-table__header">{mine ? 'What you can do' : 'Waiting for'}</th>
                  </tr>
                </thead>
                <tbody className="govuk-table__body">
                  {items.map((item) => (
                    <tr className="govuk-table__row" key={item.id} data-reference={item.reference ?? undefined}>
                      <td className="govuk-table__cell">
                        <CaseLink id={item.id} reference={item.reference} />
                        {(item.ownReference ?? item.summary) && (
                          <p className="govuk-body-s app-secondary-text app-case-summary">{item.ownReference ?? item.summary}</p>
                        )}
                        {mine && <p className="govuk-body-s app-secondary-text">{item.processTitle ?? processTitle(partnership, item.process)}</p>}
                      </td>
                      {!mine && <td className="govuk-table__cell">{item.processTitle ?? processTitle(partnership, item.process)}</td>}
                      <td className="govuk-table__cell">{item.stateLabel}</td>
                      <td className="govuk-table__cell">
                        <Due item={item} />
                      </td>
                      <td className="govuk-table__cell">
                        {mine ? (
                          <ul className="govuk-list">
                            {(item.available ?? []).map((event) => (
                              <li key={event.type}>
                                <Link className="govuk-link" href={`/cases/${encodeURIComponent(item.id)}/events/${encodeURIComponent(event.type)}`}>
                                  {event.label}
                                  <span className="govuk-visually-hidden"> on case {item.reference ?? ''}</span>
                                </Link>
                              </li>
                            ))}
                          </ul>
                        ) : item.final ? (
                          <span className="app-secondary-text">Finished</span>
                        ) : (
                          capitalise(waitingWords(item.waitingFor ?? []))
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              </TableScroll>
            )}
            <CursorPagination
              label="Pages of cases"
              first={filters.cursor ? hrefWith(pathname, { ...filters, cursor: undefined }) : null}
              next={nextCursor ? hrefWith(pathname, { ...filters, cursor: nextCursor }) : null}
            />
          </>
        )}
      </Loaded>
    </>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The next deadline's date, and whether it is overdue. */
function Due({ item }: { item: CaseSummary }) {
  const next = item.nextDeadline;
  if (!next) return <span className="app-secondary-text">{item.final ? '' : 'No deadline'}</span>;
  return (
    <>
      <time dateTime={next.due}>{formatDate(next.due)}</time>
      {next.overdue && <strong className="govuk-tag govuk-tag--red app-tag-after">Overdue</strong>}
      <p className="govuk-body-s app-secondary-text">{next.label}</p>
    </>
  );
}

/** Find a case by its reference (as said on the phone), its own reference or words of its summary. */
function SearchForm({ q }: { q: string }) {
  function find(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    navigate(hrefWith('/cases', { q: text || undefined }));
  }
  return (
    <form className="app-search" role="search" onSubmit={find} noValidate>
      <div className="govuk-form-group">
        <label className="govuk-label govuk-label--s" htmlFor="case-search">
          Find a case
        </label>
        <div id="case-search-hint" className="govuk-hint">
          Its reference, such as MER-2026-0042, or words from its title or summary
        </div>
        <div className="app-search__row">
          <input className="govuk-input govuk-!-width-two-thirds" id="case-search" name="q" type="search" defaultValue={q} aria-describedby="case-search-hint" key={q} />
          <button type="submit" className="govuk-button govuk-button--secondary app-search__button">
            Search
          </button>
        </div>
      </div>
    </form>
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
        sort: form.get('sort') === 'due' ? 'due' : undefined,
        q: filters.q,
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
      <div className="govuk-form-group app-filters__item">
        <label className="govuk-label" htmlFor="filter-sort">
          Order
        </label>
        <select className="govuk-select" id="filter-sort" name="sort" defaultValue={filters.sort ?? ''}>
          <option value="">Newest first</option>
          <option value="due">Overdue first, then by due date</option>
        </select>
      </div>
      <button type="submit" className="govuk-button govuk-button--secondary app-filters__item">
        Apply filters
      </button>
    </form>
  );
}
