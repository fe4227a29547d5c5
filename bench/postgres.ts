/**
 * The PostgreSQL server the PostgreSQL rows are measured on: BENCH_POSTGRES_URL (a role that may
 * create databases), or else a throwaway cluster started from PostgreSQL's own programs when this
 * machine has them (Debian puts them in /usr/lib/postgresql/<version>/bin), with PostgreSQL's
 * default durability (fsync and synchronous commit on: the ceiling must be a durable one), on a free
 * port of 127.0.0.1, stopped and removed after. initdb refuses root, so as root the cluster is the
 * `postgres` user's.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../tests/support/free-port.ts';
import { POSTGRES_URL, progress } from './support.ts';

export interface PostgresServer {
  /** An administrative URL: its role may create and drop databases. */
  url: string;
  /** How it was found, for the results. */
  origin: string;
  stop(): Promise<void>;
}

function programs(): string | undefined {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).filter((v) => existsSync(join(debian, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length > 0) return join(debian, versions[0]!, 'bin');
  return (process.env.PATH ?? '').split(':').find((dir) => dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

function clusterUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  return { name: 'postgres', uid: id('-u'), gid: id('-g') };
}

/** The server to use, or why there is none. */
export async function findPostgres(): Promise<PostgresServer | { none: string }> {
  if (POSTGRES_URL !== undefined) return { url: POSTGRES_URL, origin: 'BENCH_POSTGRES_URL', stop: async () => {} };
  const bin = programs();
  if (bin === undefined) return { none: "no PostgreSQL here: install its programs (Debian: apt-get install postgresql) or set BENCH_POSTGRES_URL=postgres://… (a role that may create databases)" };
  let user;
  try {
    user = clusterUser();
  } catch {
    return { none: 'running as root with no user "postgres" to run a throwaway PostgreSQL as; set BENCH_POSTGRES_URL' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-postgres-'));
  if (user !== undefined) chownSync(dir, user.uid, user.gid);
  const run = (program: string, args: string[]) => {
    const [command, argv] = user === undefined ? [join(bin, program), args] : ['runuser', ['-u', user.name, '--', join(bin, program), ...args]];
    execFileSync(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const data = join(dir, 'data');
  const port = await freePort();
  try {
    progress(`postgres: a throwaway cluster from ${bin} on port ${port}`);
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C']);
    run('pg_ctl', ['-D', data, '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { none: `a throwaway PostgreSQL did not start: ${String((error as { stderr?: Buffer }).stderr ?? error).split('\n')[0]}` };
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    origin: `a throwaway cluster from ${bin}, default durability`,
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * `work` on databases made for it (given their URLs, in the order of `names`) on the server
 * findPostgres finds, dropped after it and the server stopped, whether it succeeds or not; FORCE,
 * because a child process that failed may still hold one. What it returned, or why it did not run.
 */
export async function onPostgres<T>(names: readonly string[], work: (urls: string[]) => Promise<T>): Promise<{ origin: string; result: T } | { origin?: string; none: string }> {
  const found = await findPostgres();
  if ('none' in found) return found;
  const admin = new pg.Client({ connectionString: found.url });
  // Only those made are dropped: once its connection has failed, a query on the client may never settle.
  const made: string[] = [];
  try {
    await admin.connect();
    for (const name of names) {
      await admin.query(`CREATE DATABASE ${name}`);
      made.push(name);
    }
    const urls = names.map((name) => {
      const url = new URL(found.url);
      url.pathname = `/${name}`;
      return url.toString();
    });
    return { origin: found.origin, result: await work(urls) };
  } catch (error) {
    return { origin: found.origin, none: `the run failed: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    for (const name of made) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    await found.stop();
  }
}
