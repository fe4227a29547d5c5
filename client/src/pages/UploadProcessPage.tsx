import { useState, type ChangeEvent, type FormEvent } from 'react';
import { api, ApiError, ERROR_CODES } from '../api.ts';
import type { ProcessId } from '../apiTypes.ts';
import { ErrorSummary } from '../components/ErrorSummary.tsx';
import { NotificationBanner } from '../components/NotificationBanner.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { DifferenceView } from '../configuration/DifferenceView.tsx';
import { ScenarioResults } from '../configuration/ScenarioResults.tsx';
import type { AffectedCases, CheckResult, FileProblem } from '../configurationTypes.ts';
import { fieldId } from '../forms/fields.ts';
import { processTitle, usePartnership } from '../partnership.tsx';
import { Link, navigate } from '../router.tsx';

/** The text box's path: the error summary's links lead to it. */
const TEXT_PATH = 'process-file-text';

type Outcome =
  | { kind: 'editing' }
  | { kind: 'refused'; problems: FileProblem[]; attempt: number }
  | { kind: 'checked'; result: CheckResult }
  /** Someone published first: the text stays, and is checked again against what they published. */
  | { kind: 'overtaken'; message: string };

function problemText(problem: FileProblem): string {
  return `${problem.file}, line ${problem.line}: ${problem.message}`;
}

function AffectedText({ affected, wouldBe }: { affected: AffectedCases; wouldBe: number }) {
  const moved = affected.states.filter((s) => !s.inNewVersion);
  return (
    <>
      <p className="govuk-body">
        Running cases keep the version they started on: publishing changes none of them. New cases start on version {wouldBe}.
      </p>
      {affected.onNewest === 0 ? (
        <p className="govuk-body">No cases are running on the version in use now.</p>
      ) : (
        <ul className="govuk-list govuk-list--bullet">
          {affected.states.map((s) => (
            <li key={s.id}>
              {s.count} {s.count === 1 ? 'case' : 'cases'} at “{s.label}”{s.inNewVersion ? '' : ` (version ${wouldBe} has no such stage)`}
            </li>
          ))}
        </ul>
      )}
      {moved.length > 0 && (
        <div className="govuk-warning-text">
          <span className="govuk-warning-text__icon" aria-hidden="true">
            !
          </span>
          <strong className="govuk-warning-text__text">
            <span className="govuk-visually-hidden">Warning</span>
            Cases at a stage the new version does not have can never be moved onto it.
          </strong>
        </div>
      )}
      {affected.onOlderVersions > 0 && (
        <p className="govuk-body">
          {affected.onOlderVersions} more {affected.onOlderVersions === 1 ? 'case runs' : 'cases run'} on older versions.
        </p>
      )}
    </>
  );
}

/**
 * Publishing a changed process without a developer: upload (or paste) the process file, see its problems
 * with their lines, or what it would change (the difference, the scenarios, the running cases), then
 * publish it as the next version or leave it.
 */
