import type { Request, RequestHandler, Response } from 'express';
import type { UserDirectory } from '../auth/users.ts';
import { sameToken, type Session, type SessionStore } from '../auth/sessions.ts';
import type { User } from '../cases/service.ts';
import { ForbiddenError, UnauthenticatedError } from '../engine/errors.ts';

export const SESSION_COOKIE = 'sid';

export interface AuthContext {
  user: User;
  session: Session;
  token: string;
}

/**
 * Reads the session cookie, if any, into `res.locals.auth`. A session whose user has left the users
 * file, or whose roles or password have changed since it began, is ended here.
 */
export function loadSession(sessions: SessionStore, users: UserDirectory): RequestHandler {
  return async (req, res, next) => {
    const token: unknown = req.cookies?.[SESSION_COOKIE];
    if (typeof token === 'string' && token.length > 0 && token.length < 200) {
      const session = await sessions.find(token);
      const record = session && users.find(session.username);
      if (session && record && record.fingerprint === session.fingerprint) {
        res.locals.auth = { user: { username: record.username, partnership: record.partnership, roles: record.roles }, session, token } satisfies AuthContext;
      } else if (session) {
        await sessions.destroy(token);
      }
    }
    next();
  };
}

export function authOf(res: Response): AuthContext {
  const auth = res.locals.auth as AuthContext | undefined;
  if (auth === undefined) throw new UnauthenticatedError('Sign in first (POST /api/session), or sign in again: your session has ended');
  return auth;
}

export const requireUser: RequestHandler = (_req, res, next) => {
  authOf(res);
  next();
};

/** Every cookie-authenticated write carries the session's token, which another site cannot read. */
export const requireCsrf: RequestHandler = (req, res, next) => {
  const { session } = authOf(res);
  const sent = req.get('x-csrf-token');
  if (sent === undefined || !sameToken(sent, session.csrfToken)) {
    throw new ForbiddenError('Missing or wrong X-CSRF-Token header: send the csrfToken you got when you signed in');
  }
  next();
};

/** A write whose Origin names another site is refused; a write without Origin (curl, tests) is judged by its token. */
export const sameOriginWrites: RequestHandler = (req, _res, next) => {
  const origin = req.get('origin');
  if (req.method !== 'GET' && req.method !== 'HEAD' && origin !== undefined && !isOwnOrigin(req, origin)) {
    throw new ForbiddenError(`Writes from ${origin} are not accepted`);
  }
  next();
};

function isOwnOrigin(req: Request, origin: string): boolean {
  try {
    // req.host is the Host header, or X-Forwarded-Host from a proxy trusted by TRUST_PROXY.
    return new URL(origin).host === req.host;
  } catch {
    return false;
  }
}
