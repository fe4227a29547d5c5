import type { CaseStep, FieldChange, FormId, PartnershipId, StepEntry } from '../apiTypes.ts';
import { Answer } from '../forms/Answer.tsx';
import { loadForm } from '../forms/formDefinitions.ts';
import { describeFields, findField, type Field } from '../forms/fields.ts';
import { formatDateTime, humanise } from '../format.ts';
import { SYSTEM_ACTOR } from '../processLabels.ts';
import { useResource } from '../useResource.ts';

/**
 * The case's record: each step's answers under that step, with who recorded them and when, labelled
 * by that step's own form. A field two steps share (a rationale for a recommendation and for the
 * decision) is shown under each with its own value; a repeatable step lists every entry, oldest
 * first; a correction shows its reason and each value it changed, old and new.
 */

/** Each form's own fields, by form id; forms that fail to load are left out (their answers fall back to readable names). */
export function useFormFields(partnership: PartnershipId, forms: (FormId | null | undefined)[]): Map<FormId, Field[]> {
  const ids = [...new Set(forms)].filter((form): form is FormId => typeof form === 'string').sort();
  const [loaded] = useResource(async () => {
    const found = await Promise.all(ids.map((form) => loadForm(partnership, form).catch(() => null)));
    return new Map(
      found.flatMap((form) => (form ? [[form.id, describeFields(form.schema, form.schema, form.ui)] as const] : [])),
    );
  }, `${partnership}:${ids.join(',')}`);
  return loaded.status === 'ready' ? loaded.data : new Map();
}

/** The names in `data`, the form's fields first in the form's order, then any the form does not name. */
function orderedNames(data: Record<string, unknown>, fields: Field[]): string[] {
  return [
    ...fields.map((field) => field.name).filter((name) => name in data),
    ...Object.keys(data).filter((name) => !fields.some((field) => field.name === name)),
  ];
}

/** One step's answers as a GOV.UK summary list; with `changes`, a row per changed field, "old → new". */
export function Answers({
  data,
  fields,
  changes = [],
  changeField = (name) => findField(fields, name),
}: {
  data: Record<string, unknown>;
  fields: Field[];
  changes?: FieldChange[];
  /** Where a changed field's label comes from (it may belong to an earlier step's form). */
  changeField?: (name: string) => Field | undefined;
}) {
  const changed = new Set(changes.map((change) => change.field));
  // A correction's own answers repeat the new values; its changes say them once, with the old.
  const names = orderedNames(data, fields).filter((name) => !changed.has(name));
  if (names.length === 0 && changes.length === 0) return <p className="govuk-body">Nothing was recorded.</p>;
  return (
    <dl className="govuk-summary-list">
      {names.map((name) => {
        const field = fields.find((candidate) => candidate.name === name);
        return (
          <div className="govuk-summary-list__row" key={name}>
            <dt className="govuk-summary-list__key">{field?.label ?? humanise(name)}</dt>
            <dd className="govuk-summary-list__value">
              <Answer field={field} value={data[name]} />
            </dd>
          </div>
        );
      })}
      {changes.map((change) => {
        const field = changeField(change.field);
        return (
          <div className="govuk-summary-list__row app-change" key={`change:${change.field}`} data-field={change.field}>
            <dt className="govuk-summary-list__key">{field?.label ?? humanise(change.field.split('.').pop() ?? change.field)}</dt>
            <dd className="govuk-summary-list__value">
              <span className="govuk-visually-hidden">Changed from </span>
              <span className="app-change__from">
                <Answer field={field} value={change.from} />
              </span>
              <span className="app-change__arrow" aria-hidden="true">
                {' → '}
              </span>
              <span className="govuk-visually-hidden"> to </span>
              <span className="app-change__to">
                <Answer field={field} value={change.to} />
              </span>
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

export function recordedBy(by: string): string {
  return by === SYSTEM_ACTOR ? 'Recorded automatically' : `Recorded by ${by}`;
}

function EntryMeta({ entry }: { entry: StepEntry }) {
  return (
    <p className="govuk-body-s app-step__meta">
      {recordedBy(entry.by)} on <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
    </p>
  );
}

/**
 * How to describe a field a correction changed: as the first step that recorded it asks it (a fact is
 * first recorded by one step, whose words are the plainest), else as the correction's own form does,
 * else as any form of the process.
 */
export function describeChanged(
  steps: CaseStep[],
  fieldsByForm: Map<FormId, Field[]>,
  processFields: Field[],
  own: Field[],
): (name: string) => Field | undefined {
  return (name) => {
    const top = name.split('.')[0]!;
    const firstStep = steps.find((step) => !step.correction && step.entries.some((entry) => top in entry.data));
    return (
      (firstStep && findField(fieldsByForm.get(firstStep.form) ?? [], name)) ?? findField(own, name) ?? findField(processFields, name)
    );
  };
}

export function StepAnswers({
  steps,
  fieldsByForm,
  processFields,
}: {
  steps: CaseStep[];
  fieldsByForm: Map<FormId, Field[]>;
  /** Every form's fields of the process, for a field no step's own form names. */
  processFields: Field[];
}) {
  if (steps.length === 0) return <p className="govuk-body">No details recorded yet.</p>;

  const changeField = (own: Field[]) => describeChanged(steps, fieldsByForm, processFields, own);

  return (
    <div className="app-steps">
      {steps.map((step) => {
        const fields = fieldsByForm.get(step.form) ?? [];
        // One type may be two steps (configured from two stages): the first entry names the step.
        const headingId = `step-${step.entries[0]?.seq ?? step.type}`;
        const listed = step.repeatable || step.entries.length > 1;
        return (
          <section className="app-step" aria-labelledby={headingId} key={headingId} data-step={step.type}>
            <h3 className="govuk-heading-s app-step__title" id={headingId}>
              {step.label}
            </h3>
            {listed ? (
              <>
                <p className="govuk-body app-secondary-text">
                  {step.entries.length === 1 ? '1 entry' : `${step.entries.length} entries, oldest first`}
                </p>
                <ol className="app-step__entries" aria-labelledby={headingId}>
                  {step.entries.map((entry, index) => (
                    <li className="govuk-summary-card app-step__entry" key={entry.seq} data-seq={entry.seq}>
                      <div className="govuk-summary-card__title-wrapper">
                        <h4 className="govuk-summary-card__title">{`Entry ${index + 1}`}</h4>
                      </div>
                      <div className="govuk-summary-card__content">
                        <EntryMeta entry={entry} />
                        <Answers data={entry.data} fields={fields} changes={entry.changes} changeField={changeField(fields)} />
                      </div>
                    </li>
                  ))}
                </ol>
              </>
            ) : (
              step.entries.map((entry) => (
                <div className="app-step__entry" key={entry.seq} data-seq={entry.seq}>
                  <EntryMeta entry={entry} />
                  <Answers data={entry.data} fields={fields} changes={entry.changes} changeField={changeField(fields)} />
                </div>
              ))
            )}
          </section>
        );
      })}
    </div>
  );
}