export function UploadProcessPage({ process }: { process: ProcessId }) {
  const partnership = usePartnership();
  const title = processTitle(partnership, process);
  const back = `/configuration/${encodeURIComponent(process)}`;
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'editing' });
  const [busy, setBusy] = useState(false);
  const [attempts, setAttempts] = useState(0);

  const changeText = (next: string) => {
    setText(next);
    // A change to the text makes the last check's answer stale.
    if (outcome.kind === 'checked' || outcome.kind === 'refused') setOutcome({ kind: 'editing' });
  };

  async function readFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    if (file) changeText(await file.text());
  }

  const refusedWith = (error: unknown) => {
    const attempt = attempts + 1;
    setAttempts(attempt);
    if (error instanceof ApiError && error.code === ERROR_CODES.processInvalid && Array.isArray(error.details)) {
      setOutcome({ kind: 'refused', problems: error.details as FileProblem[], attempt });
    } else if (error instanceof ApiError && error.code === ERROR_CODES.versionConflict) {
      setOutcome({ kind: 'overtaken', message: error.message });
    } else {
      const message = error instanceof ApiError ? error.message : String(error);
      setOutcome({ kind: 'refused', problems: [{ file: `${process}.yaml`, line: 1, message }], attempt });
    }
  };

  async function check(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (text.trim() === '') {
      refusedWith(new ApiError(400, ERROR_CODES.badRequest, 'Choose the changed process file, or paste its text'));
      return;
    }
    setBusy(true);
    try {
      setOutcome({ kind: 'checked', result: await api.checkProcess(partnership.id, process, text) });
    } catch (error) {
      refusedWith(error);
    } finally {
      setBusy(false);
    }
  }

  async function publish(result: CheckResult) {
    setBusy(true);
    try {
      const published = await api.publishProcess(partnership.id, process, text, result.basedOn);
      navigate(back, { flash: `Version ${published.version} of ${title} is published. New cases start on it; running cases stay on their versions.` });
    } catch (error) {
      refusedWith(error);
      setBusy(false);
    }
  }

  const problems = outcome.kind === 'refused' ? outcome.problems : [];
  const id = fieldId(TEXT_PATH);
  if (!partnership.mayConfigure) {
    return (
      <>
        <PageHeading>You do not have access to this page</PageHeading>
        <p className="govuk-body">Only the business unit may change {partnership.name}'s processes.</p>
      </>
    );
  }
  return (
    <>
      <ErrorSummary
        items={problems.map((problem) => ({ message: problemText(problem), path: TEXT_PATH }))}
        focusKey={outcome.kind === 'refused' ? outcome.attempt : 0}
        title={problems.length === 1 ? 'There is a problem with the file' : `There are ${problems.length} problems with the file`}
      />
      {outcome.kind === 'overtaken' && (
        <NotificationBanner kind="important" title="Someone published a version first" focus>
          <p className="govuk-body">{outcome.message}</p>
          <p className="govuk-body">Your file is kept below. Check it again to see what it would change now.</p>
        </NotificationBanner>
      )}
      <PageHeading caption={title} error={problems.length > 0}>
        Upload a changed process
      </PageHeading>
      <p className="govuk-body">
        Nothing changes until you publish. Checking the file shows its problems, or what publishing it would change.
      </p>
      <form onSubmit={check} noValidate>
        <div className="govuk-form-group">
          <label className="govuk-label govuk-label--s" htmlFor="process-file-upload">
            The changed process file
          </label>
          <div className="govuk-hint" id="process-file-upload-hint">
            A YAML file, such as {process}.yaml downloaded from the versions and changed.
          </div>
          <input
            className="govuk-file-upload"
            id="process-file-upload"
            name="file"
            type="file"
            accept=".yaml,.yml,text/yaml"
            aria-describedby="process-file-upload-hint"
            onChange={readFile}
          />
        </div>
        <div className={`govuk-form-group${problems.length > 0 ? ' govuk-form-group--error' : ''}`}>
          <label className="govuk-label govuk-label--s" htmlFor={id}>
            Or paste its text
          </label>
          {problems.length > 0 && (
            <p className="govuk-error-message" id={`${id}-error`}>
              <span className="govuk-visually-hidden">Error:</span> Fix {problems.length === 1 ? 'the problem' : `the ${problems.length} problems`} listed
              above, then check the file again
            </p>
          )}
          <textarea
            className={`govuk-textarea app-process-text${problems.length > 0 ? ' govuk-textarea--error' : ''}`}
            id={id}
            name="content"
            rows={16}
            // Unwrapped, so that its lines are the file's lines the problems name.
            wrap="off"
            spellCheck={false}
            value={text}
            aria-describedby={problems.length > 0 ? `${id}-error` : undefined}
            onChange={(event) => changeText(event.currentTarget.value)}
          />
        </div>
        <div className="govuk-button-group">
          <button type="submit" className="govuk-button govuk-button--secondary" disabled={busy}>
            {outcome.kind === 'overtaken' ? 'Check the file again' : 'Check the file'}
          </button>
          <Link className="govuk-link" href={back}>
            Cancel
          </Link>
        </div>
      </form>

      {outcome.kind === 'checked' && (
        <section aria-labelledby="check-result">
          <h2 className="govuk-heading-l" id="check-result">
            What publishing it would change
          </h2>
          <h3 className="govuk-heading-m">Difference from version {outcome.result.basedOn}</h3>
          <DifferenceView difference={outcome.result.difference} headingLevel={4} />
          <h3 className="govuk-heading-m">Scenarios</h3>
          <ScenarioResults scenarios={outcome.result.scenarios} caption={`The scenarios of ${title} on the changed file`} />
          <h3 className="govuk-heading-m">Running cases</h3>
          <AffectedText affected={outcome.result.affected} wouldBe={outcome.result.wouldBe} />
          <div className="govuk-button-group">
            <button type="button" className="govuk-button" disabled={busy} onClick={() => publish(outcome.result)}>
              Publish as version {outcome.result.wouldBe}
            </button>
            <button type="button" className="govuk-button govuk-button--secondary" disabled={busy} onClick={() => navigate(back)}>
              Leave it
            </button>
          </div>
        </section>
      )}
    </>
  );
}
