import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, onSessionSeen } from '../api.ts';
import { useSession } from '../session.tsx';

/** How long before the session ends the warning opens. */
const WARN_BEFORE_MS = 2 * 60_000;

/**
 * When a tab last heard from the server. The tabs share one session, so a person working in one tab
 * keeps it alive for all; an idle tab that counted only its own requests would warn, and then sign
 * everyone out, in the middle of their work.
 */
const LAST_SEEN = 'session-seen';

function shareSeen(at: number): void {
  try {
    window.localStorage.setItem(LAST_SEEN, String(at));
  } catch {
    // Storage disabled: each tab counts its own requests.
  }
}

/** When the session ends, on this browser's clock: `idleMs` after the last request, and never after `endsAt`. */
interface Lifetime {
  idleMs: number;
  endsAt: number;
}

function inWords(ms: number): string {
  if (ms > 60_000) return `${Math.ceil(ms / 60_000)} minutes`;
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
}

/**
 * The warning before a session ends, in a modal dialog after HMRC's timeout dialog (GOV.UK has none
 * of its own). Every answer from the server keeps the session alive (api.ts tells this of each), so
 * the countdown starts again whenever the pages fetch anything; "Stay signed in" asks the server for
 * the session, which is such a request. A native <dialog> opened with showModal keeps focus inside it
 * and makes the page behind inert; Escape means the person is there, so it stays signed in too. When
 * the time runs out the person is signed out, as the server has already done, rather than finding
 * out at their next click with their work unsendable.
 */
export function TimeoutWarning({ onSignOut }: { onSignOut: () => void }) {
  const [lifetime, setLifetime] = useState<Lifetime>();
  const [lastSeen, setLastSeen] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  /** The deadline the person has read the warning for, when staying signed in cannot move it. */
  const [acknowledged, setAcknowledged] = useState<number>();
  const dialog = useRef<HTMLDialogElement>(null);
  const signOut = useRef(onSignOut);
  signOut.current = onSignOut;
  // Signed out by the clock, the sign-in page says why: the idle limit, or the longest a session lasts.
  const { signOut: endSession } = useSession();
  const timedOut = useRef(() => {});
  timedOut.current = () =>
    void endSession(lifetime && lastSeen + lifetime.idleMs < lifetime.endsAt ? { kind: 'idle', minutes: Math.round(lifetime.idleMs / 60_000) } : { kind: 'limit' });

  const stay = useCallback(() => {
    api.session().then(
      (session) => setLifetime({ idleMs: session.lifetime.idleSeconds * 1000, endsAt: Date.now() + session.lifetime.endsInSeconds * 1000 }),
      // Already over on the server: say so now. Offline, the countdown goes on.
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) void endSession({ kind: 'ended' });
      },
    );
  }, []);

  useEffect(() => {
    stay();
    const stopListening = onSessionSeen((sentAt) => {
      // Answers may come back out of order: the latest request sent is the one that counts.
      setLastSeen((seen) => Math.max(seen, sentAt));
      // "Now" moves too: a clock set back meanwhile (or a machine woken) must not leave an older now
      // that reads as past the new deadline.
      setNow(Date.now());
      shareSeen(sentAt);
    });
    const onStorage = (event: StorageEvent) => {
      const at = Number(event.newValue);
      if (event.key === LAST_SEEN && Number.isFinite(at)) setLastSeen((mine) => Math.max(mine, at));
    };
    window.addEventListener('storage', onStorage);
    return () => {
      stopListening();
      window.removeEventListener('storage', onStorage);
    };
  }, [stay]);

  const deadline = lifetime && Math.min(lastSeen + lifetime.idleMs, lifetime.endsAt);
  const extendable = lifetime !== undefined && lastSeen + lifetime.idleMs < lifetime.endsAt;
  const warning = deadline !== undefined && now >= deadline - WARN_BEFORE_MS && acknowledged !== deadline;

  useEffect(() => {
    if (deadline === undefined) return;
    // The clock as it is, not as it was when `now` was last read: ending a session is not done on a stale reading.
    if (Date.now() >= deadline) {
      timedOut.current();
      return;
    }
    // Once a second while the countdown shows; otherwise one wake-up when the warning is due.
    const wait = warning ? Math.min(1000, deadline - now) : Math.max(0, deadline - WARN_BEFORE_MS - now);
    const timer = window.setTimeout(() => setNow(Date.now()), wait);
    return () => window.clearTimeout(timer);
  }, [deadline, now, warning]);

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (warning && !element.open) element.showModal();
    else if (!warning && element.open) element.close();
  }, [warning]);

  const dismiss = extendable ? stay : () => setAcknowledged(deadline);
  return (
    <dialog
      ref={dialog}
      className="app-timeout-dialog"
      role="alertdialog"
      aria-labelledby="timeout-heading"
      aria-describedby="timeout-message"
      onCancel={(event) => {
        event.preventDefault();
        dismiss();
      }}
    >
      {warning && (
        <>
          <h2 className="govuk-heading-m" id="timeout-heading">
            You’re about to be signed out
          </h2>
          <p className="govuk-body" id="timeout-message">
            {extendable
              ? 'For your security, we will sign you out in '
              : 'You have been signed in for as long as a session can last. Send what you are working on: we will sign you out in '}
            <strong>{inWords(deadline - now)}</strong>.
          </p>
          <div className="govuk-button-group">
            <button type="button" className="govuk-button" onClick={dismiss}>
              {extendable ? 'Stay signed in' : 'Continue'}
            </button>
            <button type="button" className="govuk-link app-link-button" onClick={() => signOut.current()}>
              Sign out
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
