import { useMachine } from '@xstate/react';
import type { ValidateFunction } from 'ajv';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { FormProvider, useForm, type Resolver } from 'react-hook-form';
import { fromPromise } from 'xstate';
import type { ApiError } from '../api.ts';
import type { FormDefinition, FormId, PartnershipId } from '../apiTypes.ts';
import { ErrorSummary, type SummaryItem } from '../components/ErrorSummary.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { NotificationBanner } from '../components/NotificationBanner.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { Link } from '../router.tsx';
import { useUser } from '../session.tsx';
import { useResource } from '../useResource.ts';
import { Answer } from './Answer.tsx';
import { deleteDraft, loadDraft, saveDraft } from './drafts.ts';
import { loadForm, validatorUrl } from './formDefinitions.ts';
import { describeFields, fieldId, type Field } from './fields.ts';
import { formFlowMachine } from './formFlowMachine.ts';
import { pageAsking, pagesOf } from './pages.ts';
import { toData, toFormValues, type FormValues } from './formValues.ts';
import { placeRefusals } from './refusals.ts';
import { conditionalsOf, isShown, placedUnderChoices, revealsOf, withoutHidden } from './reveal.ts';
import { ConditionalsContext, FieldView } from './SchemaFields.tsx';
import { ajvErrorsToFieldErrors, listErrors, loadValidator, pointerToPath, type FormErrors } from './validation.ts';

export interface GuidedFormProps<R> {
  partnership: PartnershipId;
  formId: FormId | null;
  /** What is being done, e.g. the event's label: the questions page's heading. */
  title: string;
  caption: string;
  /** What the draft belongs to within this user's drafts, e.g. a case and an event. */
  draftSubject: string;
  submitLabel: string;
  cancelHref: string;
  /** Shown above the check of the answers: what sending it does, and any warning before it is sent. */
  confirmation?: ReactNode;
  submit(data: Record<string, unknown>): Promise<R>;
  /** The dry run of `submit`: the server's rules on the answers, storing nothing. */
  check(data: Record<string, unknown>): Promise<unknown>;
  onDone(result: R): void;
  /** Called when the case changed under the form: the page fetches it again. */
  onConflict?(): void;
}

const DRAFT_DELAY_MS = 400;

/**
 * A form, its "check your answers" page and the sending, for any form the API describes; a long form
 * a page at a time (pages.ts), each with a back link to the page before.
 */
export function GuidedForm<R>(props: GuidedFormProps<R>) {
  const { partnership, formId } = props;
  const [form] = useResource(
    async () =>
      formId
        ? { definition: await loadForm(partnership, formId), validate: await loadValidator(validatorUrl(partnership, formId)) }
        : { definition: null, validate: null },
    `${partnership}/${formId}`,
  );
  return (
    <Loaded resource={form} page>
      {({ definition, validate }) => <FormFlow {...props} definition={definition} validate={validate} />}
    </Loaded>
  );
}

