/**
 * The real server as a child process (`node --import tsx server/main.ts`), for tests that kill it
 * with SIGKILL and start it again on the same database.
 *
 * Every start listens on port 0 and reads the port the server reports in its "serving" line: a port
 * probed, freed and handed to the child could be taken by another test file in between.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The line the server logs once it listens, with the port the system gave it. */
const SERVING = /serving the app and API on http:\/\/[^:/]+:(\d+)/;

/** The child has not said which port it listens on (not started, or still starting). */
export class NotServingError extends Error {}

export class ChildServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private port: number | undefined;
  /** Whether the current start has said it serves: a kill before that is a kill during start-up. */
  serving = false;
  /** Everything the current start wrote, stdout and stderr, for the error when it fails. */
  output = '';

  /** `env` is added to this process's environment (DATABASE_URL, WORKFLOW_NOW, …); NODE_ENV and USERS_FILE are left out. */
  constructor(private env: Record<string, string>) {}

  /** Changes the environment of the starts from now on: a later WORKFLOW_NOW is time that passed while the server was down. */
  setEnv(changes: Record<string, string>): void {
    this.env = { ...this.env, ...changes };
  }

  /** The current start's address; changes with every start. */
  get url(): string {
    if (this.port === undefined) throw new NotServingError('the server has not said which port it listens on');
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server; resolves once it logs that it serves (and on which port), rejects if it exits first. */
  start(): Promise<void> {
    this.port = undefined;
    this.serving = false;
    this.output = '';
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.env, PORT: '0', HOST: '127.0.0.1' };
    delete env.NODE_ENV;
    delete env.USERS_FILE;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((done) => child.once('exit', () => done()));
    return new Promise((ready, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        this.output += chunk.toString();
        const serving = SERVING.exec(this.output);
        if (serving !== null && !this.serving) {
          this.port = Number(serving[1]);
          this.serving = true;
          ready();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
      child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before serving:\n${this.output}`)));
    });
  }

  async kill(): Promise<void> {
    // Not serving from the kill on: a test choosing among several servers sends no more requests here.
    this.serving = false;
    this.child?.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }

  async stop(): Promise<void> {
    this.child?.kill('SIGTERM');
    await this.exited;
    this.child = undefined;
  }
}
