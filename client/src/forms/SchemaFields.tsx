import { createContext, useContext, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { get, useController, useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import { assertNever } from '../assertNever.ts';
import { CharacterCountTextarea } from './CharacterCount.tsx';
import { fieldAt, fieldId, type Field, type FieldKind, type Option } from './fields.ts';
import { toFormValue, type FormValues } from './formValues.ts';
import type { Conditionals } from './reveal.ts';

/** The questions each radio or checkbox choice reveals beneath it (see reveal.ts). */
export const ConditionalsContext = createContext<Conditionals>(new Map());

/**
 * The GOV.UK conditional reveal: the questions a choice reveals, beneath it, hidden until it is
 * chosen. Always in the page, so the choice's `aria-controls` names an element that exists. Hidden
 * by the `hidden` attribute too: govuk-frontend's class hides only once its own script has run.
 */
function Conditional({ id, kind, chosen, fields }: { id: string; kind: 'radios' | 'checkboxes'; chosen: boolean; fields: Field[] }) {
  return (
    <div className={`govuk-${kind}__conditional${chosen ? '' : ` govuk-${kind}__conditional--hidden`}`} id={id} hidden={!chosen}>
      {fields.map((inner) => (
        <FieldView key={inner.name} field={inner} />
      ))}
    </div>
  );
}

/**
 * GOV.UK Design System markup for every kind of field a form schema can describe. Used inside a
 * react-hook-form `FormProvider`; the paths registered are the fields' own paths.
 */

type Of<K extends FieldKind['kind']> = Extract<Field, { kind: K }>;

/** How react-hook-form should see a form when editing one of its arrays of rows. */
type RowsForm = Record<string, FormValues[]>;

/** The message for exactly this path, or (when `deep`) the first message beneath it. */
function useErrorAt(path: string, deep = false): string | undefined {
  const {
    formState: { errors },
  } = useFormContext<FormValues>();
  const first = (node: unknown): string | undefined => {
    if (!node || typeof node !== 'object') return undefined;
    const message = (node as { message?: unknown }).message;
    if (typeof message === 'string' && message) return message;
    if (!deep) return undefined;
    for (const [key, child] of Object.entries(node)) if (key !== 'ref') {
      const found = first(child);
      if (found) return found;
    }
    return undefined;
  };
  return first(get(errors, path));
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(' ') || undefined;
}

function Hint({ id, text }: { id: string; text?: string }) {
  return text ? (
    <div id={id} className="govuk-hint">
      {text}
    </div>
  ) : null;
}

function ErrorMessage({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p id={id} className="govuk-error-message">
      <span className="govuk-visually-hidden">Error:</span> {message}
    </p>
  ) : null;
}

function FormGroup({ error, className, children }: { error?: string; className?: string; children: ReactNode }) {
  return <div className={`govuk-form-group${className ? ` ${className}` : ''}${error ? ' govuk-form-group--error' : ''}`}>{children}</div>;
}

/** A fieldset with its legend, hint and error: radios, checkboxes, dates, groups and rows all use it. */
function Fieldset({
  field,
  error,
  children,
  focusable = false,
}: {
  field: Field;
  error?: string;
  children: ReactNode;
  /** Give the fieldset itself the field's id, where there is no first control to link to. */
  focusable?: boolean;
}) {
  const id = fieldId(field.path);
  return (
    <FormGroup error={error}>
      <fieldset
        className="govuk-fieldset"
        aria-describedby={describedBy(field.hint && `${id}-hint`, error && `${id}-error`)}
        {...(focusable ? { id, tabIndex: -1 } : {})}
      >
        <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">{field.label}</legend>
        <Hint id={`${id}-hint`} text={field.hint} />
        <ErrorMessage id={`${id}-error`} message={error} />
        {children}
      </fieldset>
    </FormGroup>
  );
}

function TextField({ field }: { field: Of<'text'> | Of<'number'> }) {
  const { register } = useFormContext<FormValues>();
  const error = useErrorAt(field.path);
  const id = fieldId(field.path);
  const common = {
    id,
    'aria-describedby': describedBy(field.hint && `${id}-hint`, error && `${id}-error`),
    ...register(field.path),
  };
  const counted = field.kind === 'text' && field.multiline && field.maxLength !== undefined ? field.maxLength : undefined;
  return (
    <FormGroup error={error} className={counted === undefined ? undefined : 'govuk-character-count'}>
      <label className="govuk-label govuk-label--s" htmlFor={id}>
        {field.label}
      </label>
      <Hint id={`${id}-hint`} text={field.hint} />
      <ErrorMessage id={`${id}-error`} message={error} />
      {counted !== undefined ? (
        <CharacterCountTextarea path={field.path} maxLength={counted} error={error !== undefined} textarea={common} />
      ) : field.kind === 'text' && field.multiline ? (
        <textarea className={`govuk-textarea${error ? ' govuk-textarea--error' : ''}`} rows={5} {...common} />
      ) : (
        <input
          className={`govuk-input${field.kind === 'number' ? ' govuk-input--width-5' : ''}${error ? ' govuk-input--error' : ''}`}
          type="text"
          inputMode={field.kind === 'number' ? (field.integer ? 'numeric' : 'decimal') : undefined}
          spellCheck={field.kind === 'number' ? false : undefined}
          {...common}
        />
      )}
    </FormGroup>
  );
}

/**
 * A text answer chosen from the partnership's options, or written in (GOV.UK radios with a
 * conditional text input): the value is the option's id or the words written, as the schema accepts.
 */
function ChoiceOrOtherField({ field, choices }: { field: Of<'text'>; choices: NonNullable<Of<'text'>['choices']> }) {
  const { field: control } = useController<FormValues>({ name: field.path });
  const error = useErrorAt(field.path);
  const id = fieldId(field.path);
  const value = typeof control.value === 'string' ? control.value : '';
  const [writing, setWriting] = useState(value !== '' && !choices.options.some((o) => o.value === value));
  const otherId = `${id}-other`;
  return (
    <Fieldset field={field} error={error}>
      <div className="govuk-radios" data-module="govuk-radios">
        {choices.options.map((option, index) => (
          <Choice
            key={option.value}
            kind="radios"
            id={index === 0 ? id : `${id}-${index}`}
            option={option}
            chosen={!writing && value === option.value}
            input={(common) => (
              <input {...common} type="radio" name={`${field.path}-choice`} checked={!writing && value === option.value} onChange={() => (setWriting(false), control.onChange(option.value))} />
            )}
          />
        ))}
        {choices.other !== undefined && (
          <>
            <div className="govuk-radios__item">
              <input className="govuk-radios__input" id={`${otherId}-choice`} type="radio" name={`${field.path}-choice`} aria-controls={`${otherId}-conditional`} checked={writing} onChange={() => (setWriting(true), control.onChange(''))} />
              <label className="govuk-label govuk-radios__label" htmlFor={`${otherId}-choice`}>
                {choices.other}
              </label>
            </div>
            <div className={`govuk-radios__conditional${writing ? '' : ' govuk-radios__conditional--hidden'}`} id={`${otherId}-conditional`} hidden={!writing}>
              <div className="govuk-form-group">
                <label className="govuk-label" htmlFor={otherId}>
                  Name
                </label>
                <input className={`govuk-input${error ? ' govuk-input--error' : ''}`} id={otherId} type="text" value={writing ? value : ''} onChange={(e) => control.onChange(e.target.value)} onBlur={control.onBlur} />
              </div>
            </div>
          </>
        )}
      </div>
    </Fieldset>
  );
}

function DateField({ field }: { field: Of<'date'> }) {
  const { register } = useFormContext<FormValues>();
  const error = useErrorAt(field.path);
  const id = fieldId(field.path);
  const parts = [
    { part: 'day', label: 'Day', width: 2 },
    { part: 'month', label: 'Month', width: 2 },
    { part: 'year', label: 'Year', width: 4 },
  ] as const;
  return (
    <Fieldset field={field} error={error}>
      <div className="govuk-date-input">
        {parts.map(({ part, label, width }) => {
          // The day box carries the field's id, so the error summary's link lands on it.
          const partId = part === 'day' ? id : `${id}-${part}`;
          return (
            <div className="govuk-date-input__item" key={part}>
              <div className="govuk-form-group">
                <label className="govuk-label govuk-date-input__label" htmlFor={partId}>
                  {label}
                </label>
                <input
                  id={partId}
                  className={`govuk-input govuk-date-input__input govuk-input--width-${width}${error ? ' govuk-input--error' : ''}`}
                  type="text"
                  inputMode="numeric"
                  {...register(`${field.path}.${part}`)}
                />
              </div>
            </div>
          );
        })}
      </div>
    </Fieldset>
  );
}

/** One radio or checkbox with its label, hint and the questions it reveals; `input` draws the control itself. */
function Choice({
  kind,
  id,
  option,
  revealed,
  chosen,
  input,
}: {
  kind: 'radios' | 'checkboxes';
  id: string;
  option: Option;
  revealed?: Field[];
  chosen: boolean;
  input(common: InputHTMLAttributes<HTMLInputElement>): ReactNode;
}) {
  const common = {
    className: `govuk-${kind}__input`,
    id,
    'aria-describedby': option.hint ? `${id}-hint` : undefined,
    'aria-controls': revealed ? `${id}-conditional` : undefined,
  };
  return (
    <>
      <div className={`govuk-${kind}__item`}>
        {input(common)}
        <label className={`govuk-label govuk-${kind}__label`} htmlFor={id}>
          {option.label}
        </label>
        {option.hint && (
          <div id={`${id}-hint`} className={`govuk-hint govuk-${kind}__hint`}>
            {option.hint}
          </div>
        )}
      </div>
      {revealed && <Conditional id={`${id}-conditional`} kind={kind} chosen={chosen} fields={revealed} />}
    </>
  );
}

function RadioField({ field }: { field: Of<'choice'> | Of<'boolean'> }) {
  const { register } = useFormContext<FormValues>();
  const error = useErrorAt(field.path);
  const id = fieldId(field.path);
  const revealing = useContext(ConditionalsContext).get(field.path);
  const chosen = useWatch<FormValues>({ name: field.path });
  const options: Option[] =
    field.kind === 'boolean'
      ? [
          { value: 'true', label: 'Yes' },
          { value: 'false', label: 'No' },
        ]
      : field.options;
  return (
    <Fieldset field={field} error={error}>
      {/* GOV.UK: inline radios cannot reveal questions beneath a choice. */}
      <div className={`govuk-radios${field.kind === 'boolean' && !revealing ? ' govuk-radios--inline' : ''}`}>
        {options.map((option, index) => {
          const value = String(option.value);
          return (
            <Choice
              key={value}
              kind="radios"
              id={index === 0 ? id : `${id}-${index}`}
              option={option}
              revealed={revealing?.get(value)}
              chosen={chosen === value}
              input={(common) => <input {...common} type="radio" value={value} {...register(field.path)} />}
            />
          );
        })}
      </div>
    </Fieldset>
  );
}

function CheckboxField({ field }: { field: Of<'multi-choice'> }) {
  const { field: control } = useController<FormValues>({ name: field.path });
  const error = useErrorAt(field.path, true);
  const id = fieldId(field.path);
  const revealing = useContext(ConditionalsContext).get(field.path);
  const chosen = Array.isArray(control.value) ? (control.value as string[]) : [];
  const toggle = (value: string, on: boolean) =>
    control.onChange(on ? [...chosen, value] : chosen.filter((item) => item !== value));
  return (
    <Fieldset field={field} error={error}>
      <div className="govuk-checkboxes">
        {field.options.map((option, index) => {
          const value = String(option.value);
          return (
            <Choice
              key={value}
              kind="checkboxes"
              id={index === 0 ? id : `${id}-${index}`}
              option={option}
              revealed={revealing?.get(value)}
              chosen={chosen.includes(value)}
              input={(common) => (
                <input
                  {...common}
                  name={field.path}
                  type="checkbox"
                  value={value}
                  checked={chosen.includes(value)}
                  onChange={(event) => toggle(value, event.target.checked)}
                  onBlur={control.onBlur}
                />
              )}
            />
          );
        })}
      </div>
    </Fieldset>
  );
}

function ListItem({ field, index, onRemove }: { field: Of<'list'>; index: number; onRemove?: () => void }) {
  const { register } = useFormContext<FormValues>();
  const itemPath = `${field.path}.${index}`;
  const error = useErrorAt(itemPath);
  const id = fieldId(itemPath);
  const label = `${field.item.label} ${index + 1}`;
  return (
    <FormGroup error={error}>
      <label className="govuk-label" htmlFor={id}>
        {label}
      </label>
      <ErrorMessage id={`${id}-error`} message={error} />
      <div className="app-list-row">
        <input
          id={id}
          className={`govuk-input${error ? ' govuk-input--error' : ''}`}
          type="text"
          aria-describedby={error ? `${id}-error` : undefined}
          {...register(`${itemPath}.value`)}
        />
        {onRemove && (
          <button type="button" className="govuk-button govuk-button--secondary app-list-row__remove" onClick={onRemove}>
            Remove<span className="govuk-visually-hidden"> {label}</span>
          </button>
        )}
      </div>
    </FormGroup>
  );
}

function ListField({ field }: { field: Of<'list'> }) {
  const { fields: items, append, remove } = useFieldArray<RowsForm>({ name: field.path });
  const error = useErrorAt(field.path);
  return (
    <Fieldset field={field} error={error} focusable>
      {items.map((item, index) => (
        <ListItem
          key={item.id}
          field={field}
          index={index}
          onRemove={items.length > Math.max(field.minItems, 1) ? () => remove(index) : undefined}
        />
      ))}
      <button
        type="button"
        className="govuk-button govuk-button--secondary"
        onClick={() => append({ value: toFormValue(field.item, undefined) })}
      >
        Add another<span className="govuk-visually-hidden"> to {field.label}</span>
      </button>
    </Fieldset>
  );
}

function RowsField({ field }: { field: Of<'rows'> }) {
  const { fields: rows, append, remove } = useFieldArray<RowsForm>({ name: field.path });
  const error = useErrorAt(field.path);
  return (
    <Fieldset field={field} error={error} focusable>
      {rows.length === 0 && <p className="govuk-body">None added.</p>}
      {rows.map((row, index) => {
        const label = `${field.itemLabel} ${index + 1}`;
        return (
          <fieldset className="govuk-fieldset app-row" key={row.id}>
            <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">{label}</legend>
            {field.fields.map((inner) => (
              <FieldView key={inner.name} field={fieldAt(inner, index)} />
            ))}
            {rows.length > field.minItems && (
              <button type="button" className="govuk-button govuk-button--secondary" onClick={() => remove(index)}>
                Remove<span className="govuk-visually-hidden"> {label}</span>
              </button>
            )}
          </fieldset>
        );
      })}
      <button
        type="button"
        className="govuk-button govuk-button--secondary"
        onClick={() => append(Object.fromEntries(field.fields.map((inner) => [inner.name, toFormValue(inner, inner.default)])))}
      >
        Add {rows.length === 0 ? 'one' : 'another'}
        <span className="govuk-visually-hidden"> to {field.label}</span>
      </button>
    </Fieldset>
  );
}

function GroupField({ field }: { field: Of<'group'> }) {
  const error = useErrorAt(field.path);
  return (
    <Fieldset field={field} error={error} focusable>
      {field.fields.map((inner) => (
        <FieldView key={inner.name} field={inner} />
      ))}
    </Fieldset>
  );
}

export function FieldView({ field }: { field: Field }) {
  switch (field.kind) {
    case 'text':
      return field.choices === undefined ? <TextField field={field} /> : <ChoiceOrOtherField field={field} choices={field.choices} />;
    case 'number':
      return <TextField field={field} />;
    case 'date':
      return <DateField field={field} />;
    case 'boolean':
    case 'choice':
      return <RadioField field={field} />;
    case 'multi-choice':
      return <CheckboxField field={field} />;
    case 'list':
      return <ListField field={field} />;
    case 'rows':
      return <RowsField field={field} />;
    case 'group':
      return <GroupField field={field} />;
    default:
      return assertNever(field);
  }
}
