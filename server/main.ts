/**
 * The composition root: configuration, clock, calendar, store, engine and HTTP wired together.
 * `npm start` runs this file; tests call `startServer` to get a real server on a free port.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HashingLimit } from './auth/hashing.ts';
import { systemThrottleClock, type ThrottleClock } from './auth/login-throttle.ts';
import { hashPassword } from './auth/passwords.ts';
import { COMMONEST_LONG_PASSWORDS } from './auth/password-policy.ts';
import { SessionStore, DEFAULT_SESSION_POLICY, type SessionPolicy } from './auth/sessions.ts';
import { DEMO_PASSWORD, demoUsers, readUsersFile, userDirectory, usersWithPassword, type UserRecord } from './auth/users.ts';
import { ConfigurationService } from './cases/configuration.ts';
import { CaseService } from './cases/service.ts';
import { fixedClock, systemClock, type Clock } from './clock.ts';
import { calendarRunningOut } from './engine/dates/index.ts';
import { formatProblem, loadCatalogue } from './config/index.ts';
import type { Catalogue } from './engine/catalogue.ts';
import { createApp, trustProxySetting } from './http/app.ts';
import { smtpMailer } from './notify/mailer.ts';
import { Notifier } from './notify/notifier.ts';
import { OutboxWorker } from './notify/worker.ts';
import { migrate } from './store/migrate.ts';
import { storeProcessVersions } from './store/process-versions.ts';
import { openDatabase, type DatabaseLocation } from './store/database.ts';
import { SignInFailures } from './store/sign-in-failures.ts';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TIMER_CHECK_MS = 60_000;
const SESSION_PURGE_MS = 15 * 60_000;

export interface ServerOptions {
  port?: number;
  host?: string;
  /** `sqlite:PATH`, absolute or relative to the working directory, or `postgres://…` (see databaseLocation). */
  databaseUrl?: string;
  /** WORKFLOW_NOW: fixes "today" (`YYYY-MM-DD` or an ISO date-time). */
  now?: string;
  /** For tests: a clock the test moves (it wins over `now`), and how often the timer check runs (a minute). */
  clock?: Clock;
  timerCheckMs?: number;
  /** Demo users `<partnership>.<role>` with password `demo`. Refused in production. */
  demo?: boolean;
  production?: boolean;
  /** A JSON file of users (see `npm run add-user`); required in production. */
  usersFile?: string;
  /** Where `workflows/` and `forms/` are. */
  root?: string;
  log?: (line: string) => void;
  maxFailedLogins?: number;
  sessionPolicy?: SessionPolicy;
  /** TRUST_PROXY: the proxies whose X-Forwarded-* headers are believed (see trustProxySetting). */
  trustProxy?: string;
  /** For tests: the sessions' and the sign-in throttle's clocks, and the bound on concurrent password hashing. */
  sessionClock?: () => number;
  signInClock?: ThrottleClock;
  passwordHashing?: HashingLimit;
  /** SMTP_URL: where notifications are emailed (`smtp://mail.example:25`); unset, they are only in the app. */
  smtpUrl?: string;
  /** PUBLIC_URL: the service's address as people reach it, for the link in emails; the address it listens on when unset. */
  publicUrl?: string;
  /** The outbox's first retry wait (doubling after), and how often it looks for email to send. */
  emailRetryBaseMs?: number;
  emailPollMs?: number;
  /** How often the outbox looks for claims whose lease ran out (their server died); for tests. */
  emailLeaseSweepMs?: number;
}

export interface RunningServer {
  url: string;
  /** For tests: runs one timer check, as the interval does (due timers fire, then reminders); resolves with how many fired. */
  checkTimersNow(): Promise<number>;
  /** For tests: runs one purge, as the quarter-hour's interval does; resolves with how many sessions and sign-in counts went. */
  purgeNow(): Promise<{ sessions: number; signInFailures: number }>;
  close(): Promise<void>;
}

export class StartupError extends Error {}

export function sqlitePath(databaseUrl: string): string {
  const match = /^sqlite:(?:\/\/)?(.+)$/.exec(databaseUrl);
  if (match === null) {
    throw new StartupError(
      `DATABASE_URL "${redactPassword(databaseUrl)}" is not supported; use sqlite:PATH (for example sqlite:data/workflows.sqlite) or postgres://USER:PASSWORD@HOST:PORT/DATABASE`,
    );
  }
  const path = match[1]!;
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}

/** The database DATABASE_URL names: `sqlite:PATH` (the embedded default), or `postgres://…` (several servers can share it). */
export function databaseLocation(databaseUrl: string): DatabaseLocation {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return { dialect: 'postgres', url: databaseUrl };
  return { dialect: 'sqlite', path: sqlitePath(databaseUrl) };
}

