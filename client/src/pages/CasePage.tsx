import { lazy, Suspense } from 'react';
import { api } from '../api.ts';
import type { CaseId, CaseRecord, Deadline, FormId, ProcessDefinition } from '../apiTypes.ts';
import { CaseLink, caseReference } from '../components/CaseLink.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { NotificationBanner } from '../components/NotificationBanner.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { WarningText } from '../components/WarningText.tsx';
import { Answers, describeChanged, recordedBy, StepAnswers, useFormFields } from '../components/StepAnswers.tsx';
import { useProcessFields } from '../forms/formDefinitions.ts';
import type { Field } from '../forms/fields.ts';
import { formatDate, formatDateTime, humanise } from '../format.ts';
import { processTitle, useDefinition, usePartnership } from '../partnership.tsx';
import { eventLabel, stateLabel } from '../processLabels.ts';
import { Link, useLocation } from '../router.tsx';
import { chartFromGraph } from '../statechart/chartModel.ts';
import { TransitionsTable } from '../statechart/TransitionsTable.tsx';
import { useResource } from '../useResource.ts';
import { useUser } from '../session.tsx';
import { deadlineWords, waitingWords, waitsForMe } from '../waiting.ts';

const Statechart = lazy(() => import('../statechart/Statechart.tsx'));

export function CasePage({ id }: { id: CaseId }) {
  const [record] = useResource(() => api.case(id), id);
  return <Loaded resource={record} page>{(found) => <CaseView record={found} />}</Loaded>;
}

function CaseView({ record }: { record: CaseRecord }) {
  const partnership = usePartnership();
  const { flash } = useLocation();
  const definitionResource = useDefinition(record.process);
  const definition = definitionResource.status === 'ready' ? definitionResource.data : null;
  const fields = useProcessFields(partnership.id, definition);
  const fieldsByForm = useFormFields(partnership.id, record.steps.map((step) => step.form));
  const [graph] = useResource(() => api.graph(partnership.id, record.process), `${partnership.id}/${record.process}`);
  const description =
    record.stateDescription ?? definition?.states.find((state) => state.id === record.state)?.description;

  return (
    <>
      <PageHeading caption={`${processTitle(partnership, record.process)} (version ${record.processVersion})`}>
        {`Case ${caseReference(record.id, record.reference)}${record.ownReference ? `: ${record.ownReference}` : ''}`}
      </PageHeading>
      {flash && (
        <NotificationBanner kind="success" title={flash}>
          <p className="govuk-body">It is recorded in the case history below.</p>
        </NotificationBanner>
      )}

      <div className="govuk-grid-row">
        <div className="govuk-grid-column-two-thirds">
          <h2 className="govuk-heading-m">Current stage</h2>
          <p className="govuk-body">
            <strong className={`govuk-tag app-tag-wide${record.final ? ' govuk-tag--grey' : ' govuk-tag--blue'}`}>{record.stateLabel}</strong>
          </p>
          {description && <p className="govuk-body">{description}</p>}

          <h2 className="govuk-heading-m">What happens next</h2>
          <WhoActsNext record={record} />
          <NextSteps record={record} definition={definition} />

          <Deadlines deadlines={record.deadlines} />
          <Tasks record={record} />
          <LinkedCases record={record} />

          <h2 className="govuk-heading-m">What has been recorded</h2>
          <StepAnswers steps={record.steps} fieldsByForm={fieldsByForm} processFields={fields} />
        </div>
      </div>

      <h2 className="govuk-heading-m">Where the case is in the process</h2>
      <Loaded resource={graph}>
        {(found) => (
          <Suspense fallback={<p className="govuk-body app-secondary-text">Drawing the diagram…</p>}>
            <Statechart
              model={chartFromGraph(found, definition)}
              current={record.state}
              title={`The stages of ${processTitle(partnership, record.process)}; this case is at ${record.stateLabel}`}
            />
          </Suspense>
        )}
      </Loaded>
      {definition && (
        <details className="govuk-details">
          <summary className="govuk-details__summary">
            <span className="govuk-details__summary-text">The stages as a table</span>
          </summary>
          <div className="govuk-details__text">
            <TransitionsTable definition={definition} partnership={partnership} />
          </div>
        </details>
      )}

      <h2 className="govuk-heading-m">History</h2>
      <History record={record} definition={definition} fields={fields} fieldsByForm={fieldsByForm} />
    </>
  );
}

/** "Waiting for the Independent Person. Complete the rapid review by 21 December 2026." */
function WhoActsNext({ record }: { record: CaseRecord }) {
  const user = useUser();
  if (record.final) return null;
  const waiting = record.waitingFor ?? [];
  const next = record.nextDeadline ?? null;
  if (waiting.length === 0 && next === null) return null;
  return (
    <div className="app-who-acts-next">
      {waiting.length > 0 && (
        <p className="govuk-body" data-testid="waiting-for">
          Waiting for {waitingWords(waiting)}.{waitsForMe(record, user) && ' That includes you.'}
        </p>
      )}
      {next && (
        <p className="govuk-body" data-testid="next-deadline">
          {next.overdue && <strong className="govuk-tag govuk-tag--red app-tag-before">Overdue</strong>}
          {next.overdue ? `${deadlineWords(next)} was due.` : `${deadlineWords(next)}.`}
        </p>
      )}
    </div>
  );
}

