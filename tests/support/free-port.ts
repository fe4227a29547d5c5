import { createServer } from 'node:net';

/**
 * A port of 127.0.0.1 free at the moment of asking, for a program that must be told its port before
 * it starts (PostgreSQL's postmaster). The port is freed before it is used, so another process could
 * take it in between: a server of ours listens on port 0 and reports its port instead
 * (tests/support/child-server.ts).
 */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}
