import { useState, type FormEvent } from 'react';
import type { ProcessDefinition } from '../apiTypes.ts';
import { ErrorSummary } from '../components/ErrorSummary.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { loadDefinition, usePartnership } from '../partnership.tsx';
import { navigate } from '../router.tsx';
import { useUser } from '../session.tsx';
import { useResource } from '../useResource.ts';

/** First step of starting a case: which process. Only processes the reader's roles may start are offered. */
export function ChooseProcessPage() {
  const partnership = usePartnership();
  const user = useUser();
  const [startable] = useResource(async () => {
    const definitions = await Promise.all(partnership.processes.map((process) => loadDefinition(partnership, process.id)));
    return definitions.filter((definition) => definition.start.roles.some((role) => user.roles.includes(role)));
  }, `${partnership.id}:${user.username}`);
  const [missing, setMissing] = useState(0);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const chosen = new FormData(event.currentTarget).get('process');
    if (chosen) navigate(`/start/${encodeURIComponent(String(chosen))}`);
    else setMissing((n) => n + 1);
  }

  return (
    <Loaded resource={startable} page>
      {(definitions: ProcessDefinition[]) =>
        definitions.length === 0 ? (
          <>
            <PageHeading>Start a case</PageHeading>
            <p className="govuk-body">Your roles do not allow you to start any of this partnership's processes.</p>
          </>
        ) : (
          <form noValidate onSubmit={onSubmit}>
            <ErrorSummary items={missing ? [{ path: 'process', message: 'Select what the case is about' }] : []} focusKey={missing} />
            <div className={`govuk-form-group${missing ? ' govuk-form-group--error' : ''}`}>
              <fieldset className="govuk-fieldset" aria-describedby={missing ? 'field-process-error' : undefined}>
                <legend className="govuk-fieldset__legend govuk-fieldset__legend--l">
                  <PageHeading error={missing > 0}>What is the case about?</PageHeading>
                </legend>
                {missing > 0 && (
                  <p id="field-process-error" className="govuk-error-message">
                    <span className="govuk-visually-hidden">Error:</span> Select what the case is about
                  </p>
                )}
                <div className="govuk-radios">
                  {definitions.map((definition, index) => (
                    <div className="govuk-radios__item" key={definition.id}>
                      <input
                        className="govuk-radios__input"
                        id={index === 0 ? 'field-process' : `field-process-${index}`}
                        name="process"
                        type="radio"
                        value={definition.id}
                        aria-describedby={definition.description ? `field-process-${index}-hint` : undefined}
                      />
                      <label className="govuk-label govuk-radios__label" htmlFor={index === 0 ? 'field-process' : `field-process-${index}`}>
                        {definition.title}
                      </label>
                      {definition.description && (
                        <div id={`field-process-${index}-hint`} className="govuk-hint govuk-radios__hint">
                          {definition.description}
                        </div>
                      )}
                    </div>
                  ))}
                </div>
              </fieldset>
            </div>
            <button type="submit" className="govuk-button">
              Continue
            </button>
          </form>
        )
      }
    </Loaded>
  );
}
