import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { ErrorSummary, type SummaryItem } from '../components/ErrorSummary.tsx';
import { NotificationBanner } from '../components/NotificationBanner.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { useSession, type SignedOutBecause } from '../session.tsx';

/**
 * Why the person was signed out, in words. Unsent answers are not kept: the session's end clears this
 * computer's drafts (SessionProvider), so the page says so rather than promising them back.
 */
function signedOutWords(because: SignedOutBecause): string {
  switch (because.kind) {
    case 'idle':
      return `You were signed out after ${because.minutes} ${because.minutes === 1 ? 'minute' : 'minutes'} without activity, to keep the case records safe.`;
    case 'limit':
      return 'You were signed out because you had been signed in for as long as a session can last.';
    case 'ended':
      return 'Your session ended, so you were signed out.';
  }
}

/** Shown at whatever address was asked for, so signing in lands on that page. */
export function SignInPage() {
  const { signIn, state } = useSession();
  const because = state.status === 'signed-out' ? state.because : undefined;
  const [errors, setErrors] = useState<SummaryItem[]>([]);
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const username = String(form.get('username') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const missing: SummaryItem[] = [
      ...(username ? [] : [{ path: 'username', message: 'Enter your username' }]),
      ...(password ? [] : [{ path: 'password', message: 'Enter your password' }]),
    ];
    setAttempt((n) => n + 1);
    setErrors(missing);
    if (missing.length) return;
    setBusy(true);
    try {
      await signIn(username, password);
    } catch (error) {
      setErrors([{ message: error instanceof ApiError ? error.message : 'Sign-in failed. Try again.' }]);
      setBusy(false);
    }
  }

  const errorFor = (path: string) => errors.find((item) => item.path === path)?.message;
  const input = (name: 'username' | 'password', label: string, type: string, autoComplete: string) => {
    const error = errorFor(name);
    return (
      <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
        <label className="govuk-label govuk-label--s" htmlFor={`field-${name}`}>
          {label}
        </label>
        {error && (
          <p id={`field-${name}-error`} className="govuk-error-message">
            <span className="govuk-visually-hidden">Error:</span> {error}
          </p>
        )}
        <input
          className={`govuk-input govuk-!-width-one-half${error ? ' govuk-input--error' : ''}`}
          id={`field-${name}`}
          name={name}
          type={type}
          autoComplete={autoComplete}
          spellCheck={false}
          aria-describedby={error ? `field-${name}-error` : undefined}
        />
      </div>
    );
  };

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <ErrorSummary items={errors} focusKey={attempt} />
        {because && errors.length === 0 && (
          <NotificationBanner kind="important" title="You have been signed out">
            <p className="govuk-body">{signedOutWords(because)}</p>
            <p className="govuk-body">
              Answers you had not sent were deleted from this computer, so that nobody else using it can read them. Anything you
              sent is kept in the case record. Sign in again to carry on.
            </p>
          </NotificationBanner>
        )}
        <PageHeading error={errors.length > 0}>Sign in</PageHeading>
        <form noValidate onSubmit={onSubmit}>
          {input('username', 'Username', 'text', 'username')}
          {input('password', 'Password', 'password', 'current-password')}
          <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
            Sign in
          </button>
        </form>
      </div>
    </div>
  );
}
