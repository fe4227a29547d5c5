/**
 * Another person's `GET /api/cases` while one client floods `POST /api/session` with wrong
 * passwords from one address (flood-child.ts, in its own process), against the same with no flood,
 * on one server in its own process. Quiet and flooded stretches alternate, four of each, so a change
 * in the machine's other load falls on both. The throttle should keep the reader's p99 near quiet.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from './child.ts';
import type { FloodCounts, FloodMessage, FloodSettings } from './flood-child.ts';
import { Client, percentile, progress, ROOT, SIZES, timed, type Target, TODAY } from './support.ts';

const ROUNDS = 4;
const FLOOD_CONCURRENCY = 20;
const LISTED_CASES = 50;

export interface FloodResult {
  quietP99: number;
  floodedP99: number;
  samples: number;
  /** The flood's answers by status. */
  signIns: FloodCounts;
}

export async function signInFlood(target: Target): Promise<FloodResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-flood-'));
  const server = await startChild({ kind: 'product', databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`, now: TODAY, root: ROOT });
  try {
    const p = target.partnership.def.id;
    const reader = await Client.signIn(server.url, `${p}.${target.startRole}`);
    for (let i = 0; i < LISTED_CASES; i++) {
      const reply = await reader.request('POST', `/api/partnerships/${p}/processes/${target.process.def.id}/cases`, { data: { ...target.startData, summary: `Listed ${i}` } });
      if (reply.status !== 201) throw new Error(`create failed: ${reply.status}`);
    }
    // Someone else's account is the one guessed at: the reader is not the flood's target.
    const victim = target.partnership.def.roles.map((r) => r.id).find((r) => r !== target.startRole)!;
    const read = async (into: number[]) => {
      for (let i = 0; i < SIZES.readSamples; i++) {
        const run = await timed(() => reader.get('/api/cases'));
        if (run.result.status !== 200) throw new Error(`list failed: ${run.result.status}`);
        into.push(run.ms);
      }
    };
    const quiet: number[] = [];
    const flooded: number[] = [];
    const signIns: FloodCounts = {};
    for (let round = 0; round < ROUNDS; round++) {
      progress(`sign-in flood: round ${round + 1} of ${ROUNDS}`);
      await read(quiet);
      const settings: FloodSettings = { url: server.url, username: `${p}.${victim}`, concurrency: FLOOD_CONCURRENCY };
      const flood = fork(join(import.meta.dirname, 'flood-child.ts'), [JSON.stringify(settings)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let started: () => void = () => {};
      const going = new Promise<void>((resolve) => (started = resolve));
      const counted = new Promise<FloodCounts>((resolve) =>
        flood.on('message', (message: FloodMessage) => ('started' in message ? started() : resolve(message.counts))),
      );
      // The reader measures once the flood is answered, not while its process is still loading.
      await going;
      await read(flooded);
      flood.send('stop');
      for (const [status, n] of Object.entries(await counted)) signIns[status] = (signIns[status] ?? 0) + n;
    }
    return { quietP99: percentile(quiet, 99), floodedP99: percentile(flooded, 99), samples: quiet.length, signIns };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
