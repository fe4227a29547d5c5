import express, { type Express } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionStore } from '../auth/sessions.ts';
import type { UserDirectory } from '../auth/users.ts';
import type { CaseService } from '../cases/service.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../store/sqlite.ts';
import { loadSession, requireUser, sameOriginWrites } from './auth.ts';
import { apiNotFound, errorHandler } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { caseCreationRoutes, caseRoutes } from './routes/cases.ts';
import { definitionRoutes } from './routes/definitions.ts';
import { reportRoutes } from './routes/reports.ts';
import { sessionRoutes } from './routes/session.ts';

export interface AppDeps {
  service: CaseService;
  db: Database;
  clock: Clock;
  sessions: SessionStore;
  users: UserDirectory;
  /** The built client (client/dist), served on the same origin; absent in API-only runs. */
  clientDir?: string;
  secureCookies: boolean;
  maxFailedLogins: number;
  log: (line: string) => void;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Upgrading requests and HSTS only where the server sits behind TLS (production): over plain HTTP on
  // a ward's network they would send the browser to an https:// that is not there.
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: deps.secureCookies ? [] : null } },
      strictTransportSecurity: deps.secureCookies,
    }),
  );
  app.use(cookieParser());
  app.use(requestLog(deps.log));

  const api = express.Router();
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  api.use(loadSession(deps.sessions, deps.users));
  api.use(sameOriginWrites);
  api.use('/session', sessionRoutes(deps));
  api.use(requireUser);
  api.use('/partnerships', definitionRoutes(deps.service, deps.db, deps.clock));
  api.use('/partnerships', caseCreationRoutes(deps.service));
  api.use('/partnerships', reportRoutes(deps.service, deps.db, deps.clock));
  api.use('/cases', caseRoutes(deps.service, deps.db, deps.clock));
  api.use(apiNotFound);
  app.use('/api', api);

  if (deps.clientDir !== undefined && existsSync(join(deps.clientDir, 'index.html'))) {
    const index = join(deps.clientDir, 'index.html');
    app.use(express.static(deps.clientDir, { index: false, maxAge: '1h' }));
    // Client-side routes: every other GET is the single page, which routes itself.
    app.get(/.*/, (_req, res) => res.sendFile(index));
  }
  app.use(errorHandler(deps.log));
  return app;
}

/** Method, path, status and time: never bodies or query strings, which can carry personal data. */
function requestLog(log: (line: string) => void): express.RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // originalUrl: by the time the answer is sent, a router may have cut its own prefix off req.path.
      log(`${req.method} ${req.originalUrl.split('?')[0]} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    next();
  };
}
