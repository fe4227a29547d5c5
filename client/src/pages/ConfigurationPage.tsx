import { api } from '../api.ts';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { WarningText } from '../components/WarningText.tsx';
import { ScenarioResults } from '../configuration/ScenarioResults.tsx';
import { usePartnership } from '../partnership.tsx';
import { Link } from '../router.tsx';
import { useResource } from '../useResource.ts';

/** The business unit's configuration: each process with its versions, and the partnership's scenarios on the newest. */
export function ConfigurationPage() {
  const partnership = usePartnership();
  const [processes] = useResource(() => api.configuredProcesses(partnership.id), `configuration:${partnership.id}`);
  const [scenarios] = useResource(() => api.scenarios(partnership.id), `scenarios:${partnership.id}`);
  const [calendar] = useResource(() => api.calendar(partnership.id), `calendar:${partnership.id}`);
  return (
    <Loaded resource={processes} page>
      {(list) => (
        <>
          <PageHeading>Configuration</PageHeading>
          <Loaded resource={calendar}>
            {(days) => (days.warning === null ? null : <WarningText>{days.warning}</WarningText>)}
          </Loaded>
          <p className="govuk-body">
            Each process runs on its newest version; a case keeps the version it started on. Choose a process to see its versions, their
            diagrams and differences, or to publish a change.
          </p>
          <table className="govuk-table">
            <caption className="govuk-table__caption govuk-table__caption--m">Processes</caption>
            <thead className="govuk-table__head">
              <tr className="govuk-table__row">
                <th scope="col" className="govuk-table__header">Process</th>
                <th scope="col" className="govuk-table__header govuk-table__header--numeric">Newest version</th>
                <th scope="col" className="govuk-table__header govuk-table__header--numeric">Cases</th>
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {list.map((process) => (
                <tr className="govuk-table__row" key={process.id}>
                  <th scope="row" className="govuk-table__header">
                    <Link className="govuk-link" href={`/configuration/${encodeURIComponent(process.id)}`}>
                      {process.title}
                    </Link>
                  </th>
                  <td className="govuk-table__cell govuk-table__cell--numeric">{process.newestVersion}</td>
                  <td className="govuk-table__cell govuk-table__cell--numeric">{process.versions.reduce((n, v) => n + v.cases, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2 className="govuk-heading-m">Scenarios</h2>
          <p className="govuk-body">The partnership's scenarios, each run on the newest version of its process.</p>
          <Loaded resource={scenarios}>{(outcomes) => <ScenarioResults scenarios={outcomes} caption="Scenarios on the newest versions" />}</Loaded>
        </>
      )}
    </Loaded>
  );
}
