import type { ScenarioOutcome } from '../configurationTypes.ts';

/** Scenarios and whether each passes; a failing one says at which step, what it expected and what happened. */
export function ScenarioResults({ scenarios, caption }: { scenarios: ScenarioOutcome[]; caption: string }) {
  if (scenarios.length === 0) return <p className="govuk-body">There are no scenarios to run.</p>;
  const failing = scenarios.filter((s) => !s.passed).length;
  return (
    <>
      <p className="govuk-body">
        {failing === 0 ? `All ${scenarios.length} scenarios pass.` : `${failing} of ${scenarios.length} scenarios fail.`}
      </p>
      <table className="govuk-table">
        <caption className="govuk-table__caption govuk-table__caption--s">{caption}</caption>
        <thead className="govuk-table__head">
          <tr className="govuk-table__row">
            <th scope="col" className="govuk-table__header">Scenario</th>
            <th scope="col" className="govuk-table__header">Result</th>
          </tr>
        </thead>
        <tbody className="govuk-table__body">
          {scenarios.map((outcome, index) => (
            <tr className="govuk-table__row" key={`${outcome.file}-${index}`}>
              <td className="govuk-table__cell">
                {outcome.scenario ?? 'The file could not be read'}
                <br />
                <span className="govuk-body-s app-secondary-text app-break-anywhere">{outcome.file}</span>
                {outcome.failure && (
                  <div className="govuk-body-s app-scenario-failure">
                    {outcome.failure.step > 0 && (
                      <p className="govuk-body-s">
                        Step {outcome.failure.step}, {outcome.failure.what}: expected {outcome.failure.expected || 'it to be accepted'}, but got{' '}
                        {outcome.failure.actual || 'nothing'}.
                      </p>
                    )}
                    <ul className="govuk-list govuk-list--bullet govuk-body-s">
                      {outcome.failure.problems.map((problem, n) => (
                        <li key={n} className="app-break-anywhere">
                          {problem}
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
              </td>
              <td className="govuk-table__cell">
                {outcome.passed ? <strong className="govuk-tag govuk-tag--green">Passes</strong> : <strong className="govuk-tag govuk-tag--red">Fails</strong>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
