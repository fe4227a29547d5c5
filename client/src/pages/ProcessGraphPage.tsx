import { lazy, Suspense, useEffect, useState } from 'react';
import { api } from '../api.ts';
import type { ProcessGraph, ProcessId, StateId } from '../apiTypes.ts';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { TableScroll } from '../components/TableScroll.tsx';
import { processTitle, useDefinition, usePartnership } from '../partnership.tsx';
import { Link } from '../router.tsx';
import { chartFromGraph } from '../statechart/chartModel.ts';
import { TransitionsTable } from '../statechart/TransitionsTable.tsx';
import { useResource } from '../useResource.ts';

const Statechart = lazy(() => import('../statechart/Statechart.tsx'));

const REFRESH_MS = 4000;

function casesHref(process: ProcessId, state: StateId, overdue = false): string {
  const search = new URLSearchParams({ process, state });
  if (overdue) search.set('overdue', 'true');
  return `/cases?${search}`;
}

/**
 * The administrators' view of a process: its statechart with the number of cases (and overdue ones)
 * in each state, refreshed every few seconds while the page is visible, without reloading the page.
 */
export function ProcessGraphPage({ process }: { process: ProcessId }) {
  const partnership = usePartnership();
  const [graph, reload] = useResource(() => api.graph(partnership.id, process), `${partnership.id}/${process}`);
  const [refreshedAt, setRefreshedAt] = useState(() => new Date());
  const definitionResource = useDefinition(process);
  const definition = definitionResource.status === 'ready' ? definitionResource.data : null;

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      reload();
      setRefreshedAt(new Date());
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  const title = processTitle(partnership, process);
  return (
    <>
      <PageHeading caption="Process">{title}</PageHeading>
      <Loaded resource={graph}>
        {(found: ProcessGraph) => (
          <>
            <p className="govuk-body">
              Select a stage to see its cases. The numbers update by themselves every few seconds (last checked at{' '}
              {refreshedAt.toLocaleTimeString('en-GB')}).
            </p>
            {/* Drawn once the events' labels are known, rather than laid out twice. */}
            {definitionResource.status === 'loading' ? (
              <p className="govuk-body app-secondary-text">Drawing the diagram…</p>
            ) : (
              <Suspense fallback={<p className="govuk-body app-secondary-text">Drawing the diagram…</p>}>
                <Statechart
                  model={chartFromGraph(found, definition)}
                  title={`The stages of ${title} and how many cases are at each`}
                  hrefFor={(state) => casesHref(process, state)}
                />
              </Suspense>
            )}
            <TableScroll label="Cases at each stage">
              <table className="govuk-table">
                <caption className="govuk-table__caption govuk-table__caption--m">Cases at each stage</caption>
                <thead className="govuk-table__head">
                  <tr className="govuk-table__row">
                    <th scope="col" className="govuk-table__header">Stage</th>
                    <th scope="col" className="govuk-table__header govuk-table__header--numeric">Cases</th>
                    <th scope="col" className="govuk-table__header govuk-table__header--numeric">Overdue</th>
                  </tr>
                </thead>
                <tbody className="govuk-table__body">
                  {found.nodes.map((node) => (
                    <tr className="govuk-table__row" key={node.id} data-state={node.id}>
                      <th scope="row" className="govuk-table__header">
                        <Link className="govuk-link" href={casesHref(process, node.id)}>
                          {node.label}
                        </Link>
                      </th>
                      <td className="govuk-table__cell govuk-table__cell--numeric app-count">{node.count}</td>
                      <td className="govuk-table__cell govuk-table__cell--numeric">
                        {node.overdue > 0 ? (
                          <Link className="govuk-link" href={casesHref(process, node.id, true)}>
                            {node.overdue}
                            <span className="govuk-visually-hidden"> overdue at {node.label}</span>
                          </Link>
                        ) : (
                          0
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            {definition && <TransitionsTable definition={definition} partnership={partnership} />}
          </>
        )}
      </Loaded>
    </>
  );
}