function FormFlow<R>({
  definition,
  title,
  caption,
  draftSubject,
  submitLabel,
  cancelHref,
  confirmation,
  submit,
  check,
  onDone,
  onConflict,
  validate,
}: GuidedFormProps<R> & { definition: FormDefinition | null; validate: ValidateFunction | null }) {
  const user = useUser();
  const fields = useMemo(
    () => (definition ? describeFields(definition.schema, definition.schema, definition.ui) : []),
    [definition],
  );
  const reveals = useMemo(() => (definition ? revealsOf(definition.schema, definition.ui) : new Map()), [definition]);
  const conditionals = useMemo(() => conditionalsOf(reveals, fields), [reveals, fields]);
  const underChoices = useMemo(() => placedUnderChoices(conditionals), [conditionals]);
  const pages = useMemo(() => pagesOf(fields, definition?.ui ?? null, underChoices), [fields, definition, underChoices]);
  const pageOfName = (name: string) => pageAsking(pages, name, (question) => (underChoices.has(question) ? reveals.get(question)?.field : undefined));
  const [restored, setRestored] = useState(() => (definition ? loadDraft<FormValues>(user.username, draftSubject) : null));
  const [discarded, setDiscarded] = useState(false);
  const emptyValues = useMemo(() => toFormValues(fields, undefined), [fields]);

  // A hidden question's answer is kept while the page is open, in case it is revealed again, but never sent.
  const answers = (values: FormValues) => withoutHidden(reveals, toData(fields, values));
  // The validator judges the whole form; a page is held back only by what it says about that page's
  // questions (or, on the last page, about the answers as a whole).
  const onPage = useRef<(path: string) => boolean>(() => true);
  const resolver: Resolver<FormValues, unknown, Record<string, unknown>> = (values) => {
    const data = answers(values);
    if (validate && !validate(data)) {
      const errors: FormErrors = ajvErrorsToFieldErrors(validate.errors ?? [], fields);
      for (const name of Object.keys(errors)) if (!onPage.current(name)) delete errors[name];
      if (Object.keys(errors).length > 0) return { values: {}, errors };
    }
    return { values: data, errors: {} };
  };
  const methods = useForm<FormValues, unknown, Record<string, unknown>>({
    defaultValues: { ...emptyValues, ...restored?.values },
    resolver,
    shouldFocusError: false,
  });

  // Drafts follow the typing, a little behind it, so a reload keeps the answers while the session
  // lasts (it clears them when it ends). A form back at its starting answers has no draft.
  const draftTimer = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!definition) return undefined;
    const empty = JSON.stringify(toData(fields, emptyValues));
    const subscription = methods.watch((values) => {
      window.clearTimeout(draftTimer.current);
      draftTimer.current = window.setTimeout(() => {
        if (JSON.stringify(toData(fields, values as FormValues)) === empty) deleteDraft(user.username, draftSubject);
        else saveDraft(user.username, draftSubject, values);
      }, DRAFT_DELAY_MS);
    });
    return () => {
      window.clearTimeout(draftTimer.current);
      subscription.unsubscribe();
    };
  }, [methods, definition, fields, emptyValues, user.username, draftSubject]);

  function discardDraft() {
    window.clearTimeout(draftTimer.current);
    deleteDraft(user.username, draftSubject);
    methods.reset(emptyValues);
    setRestored(null);
    setDiscarded(true);
  }

  const submitRef = useRef(submit);
  submitRef.current = submit;
  const checkRef = useRef(check);
  checkRef.current = check;
  const result = useRef<R | undefined>(undefined);
  // What the machine asks of a refusal: the earliest page asking a question it names.
  const liveDataRef = useRef<Record<string, unknown>>({});
  const pageOfRef = useRef<(error: ApiError) => number | null>(() => null);
  pageOfRef.current = (error) => {
    const named = [
      ...error.fieldIssues().map((issue) => pointerToPath(issue.path)),
      ...placeRefusals(error.guardIssues(), fields, (path) => isShown(reveals, path.split('.')[0]!, liveDataRef.current)).map((refusal) => refusal.path ?? ''),
    ];
    const found = named.map((path) => pageOfName(path.split('.')[0]!)).filter((page) => page !== undefined);
    return found.length > 0 ? Math.min(...found) : null;
  };
  const machine = useMemo(
    () =>
      formFlowMachine.provide({
        actors: {
          submit: fromPromise<unknown, { data: Record<string, unknown> }>(async ({ input }) => {
            result.current = await submitRef.current(input.data);
            return result.current;
          }),
          check: fromPromise<unknown, { data: Record<string, unknown> }>(({ input }) => checkRef.current(input.data)),
        },
      }),
    [],
  );
  const [state, send] = useMachine(machine, { input: { hasForm: definition !== null, pageOf: (error) => pageOfRef.current(error) } });
  const { error, data, focusPath, page } = state.context;
  // Each step after the first is a new view within the same page: its heading takes focus, unless an
  // error summary or banner that must be read first does, or a "Change" link asked for a question.
  const firstStep = useRef(state.value);
  const moved = useRef(false);
  if (state.value !== firstStep.current) moved.current = true;

  useEffect(() => {
    if (state.value === 'done') {
      deleteDraft(user.username, draftSubject);
      onDone(result.current as R);
    }
    if (state.value === 'conflict') onConflict?.();
    // The banner confirms the discard where it happened, not on every later return to the questions.
    if (state.value !== 'editing') setDiscarded(false);
  }, [state.value]); // Only entering a state matters; the page's callbacks may change identity meanwhile.

  const liveData = answers(methods.watch());
  liveDataRef.current = liveData;
  // Pages whose questions are all hidden by earlier answers are passed over, going on and going back.
  const asked = pages.flatMap((candidate, index) => (candidate.fields.some((field) => isShown(reveals, field.name, liveData)) ? [index] : []));
  const next = asked.find((index) => index > page) ?? null;
  const previous = asked.filter((index) => index < page).at(-1) ?? null;
  // What no page asks (the answers as a whole, or a question the server names that the form does not show) is the last page's.
  onPage.current = (path) => {
    const asking = pageOfName(path.split('.')[0]!);
    return asking === undefined ? next === null : asking === page;
  };
  const refusals = placeRefusals(error?.guardIssues() ?? [], fields, (path) => isShown(reveals, path.split('.')[0]!, liveData));

  // The server's refusals about the answers go onto the fields they name, like the browser's own;
  // a guard's beside the question it reads.
  useEffect(() => {
    for (const issue of error?.fieldIssues() ?? []) {
      methods.setError(pointerToPath(issue.path) || 'root.server', { type: 'server', message: issue.message });
    }
    for (const refusal of refusals) if (refusal.path) methods.setError(refusal.path, { type: 'guard', message: refusal.message });
  }, [error, methods]); // The refusals are a function of the error, read when it arrives.

  useEffect(() => {
    if (state.value === 'editing' && focusPath) document.getElementById(fieldId(focusPath))?.focus();
  }, [state.value, focusPath]);

  // A new question page starts at the top, as a new page would.
  const pageShown = useRef(page);
  useEffect(() => {
    if (pageShown.current !== page) window.scrollTo(0, 0);
    pageShown.current = page;
  }, [page]);

  if (state.value === 'editing' || state.value === 'vetting') {
    const summaryItems: SummaryItem[] = [
      ...listErrors(methods.formState.errors, fields).filter((item) => onPage.current(item.path)),
      ...refusals.filter((refusal) => !refusal.path).map((refusal) => ({ message: refusal.message })),
    ];
    const vetting = state.value === 'vetting';
    return (
      <FormProvider {...methods}>
        {previous === null ? (
          <Link className="govuk-back-link" href={cancelHref}>
            Back
          </Link>
        ) : (
          <BackLink onClick={() => send({ type: 'BACK', page: previous })} />
        )}
        <form noValidate onSubmit={methods.handleSubmit((valid) => send({ type: 'CHECK', data: valid, next }))}>
          <ErrorSummary items={summaryItems} focusKey={`${methods.formState.submitCount}:${page}:${error?.code ?? ''}`} />
          {discarded && (
            <NotificationBanner kind="success" title="Your draft has been discarded">
              <p className="govuk-body">The answers you had kept are deleted and the form is empty again.</p>
            </NotificationBanner>
          )}
          <PageHeading key={page} caption={caption} error={summaryItems.length > 0} focus={moved.current && summaryItems.length === 0 && !focusPath}>
            {pages[page]?.title ?? title}
          </PageHeading>
          {restored && page === asked[0] && (
            <div className="govuk-inset-text">
              <p className="govuk-body">
                Your answers from your last visit have been kept. They are not sent until you check and send them.
              </p>
              <button type="button" className="govuk-button govuk-button--secondary" onClick={discardDraft}>
                Discard draft
              </button>
            </div>
          )}
          <ConditionalsContext.Provider value={conditionals}>
            {(pages[page]?.fields ?? [])
              .filter((field) => isShown(reveals, field.name, liveData))
              .map((field) => (
                <FieldView key={field.name} field={field} />
              ))}
          </ConditionalsContext.Provider>
          <div className="govuk-button-group">
            <button type="submit" className="govuk-button" disabled={vetting} aria-disabled={vetting}>
              {vetting ? 'Checking…' : 'Continue'}
            </button>
            <Link className="govuk-link" href={cancelHref}>
              Cancel
            </Link>
          </div>
        </form>
      </FormProvider>
    );
  }

  const sending = state.value === 'submitting';
  const lastAsked = asked.at(-1);
  return (
    <>
      {lastAsked === undefined || !definition ? (
        <Link className="govuk-back-link" href={cancelHref}>
          Back
        </Link>
      ) : (
        <BackLink onClick={() => send({ type: 'BACK', page: lastAsked })} />
      )}
      {state.value === 'conflict' && (
        <NotificationBanner kind="important" focus title="Someone else updated this case while you were working on it">
          <p className="govuk-body">
            The case has been refreshed. Your answers are kept: check them against the case as it is now, then send them again.
          </p>
        </NotificationBanner>
      )}
      {state.value === 'failed' && error && (
        <ErrorSummary items={[{ message: error.message }]} focusKey={error.message} />
      )}
      <PageHeading caption={caption} focus={moved.current && state.value === 'checking'} error={state.value === 'failed'}>
        {definition ? 'Check your answers' : title}
      </PageHeading>
      {confirmation}
      {fields.length > 0 && (
        <CheckAnswers
          // In the order the pages asked them; Array.prototype.sort is stable, so form order within a page.
          fields={fields
            .filter((field) => isShown(reveals, field.name, data))
            .sort((a, b) => (pageOfName(a.name) ?? 0) - (pageOfName(b.name) ?? 0))}
          data={data}
          onChange={(path) => send({ type: 'EDIT', focusPath: path, page: pageOfName(path.split('.')[0]!) })}
        />
      )}
      <div className="govuk-button-group">
        <button
          type="button"
          className="govuk-button"
          data-prevent-double-click="true"
          disabled={sending}
          aria-disabled={sending}
          onClick={() => send({ type: 'SUBMIT' })}
        >
          {sending ? 'Sending…' : submitLabel}
        </button>
        <Link className="govuk-link" href={cancelHref}>
          Cancel
        </Link>
      </div>
    </>
  );
}

/**
 * The GOV.UK back link to the question page before, within this page's flow. The answers stay in
 * the form (and the draft) whichever way the person goes.
 */
function BackLink({ onClick }: { onClick(): void }) {
  return (
    <a
      href="#main-content"
      className="govuk-back-link"
      onClick={(event) => {
        event.preventDefault();
        onClick();
      }}
    >
      Back
    </a>
  );
}

function CheckAnswers({
  fields,
  data,
  onChange,
}: {
  fields: Field[];
  data: Record<string, unknown>;
  onChange(path: string): void;
}) {
  return (
    <dl className="govuk-summary-list">
      {fields.map((field) => (
        <div className="govuk-summary-list__row" key={field.name}>
          <dt className="govuk-summary-list__key">{field.label}</dt>
          <dd className="govuk-summary-list__value">
            <Answer field={field} value={data[field.name]} />
          </dd>
          <dd className="govuk-summary-list__actions">
            <button type="button" className="govuk-link app-link-button" onClick={() => onChange(field.path)}>
              Change<span className="govuk-visually-hidden"> {field.label}</span>
            </button>
          </dd>
        </div>
      ))}
    </dl>
  );
}
