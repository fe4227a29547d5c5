/**
 * Vitest global setup of the `postgres` project: finds a PostgreSQL server for the storage tests,
 * or fails saying how to get one (it never skips). In order:
 *
 * 1. `TEST_POSTGRES_URL`, a role on an existing server that may CREATE DATABASE
 *    (`postgres://postgres:secret@127.0.0.1:5432/postgres`);
 * 2. PostgreSQL's own programs on this machine (Debian's `postgresql` package puts them in
 *    /usr/lib/postgresql/<version>/bin): a throwaway cluster in a temporary directory, on a free
 *    port of 127.0.0.1, stopped and removed after the run. initdb refuses to run as root, so as
 *    root the cluster belongs to the `postgres` user (or `nobody`).
 *
 * Each test server then gets a database of its own (tests/support/database.ts), so test files run
 * in parallel on one server.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { freePort } from './free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database on the test server whose role may create and drop the tests' own databases. */
    postgresAdminUrl: string;
  }
}

const HOW_TO_GET_ONE =
  'The storage tests run against PostgreSQL as well as SQLite, and found none. Either set TEST_POSTGRES_URL to a role that may ' +
  'CREATE DATABASE on a running server (TEST_POSTGRES_URL=postgres://postgres:secret@127.0.0.1:5432/postgres npm test), or install ' +
  "PostgreSQL's programs so the tests start a throwaway server themselves (Debian/Ubuntu: sudo apt-get install postgresql; " +
  'macOS: brew install postgresql), then run npm test again.';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_POSTGRES_URL;
  if (given !== undefined && given !== '') {
    await check(given, 'TEST_POSTGRES_URL');
    project.provide('postgresAdminUrl', given);
    return async () => {};
  }
  const bin = postgresBin();
  if (bin === undefined) throw new Error(HOW_TO_GET_ONE);
  const cluster = await startCluster(bin);
  project.provide('postgresAdminUrl', cluster.url);
  return cluster.stop;
}

/** The directory of initdb, pg_ctl and postgres: the newest Debian version, else the PATH's. */
function postgresBin(): string | undefined {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).filter((v) => existsSync(join(debian, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length > 0) return join(debian, versions[0]!, 'bin');
  for (const dir of ['/usr/local/bin', '/usr/local/pgsql/bin', '/opt/homebrew/bin', ...(process.env.PATH ?? '').split(':')]) {
    if (dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

/** The user the cluster runs as: this one, or when root (whom initdb refuses) `postgres`, else `nobody`. */
function clusterUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { name, uid: id('-u'), gid: id('-g') };
    } catch {
      // no such user: try the next
    }
  }
  throw new Error(`${HOW_TO_GET_ONE} (Running as root, the tests need a user "postgres" or "nobody" to run a throwaway server as: initdb refuses root.)`);
}

async function startCluster(bin: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'workflows-postgres-'));
  const data = join(dir, 'data');
  const user = clusterUser();
  if (user !== undefined) chownSync(dir, user.uid, user.gid);
  const run = (program: string, args: string[]) => {
    const [command, argv] = user === undefined ? [join(bin, program), args] : ['runuser', ['-u', user.name, '--', join(bin, program), ...args]];
    try {
      return execFileSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`${program} failed while starting a throwaway PostgreSQL in ${dir}:\n${stdout ?? ''}${stderr ?? ''}\n${HOW_TO_GET_ONE}`);
    }
  };
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // Throwaway: no fsync (the tests kill servers, never the machine); connections for parallel files.
  const settings = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c max_connections=400 -c fsync=off -c full_page_writes=off`;
  run('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await check(url, 'the throwaway server');
  return {
    url,
    stop: async () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function check(url: string, what: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`PostgreSQL at ${what} cannot be reached: ${(error as Error).message}. ${HOW_TO_GET_ONE}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