function NextSteps({ record, definition }: { record: CaseRecord; definition: ProcessDefinition | null }) {
  if (record.available.length === 0) {
    return (
      <p className="govuk-body">
        {record.final ? 'This case is finished. Nothing more can be done on it.' : 'There is nothing for you to do on this case at the moment.'}
      </p>
    );
  }
  return (
    <ul className="govuk-list app-next-steps">
      {record.available.map((event) => {
        const described = definition?.events.find((candidate) => candidate.type === event.type && candidate.from.includes(record.state));
        return (
          <li key={event.type}>
            <Link
              className="govuk-button govuk-button--secondary app-next-steps__button"
              href={`/cases/${encodeURIComponent(record.id)}/events/${encodeURIComponent(event.type)}`}
            >
              {event.label}
            </Link>
            {described?.description && <p className="govuk-hint">{described.description}</p>}
            {event.warnings?.map((warning) => <WarningText key={warning}>{warning}</WarningText>)}
          </li>
        );
      })}
    </ul>
  );
}

function DeadlineStatus({ deadline }: { deadline: Deadline }) {
  if (deadline.overdue) return <strong className="govuk-tag govuk-tag--red">Overdue</strong>;
  if (deadline.met === true) return <strong className="govuk-tag govuk-tag--green">Met</strong>;
  if (deadline.met === false) return <strong className="govuk-tag govuk-tag--orange">Missed</strong>;
  return <strong className="govuk-tag govuk-tag--grey">Due</strong>;
}

function Deadlines({ deadlines }: { deadlines: Deadline[] }) {
  if (deadlines.length === 0) return null;
  return (
    <table className="govuk-table">
      <caption className="govuk-table__caption govuk-table__caption--m">Deadlines</caption>
      <thead className="govuk-table__head">
        <tr className="govuk-table__row">
          <th scope="col" className="govuk-table__header">Deadline</th>
          <th scope="col" className="govuk-table__header">Due</th>
          <th scope="col" className="govuk-table__header">Status</th>
        </tr>
      </thead>
      <tbody className="govuk-table__body">
        {deadlines.map((deadline) => (
          <tr className="govuk-table__row" key={deadline.id}>
            <td className="govuk-table__cell">{deadline.label}</td>
            <td className="govuk-table__cell">{formatDate(deadline.due)}</td>
            <td className="govuk-table__cell">
              <DeadlineStatus deadline={deadline} />
              {deadline.corrected && <strong className="govuk-tag govuk-tag--purple app-tag-after">Corrected</strong>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The case's tasks, each with whose it is (who can record it done) and, for them, a link to record it. */
function Tasks({ record }: { record: CaseRecord }) {
  const { tasks } = record;
  if (tasks.length === 0) return null;
  return (
    <>
      <h2 className="govuk-heading-m">Tasks</h2>
      <ul className="govuk-task-list">
        {tasks.map((task) => {
          const recording = task.done ? undefined : record.available.find((event) => task.recordedBy?.some((r) => r.type === event.type));
          return (
          <li className={`govuk-task-list__item${recording ? ' govuk-task-list__item--with-link' : ''}`} key={task.id}>
            <div className="govuk-task-list__name-and-hint">
              {recording ? (
                <Link className="govuk-link govuk-task-list__link" href={`/cases/${encodeURIComponent(record.id)}/events/${encodeURIComponent(recording.type)}`}>
                  {task.label}
                </Link>
              ) : (
                task.label
              )}
              {(task.whose?.length ?? 0) > 0 && (
                <div className="govuk-task-list__hint">
                  For {waitingWords(task.whose!)}
                </div>
              )}
            </div>
            <div className="govuk-task-list__status">
              {task.done ? 'Done' : <strong className="govuk-tag govuk-tag--blue app-tag-wide">To do</strong>}
            </div>
          </li>
          );
        })}
      </ul>
    </>
  );
}

function LinkedCases({ record }: { record: CaseRecord }) {
  const partnership = usePartnership();
  if (record.links.length === 0) return null;
  return (
    <>
      <h2 className="govuk-heading-m">Linked cases</h2>
      <ul className="govuk-list">
        {record.links.map((link) => (
          <li key={link.id}>
            <CaseLink id={link.id} reference={link.reference} /> – {processTitle(partnership, link.process)} ({humanise(link.relation).toLowerCase()})
          </li>
        ))}
      </ul>
    </>
  );
}

/** Newest first, as a timeline: what happened, who, when, the stage it moved the case to, and the answers. */
function History({
  record,
  definition,
  fields,
  fieldsByForm,
}: {
  record: CaseRecord;
  definition: ProcessDefinition | null;
  fields: Field[];
  fieldsByForm: Map<FormId, Field[]>;
}) {
  const formOf = new Map(record.steps.flatMap((step) => step.entries.map((entry) => [entry.seq, step.form] as const)));
  return (
    <ol className="app-timeline" reversed>
      {[...record.history].reverse().map((entry) => {
        const moved = entry.from !== entry.to;
        const form = formOf.get(entry.seq);
        const own = (form && fieldsByForm.get(form)) || fields;
        return (
          <li className="app-timeline__item" key={entry.seq}>
            <h3 className="govuk-heading-s app-timeline__title">{eventLabel(definition, entry.type, entry.from)}</h3>
            <p className="govuk-body-s app-timeline__meta">
              {recordedBy(entry.by)} on <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
            </p>
            {moved && (
              <p className="govuk-body-s">
                {entry.from ? `${stateLabel(definition, entry.from)} → ` : 'Started at '}
                {stateLabel(definition, entry.to)}
              </p>
            )}
            {(Object.keys(entry.data).length > 0 || (entry.changes?.length ?? 0) > 0) && (
              <details className="govuk-details app-timeline__details">
                <summary className="govuk-details__summary">
                  <span className="govuk-details__summary-text">What was recorded</span>
                </summary>
                <div className="govuk-details__text">
                  <Answers data={entry.data} fields={own} changes={entry.changes} changeField={describeChanged(record.steps, fieldsByForm, fields, own)} />
                </div>
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
