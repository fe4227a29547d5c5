import { Router, type Request } from 'express';
import { HashingBusyError, type HashingLimit } from '../../auth/hashing.ts';
import { LoginThrottle, type ThrottleClock } from '../../auth/login-throttle.ts';
import type { SessionStore } from '../../auth/sessions.ts';
import type { UserDirectory } from '../../auth/users.ts';
import { BadRequestError, UnauthenticatedError } from '../../engine/errors.ts';
import type { Database } from '../../store/database.ts';
import { SignInFailures } from '../../store/sign-in-failures.ts';
import { authOf, requireCsrf, SESSION_COOKIE, type AuthContext } from '../auth.ts';
import { jsonObjectBody } from '../body.ts';
import { TooManyRequestsError } from '../errors.ts';

export interface SessionRouteOptions {
  sessions: SessionStore;
  /** Where the throttle counts failed sign-ins, shared by every server on it. */
  db: Database;
  users: UserDirectory;
  secureCookies: boolean;
  /** Failed sign-ins one address, or one username, may make in 15 minutes before sign-ins are slowed. */
  maxFailedLogins: number;
  /** The throttle's clock; tests step their own. */
  signInClock?: ThrottleClock;
  passwordHashing: HashingLimit;
  log: (line: string) => void;
}

const BAD_CREDENTIALS = 'The username or password is not right';

/** What a slowed sign-in is told, by what slowed it. */
function slowedMessages(throttle: LoginThrottle): Record<'address' | 'username', string> {
  const window = `until ${throttle.windowMs / 60_000} minutes after the first failure`;
  const delay = `up to ${throttle.maxDelayMs / 1000} seconds`;
  return {
    address: `Too many failed sign-ins from this address. Check the username and password and try again: ${window}, each attempt from here waits ${delay}, one at a time`,
    username: `Too many failed sign-ins for this username. Check the username and password and try again: ${window}, each attempt waits ${delay}`,
  };
}

function sessionBody(sessions: SessionStore, auth: Pick<AuthContext, 'user' | 'session'>) {
  const { username, partnership, roles } = auth.user;
  return { user: { username, partnership, roles }, csrfToken: auth.session.csrfToken, lifetime: sessions.lifetime(auth.session) };
}

export function sessionRoutes({ sessions, db, users, secureCookies, maxFailedLogins, signInClock, passwordHashing, log }: SessionRouteOptions): Router {
  const router = Router();
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure: secureCookies, path: '/' };
  // Counts failures only: a ward of practitioners signing in from one address, even all at once,
  // is never locked out (see LoginThrottle for why express-rate-limit's skipSuccessfulRequests is not enough).
  const throttle = new LoginThrottle({ maxFailures: maxFailedLogins, failures: new SignInFailures(db), clock: signInClock });
  const slowed = slowedMessages(throttle);
  const warnPlainHttp = plainHttpWarning(log);

  router.post('/', jsonObjectBody, async (req, res) => {
    const { username, password } = req.body as Record<string, unknown>;
    if (typeof username !== 'string' || typeof password !== 'string') throw new BadRequestError('Send {username, password} as strings');
    if (secureCookies && !req.secure) warnPlainHttp(req);
    const attempt = await throttle.admit(req.ip ?? 'unknown', username);
    if (!attempt.admitted) throw new TooManyRequestsError(slowed.address, attempt.retryAfterSeconds);
    let record;
    try {
      record = await passwordHashing.run(() => users.authenticate(username, password));
      await attempt.settle(record === undefined ? 'wrong' : 'right');
    } catch (error) {
      await attempt.settle('unchecked');
      if (error instanceof HashingBusyError) throw new TooManyRequestsError(error.message, 5);
      throw error;
    }
    if (record === undefined) {
      if (attempt.slowedBy !== undefined) throw new TooManyRequestsError(slowed[attempt.slowedBy], attempt.retryAfterSeconds());
      throw new UnauthenticatedError(BAD_CREDENTIALS);
    }
    // A new token at every sign-in, so a token planted before sign-in is worth nothing after it.
    const previous: unknown = req.cookies?.[SESSION_COOKIE];
    if (typeof previous === 'string') await sessions.destroy(previous);
    const { token, session } = await sessions.create(record.username, record.fingerprint);
    res.cookie(SESSION_COOKIE, token, cookieOptions);
    res.json(sessionBody(sessions, { user: record, session }));
  });

  router.get('/', (_req, res) => {
    res.json(sessionBody(sessions, authOf(res)));
  });

  // Signing out of no session succeeds; signing out of a live one is a write like any other.
  router.delete('/', (req, res, next) => (res.locals.auth === undefined ? next() : requireCsrf(req, res, next)), async (_req, res) => {
    const auth = res.locals.auth as AuthContext | undefined;
    if (auth !== undefined) await sessions.destroy(auth.token);
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.status(204).end();
  });
  return router;
}

/**
 * Production cookies are Secure, so a browser that signs in over plain HTTP never sends its cookie
 * back and seems never to stay signed in. Said once, to the operator, who can fix it.
 */
function plainHttpWarning(log: (line: string) => void): (req: Request) => void {
  let warned = false;
  return (req) => {
    if (warned) return;
    warned = true;
    const forwarded = req.get('x-forwarded-proto') !== undefined;
    log(
      forwarded
        ? 'warning: a sign-in came through a proxy (X-Forwarded-Proto) that TRUST_PROXY does not name, so it counts as plain HTTP and its Secure cookie will be dropped; set TRUST_PROXY to the proxy\'s address'
        : 'warning: a sign-in came over plain HTTP; production cookies are Secure, so browsers will drop them: serve over HTTPS, or behind a TLS proxy set TRUST_PROXY',
    );
  };
}
