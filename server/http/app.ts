import express, { type Express } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { HashingLimit } from '../auth/hashing.ts';
import type { ThrottleClock } from '../auth/login-throttle.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { UserDirectory } from '../auth/users.ts';
import type { ConfigurationService } from '../cases/configuration.ts';
import type { CaseService } from '../cases/service.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../store/database.ts';
import { loadSession, requireUser, sameOriginWrites } from './auth.ts';
import { apiNotFound, errorHandler } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { caseCreationRoutes, caseRoutes } from './routes/cases.ts';
import { configurationRoutes } from './routes/configuration.ts';
import { definitionRoutes } from './routes/definitions.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { reportRoutes } from './routes/reports.ts';
import { sessionRoutes } from './routes/session.ts';

export interface AppDeps {
  service: CaseService;
  /** The business unit's configuration pages: versions, differences, scenarios, publishing. */
  configuration: ConfigurationService;
  db: Database;
  clock: Clock;
  sessions: SessionStore;
  users: UserDirectory;
  /** The built client (client/dist), served on the same origin; absent in API-only runs. */
  clientDir?: string;
  secureCookies: boolean;
  maxFailedLogins: number;
  /** Express's `trust proxy`, from TRUST_PROXY (see trustProxySetting); false when unset. */
  trustProxy?: TrustProxy;
  /** The sign-in throttle's clock; the real one unless a test steps its own. */
  signInClock?: ThrottleClock;
  /** Bounds concurrent password hashing; a default one unless a test holds its own. */
  passwordHashing?: HashingLimit;
  log: (line: string) => void;
}

export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: the number of proxies in front (`1`), or the proxies' addresses, subnets or Express's
 * names for them (`loopback`, `10.0.0.0/8,fd00::/8`). Only then are X-Forwarded-For, -Proto and -Host
 * believed: for the address the sign-in throttle counts, for `req.secure` and for the server's own
 * origin (see sameOriginWrites).
 * `true` is refused: it would believe a forged X-Forwarded-For from anyone who reaches the server
 * directly, and so let them escape the throttle.
 */
export function trustProxySetting(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !PROXY_NAMES.has(entry) && !isAddressOrSubnet(entry));
  if (text === 'true' || bad.length > 0) {
    throw new Error(
      `TRUST_PROXY "${text}" is not understood${text === 'true' ? ' (true would trust anyone\'s X-Forwarded-For)' : `: ${bad.join(', ')}`}; give the number of proxies in front (TRUST_PROXY=1), or their addresses or subnets (TRUST_PROXY=127.0.0.1 or 10.0.0.0/8), or loopback, linklocal or uniquelocal`,
    );
  }
  return entries;
}

function isAddressOrSubnet(entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.trustProxy ?? false);
  // Upgrading requests and HSTS only where the server sits behind TLS (production): over plain HTTP on
  // a ward's network they would send the browser to an https:// that is not there. Styles and fonts
  // come only from the built client's own files (helmet's defaults also allow any https: origin and
  // inline styles, through which injected markup could restyle a page to mislead).
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { upgradeInsecureRequests: deps.secureCookies ? [] : null, styleSrc: ["'self'"], fontSrc: ["'self'"] },
      },
      strictTransportSecurity: deps.secureCookies,
    }),
  );
  // Answers about cases are personal data: no browser or proxy cache keeps them, errors included.
  app.use('/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(cookieParser());
  app.use(requestLog(deps.log));

  const api = express.Router();
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  api.use(loadSession(deps.sessions, deps.users));
  api.use(sameOriginWrites);
  api.use('/session', sessionRoutes({ ...deps, passwordHashing: deps.passwordHashing ?? new HashingLimit() }));
  api.use(requireUser);
  api.use('/partnerships', definitionRoutes(deps.service, deps.db, deps.clock));
  api.use('/partnerships', caseCreationRoutes(deps.service));
  api.use('/partnerships', reportRoutes(deps.service, deps.db, deps.clock));
  api.use('/partnerships', configurationRoutes(deps.configuration));
  api.use('/cases', caseRoutes(deps.service, deps.db, deps.clock));
  api.use('/notifications', notificationRoutes(deps.db, deps.clock));
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
