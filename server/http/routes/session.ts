import { Router } from 'express';
import { LoginThrottle } from '../../auth/login-throttle.ts';
import type { SessionStore } from '../../auth/sessions.ts';
import type { UserDirectory } from '../../auth/users.ts';
import { BadRequestError, UnauthenticatedError } from '../../engine/errors.ts';
import { authOf, requireCsrf, SESSION_COOKIE, type AuthContext } from '../auth.ts';
import { jsonObjectBody } from '../body.ts';

export interface SessionRouteOptions {
  sessions: SessionStore;
  users: UserDirectory;
  secureCookies: boolean;
  /** Failed sign-ins one address may make in 15 minutes; successful ones are never limited. */
  maxFailedLogins: number;
}

const BAD_CREDENTIALS = 'The username or password is not right';

function sessionBody(auth: Pick<AuthContext, 'user' | 'session'>) {
  const { username, partnership, roles } = auth.user;
  return { user: { username, partnership, roles }, csrfToken: auth.session.csrfToken };
}

export function sessionRoutes({ sessions, users, secureCookies, maxFailedLogins }: SessionRouteOptions): Router {
  const router = Router();
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure: secureCookies, path: '/' };
  // Counts failures only: a ward of practitioners signing in from one address, even all at once,
  // is never locked out (see LoginThrottle for why express-rate-limit's skipSuccessfulRequests is not enough).
  const throttle = new LoginThrottle(maxFailedLogins);

  router.post('/', jsonObjectBody, async (req, res) => {
    const { username, password } = req.body as Record<string, unknown>;
    if (typeof username !== 'string' || typeof password !== 'string') throw new BadRequestError('Send {username, password} as strings');
    const address = req.ip ?? 'unknown';
    if (!(await throttle.acquire(address))) {
      res.set('Retry-After', String(throttle.retryAfterSeconds(address)));
      res.status(429).json({ error: { code: 'too_many_requests', message: 'Too many failed sign-ins from this address; wait 15 minutes and try again' } });
      return;
    }
    let record;
    try {
      record = await users.authenticate(username, password);
    } finally {
      throttle.release(address, record === undefined);
    }
    if (record === undefined) throw new UnauthenticatedError(BAD_CREDENTIALS);
    // A new token at every sign-in, so a token planted before sign-in is worth nothing after it.
    const previous: unknown = req.cookies?.[SESSION_COOKIE];
    if (typeof previous === 'string') await sessions.destroy(previous);
    const { token, session } = await sessions.create(record.username);
    res.cookie(SESSION_COOKIE, token, cookieOptions);
    res.json(sessionBody({ user: record, session }));
  });

  router.get('/', (_req, res) => {
    res.json(sessionBody(authOf(res)));
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
