/** Starting server-child.ts and talking to it. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ChildSettings, FromChild, ToChild } from './server-child.ts';

export interface ChildServer {
  url: string;
  /** From the fork to the child saying it listens. */
  readyMs: number;
  rss(): Promise<number>;
  stop(): Promise<void>;
}

/** Node with tsx loaded in the same process (not the tsx CLI, which would add a process in between). */
export function forkServer(settings: ChildSettings): ChildProcess {
  return fork(join(import.meta.dirname, 'server-child.ts'), [JSON.stringify(settings)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

export function nextMessage(child: ChildProcess): Promise<FromChild> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the server process exited (${code}) before answering`));
    child.once('exit', onExit);
    child.once('message', (message: FromChild) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

export async function startChild(settings: ChildSettings): Promise<ChildServer> {
  const start = performance.now();
  const child = forkServer(settings);
  const ready = await nextMessage(child);
  if (!('url' in ready)) {
    child.kill();
    throw new Error(`the server did not start: ${'failed' in ready ? ready.failed : JSON.stringify(ready)}`);
  }
  return childServer(child, ready.url, performance.now() - start);
}

export function childServer(child: ChildProcess, url: string, readyMs: number): ChildServer {
  const ask = (message: ToChild) => child.send(message);
  return {
    url,
    readyMs,
    async rss() {
      const reply = nextMessage(child);
      ask('rss');
      const answer = await reply;
      if (!('rss' in answer)) throw new Error('the server did not say its memory');
      return answer.rss;
    },
    async stop() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      ask('stop');
      await exited;
    },
  };
}
