/**
 * A server in a process of its own, so that its memory is its own and its event loop is not the
 * clients': the product (`startServer`) or the bare ceiling (bare-route.ts). Started by child.ts
 * with its settings as JSON in argv[2]; listens on a port the system picks (port 0, so no other
 * process can take it in between) and says `{url}` over IPC once listening; answers `rss` with its
 * resident memory and `stop` by closing and exiting.
 */
import type { AddressInfo } from 'node:net';
import { startServer } from '../server/main.ts';
import { bareApp, postgresCommitter, sqliteCommitter, type Committer } from './bare-route.ts';

export type ChildSettings =
  | { kind: 'product'; databaseUrl: string; now: string; root: string }
  | { kind: 'bare'; driver: 'sqlite' | 'postgres'; url: string; cases: number; connections: number };

export type ToChild = 'rss' | 'stop';
export type FromChild = { url: string } | { rss: number } | { failed: string };

const send = (message: FromChild) => process.send!(message);

async function start(settings: ChildSettings): Promise<{ url: string; close: () => Promise<void> }> {
  if (settings.kind === 'product') {
    return startServer({ port: 0, host: '127.0.0.1', databaseUrl: settings.databaseUrl, now: settings.now, demo: true, root: settings.root });
  }
  const committer: Committer = settings.driver === 'sqlite' ? await sqliteCommitter(settings.url) : await postgresCommitter(settings.url, settings.connections);
  await committer.seed(settings.cases);
  const server = bareApp(committer).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await committer.close();
    },
  };
}

try {
  const running = await start(JSON.parse(process.argv[2]!) as ChildSettings);
  process.on('message', (message: ToChild) => {
    if (message === 'rss') send({ rss: process.memoryUsage().rss });
    else running.close().then(() => process.exit(0), () => process.exit(1));
  });
  send({ url: running.url });
} catch (error) {
  send({ failed: (error as Error).message });
  process.exit(1);
}