/** A URL as it may be logged: without its password. */
export function redactPassword(databaseUrl: string): string {
  return databaseUrl.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

/** One warning per calendar in use that has less than a year of bank holidays left, on its partnerships' today. */
export function calendarWarnings(catalogue: Catalogue, clock: Clock): string[] {
  const warnings = new Map<string, string>();
  for (const p of catalogue.partnerships.values()) {
    const warning = calendarRunningOut(p.calendar, clock.today(p.def.timeZone));
    if (warning !== undefined) warnings.set(p.calendar.id, warning);
  }
  return [...warnings.values()];
}

function defaultTimeZone(catalogue: Catalogue): string {
  return [...catalogue.partnerships.values()][0]?.def.timeZone ?? 'Europe/London';
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const root = options.root ?? PROJECT_ROOT;
  if (options.production && options.demo) throw new StartupError('Demo users are refused in production (NODE_ENV=production)');
  if (options.production && options.usersFile === undefined) throw new StartupError('In production, USERS_FILE must name the users file; add users with `npm run add-user`');
  let trustProxy;
  try {
    trustProxy = trustProxySetting(options.trustProxy);
  } catch (error) {
    throw new StartupError((error as Error).message);
  }
  const loaded = loadCatalogue(root);
  if (!loaded.ok) {
    throw new StartupError(`The configuration has ${loaded.problems.length} problem(s):\n${loaded.problems.map(formatProblem).join('\n')}`);
  }
  const { catalogue } = loaded;
  let fileUsers: UserRecord[] = [];
  if (options.usersFile !== undefined) {
    try {
      fileUsers = readUsersFile(options.usersFile, catalogue);
    } catch (error) {
      throw new StartupError(`The users file cannot be used: ${(error as Error).message}`);
    }
  }
  if (options.production) {
    for (const password of [DEMO_PASSWORD, ...COMMONEST_LONG_PASSWORDS]) {
      const weak = await usersWithPassword(fileUsers, password);
      if (weak.length > 0) {
        throw new StartupError(`In production no user may keep the demo password or one of the commonest passwords ("${password}"): ${weak.join(', ')}. Set a new one with npm run add-user -- --replace`);
      }
    }
  }
  const demo = options.demo ? await demoUsers(catalogue) : [];
  if (demo.length > 0) {
    log(`demo mode: every role of every partnership has a user <partnership>.<role>, password "${DEMO_PASSWORD}" (e.g. ${demo[0]!.username})`);
  }
  const users = userDirectory([...demo, ...fileUsers], await hashPassword(`decoy-${Math.random()}`));

  const location = databaseLocation(options.databaseUrl ?? `sqlite:${join(root, 'data', 'workflows.sqlite')}`);
  if (location.dialect === 'sqlite') mkdirSync(dirname(location.path), { recursive: true });
  let db;
  try {
    db = await openDatabase(location);
  } catch (error) {
    const where = location.dialect === 'sqlite' ? location.path : redactPassword(location.url);
    throw new StartupError(`The database at ${where} cannot be opened: ${(error as Error).message}`);
  }
  try {
    await migrate(db, { catalogue });
  } catch (error) {
    // A refused upgrade leaves the file as it was (each migration is one transaction); let it go too.
    await db.close();
    throw new StartupError(`The database cannot be upgraded: ${(error as Error).message}`);
  }
  // Each process as the files now say is stored as an immutable version when it differs from its newest.
  let versions;
  try {
    // Each file's own text is kept with its version, to be downloaded (it is there: it was just loaded).
    const sourceOf = (partnership: string, process: string) => readFileSync(join(root, 'workflows', partnership, `${process}.yaml`), 'utf8');
    versions = await storeProcessVersions(db, catalogue, { sourceOf });
  } catch (error) {
    await db.close();
    throw new StartupError(`The stored process versions cannot be used: ${(error as Error).message}`);
  }
  if (versions.added.length > 0) log(`stored new process versions: ${versions.added.map((v) => `${v.partnership}/${v.process} version ${v.version}`).join(', ')}`);
  for (const v of versions.added.filter((a) => a.replacesPublished !== undefined)) {
    log(`notice: ${v.partnership}/${v.process}: the files' change is version ${v.version}, newer than version ${v.replacesPublished!.version} that ${v.replacesPublished!.by} published through the app; check that the files include what was published`);
  }
  for (const b of versions.behind) {
    log(`notice: workflows/${b.partnership}/${b.process}.yaml is behind: it holds version ${b.files}, and version ${b.newest} published by ${b.publishedBy} through the app stays the newest. Download the published file (Configuration, ${b.process}) and put it in the repository`);
  }
  const clock = options.clock ?? (options.now !== undefined ? fixedClock(options.now, defaultTimeZone(catalogue)) : systemClock);
  for (const warning of calendarWarnings(catalogue, clock)) log(`warning: ${warning}`);
  let mailer;
  try {
    mailer = options.smtpUrl === undefined || options.smtpUrl === '' ? undefined : smtpMailer(options.smtpUrl);
  } catch (error) {
    await db.close();
    throw new StartupError((error as Error).message);
  }
  const notifier = new Notifier({ people: [...demo, ...fileUsers], clock, email: mailer !== undefined });
  const service = new CaseService(db, versions.catalogue, clock, notifier.onCommit);
  // Deadlines follow the calendar in force: a bank holiday added since the last start moves open ones.
  const moved = await service.followCalendar();
  if (moved > 0) log(`the working-day calendar changed: moved the open deadlines of ${moved} case(s), each recorded in its history`);
  // Tasks and deadlines name partners and groups as they were on the day: a renamed partner rewords them.
  const reworded = await service.followPlaces();
  if (reworded > 0) log(`the partnerships' partners, groups or chairs changed: reworded the tasks and deadlines of ${reworded} case(s) as their history now decides`);
  // Timers that came due while the server was down fire before the first request is answered.
  const fired = await service.fireDueTimers();
  if (fired > 0) log(`fired ${fired} timer event(s) that came due while the server was down`);
  // The service's catalogue: it gains every version published while the server runs.
  const checkReminders = () => notifier.checkReminders(db, service.catalogue);
  await checkReminders();

  // Sessions that are over go at start-up (among them those of users whose roles or password the
  // users file has changed) and every quarter of an hour, besides each one found expired in use.
  const sessions = new SessionStore(db, options.sessionPolicy ?? DEFAULT_SESSION_POLICY, options.sessionClock);
  const purgeSessions = () => sessions.purge((username) => users.find(username)?.fingerprint);
  const ended = await purgeSessions();
  if (ended > 0) log(`ended ${ended} session(s) that had expired or whose user has changed`);
  // Failed sign-ins whose window is over go with them, by the throttle's own clock.
  const signInFailures = new SignInFailures(db);
  const purgeSignInFailures = () => signInFailures.prune((options.signInClock ?? systemThrottleClock).now());
  await purgeSignInFailures();

  const configuration = new ConfigurationService({ db, service, clock, root, files: catalogue });
  const app = createApp({
    service,
    configuration,
    db,
    clock,
    sessions,
    users,
    clientDir: join(root, 'client', 'dist'),
    secureCookies: options.production === true,
    maxFailedLogins: options.maxFailedLogins ?? 10,
    trustProxy,
    signInClock: options.signInClock,
    passwordHashing: options.passwordHashing,
    log,
  });
  const server = app.listen(options.port ?? 3000, options.host ?? '127.0.0.1');
  await new Promise<void>((resolveListen, reject) => {
    server.once('listening', resolveListen);
    server.once('error', reject);
  });
  const checkTimers = async () => {
    const firedNow = await service.fireDueTimers();
    await checkReminders();
    return firedNow;
  };
  const timerCheck = setInterval(() => {
    checkTimers().catch((error: unknown) => log(`timer check failed: ${(error as Error).stack ?? String(error)}`));
  }, options.timerCheckMs ?? TIMER_CHECK_MS);
  timerCheck.unref();
  const purge = async () => {
    const [endedNow, forgotten] = await Promise.all([purgeSessions(), purgeSignInFailures()]);
    return { sessions: endedNow, signInFailures: forgotten };
  };
  const sessionPurge = setInterval(() => {
    purge().catch((error: unknown) => log(`purge of expired sessions and sign-in failures failed: ${(error as Error).stack ?? String(error)}`));
  }, SESSION_PURGE_MS);
  sessionPurge.unref();

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const ownUrl = `http://${host}:${address.port}`;
  const worker =
    mailer &&
    new OutboxWorker({ db, mailer, publicUrl: () => options.publicUrl ?? ownUrl, retryBaseMs: options.emailRetryBaseMs, pollMs: options.emailPollMs, sweepMs: options.emailLeaseSweepMs, log });
  await worker?.start();
  return {
    url: ownUrl,
    checkTimersNow: checkTimers,
    purgeNow: purge,
    async close() {
      clearInterval(timerCheck);
      clearInterval(sessionPurge);
      await worker?.stop();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await db.close();
    },
  };
}

async function main(): Promise<void> {
  const env = process.env;
  const production = env.NODE_ENV === 'production';
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  try {
    const server = await startServer({
      port: env.PORT === undefined ? 3000 : Number(env.PORT),
      host: env.HOST ?? '127.0.0.1',
      databaseUrl: env.DATABASE_URL,
      now: env.WORKFLOW_NOW,
      demo: !production,
      production,
      usersFile: env.USERS_FILE,
      trustProxy: env.TRUST_PROXY,
      smtpUrl: env.SMTP_URL,
      publicUrl: env.PUBLIC_URL,
      emailRetryBaseMs: env.EMAIL_RETRY_BASE_MS === undefined ? undefined : Number(env.EMAIL_RETRY_BASE_MS),
      log,
    });
    const shownUrl = server.url.replace('127.0.0.1', 'localhost');
    log(`serving the app and API on ${shownUrl} (API description: ${shownUrl}/api/openapi.json)`);
    if (env.WORKFLOW_NOW !== undefined) log(`WORKFLOW_NOW fixes today at ${env.WORKFLOW_NOW}`);
    const stop = () => {
      server.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    console.error(error instanceof StartupError ? error.message : error);
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
