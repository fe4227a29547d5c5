/**
 * Cases made the way people make them: the partnership's own scenario files
 * (workflows/<partnership>/scenarios/) replayed through the HTTP API, each file on a server whose
 * "today" is the file's, all on one database (SQLite or PostgreSQL), until there are
 * BENCH_SEED_CASES. Only the steps a scenario expects to succeed are sent (its refusals commit
 * nothing); a scenario stops at a step this replay does not follow (a restart, a linked case) or at
 * an answer it did not expect, so every case in the database is one the product made and can read
 * back.
 */
import { basename } from 'node:path';
import { scenarioActor, type Scenario, type ScenarioFile } from '../server/config/expectations.ts';
import { scenarioFiles, scenarioReader } from '../server/config/scenarios.ts';
import type { CompiledPartnership } from '../server/engine/catalogue.ts';
import { startServer } from '../server/main.ts';
import { Client, concurrently, progress, ROOT, SIZES } from './support.ts';

export interface Seeded {
  cases: number;
  /** The latest `today` of the files: the day the reads are made on. */
  today: string;
  /** Scenarios cut short because an answer was not the one the scenario expects. */
  cutShort: number;
}

interface Replay {
  created: number;
  cutShort: boolean;
}

/** Signs each demo user in once per server, on first use. */
function clientsFor(url: string): (username: string) => Promise<Client> {
  const clients = new Map<string, Promise<Client>>();
  return (username) => {
    let client = clients.get(username);
    if (client === undefined) {
      client = Client.signIn(url, username);
      clients.set(username, client);
    }
    return client;
  };
}

async function replay(partnership: string, file: ScenarioFile, scenario: Scenario, clientOf: (username: string) => Promise<Client>): Promise<Replay> {
  const actorOf = scenarioActor(partnership);
  let current: { id: string; version: number } | undefined;
  let created = 0;
  for (const step of scenario.steps) {
    if (step.restart !== undefined || step.case !== undefined) break;
    const username = actorOf(step.create?.as ?? step.event?.as ?? step.get?.as ?? step.escalationLog?.as ?? step.summary?.as);
    if (step.create !== undefined) {
      if ((step.create.partnership ?? partnership) !== partnership) break;
      if ((step.expect?.status ?? 201) !== 201) continue;
      const client = await clientOf(username);
      const reply = await client.request('POST', `/api/partnerships/${partnership}/processes/${step.create.process ?? file.process}/cases`, { data: step.create.data ?? {} });
      if (reply.status !== 201) return { created, cutShort: true };
      const body = reply.body as { id: string; version: number };
      current = { id: body.id, version: body.version };
      created++;
    } else if (step.event !== undefined) {
      if (current === undefined) break;
      if ((step.expect?.status ?? 200) !== 200) continue;
      const client = await clientOf(username);
      const reply = await client.request('POST', `/api/cases/${current.id}/events`, {
        type: step.event.type,
        data: step.event.data ?? {},
        expectedVersion: step.event.expectedVersion ?? current.version,
      });
      if (reply.status !== 200) return { created, cutShort: true };
      current.version = (reply.body as { version: number }).version;
    }
  }
  return { created, cutShort: false };
}

export async function seedThroughApi(partnership: CompiledPartnership, databaseUrl: string): Promise<Seeded> {
  const read = scenarioReader(ROOT);
  const files = scenarioFiles(ROOT, partnership.def.id).map((path) => {
    const parsed = read(path, basename(path));
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    return parsed.file;
  });
  if (files.length === 0) throw new Error(`${partnership.def.id} has no scenario files to make cases from`);
  const wanted = Math.min(SIZES.seedCases, SIZES.cases);
  const perFile = Math.ceil(wanted / files.length);
  const seeded: Seeded = { cases: 0, today: files.map((f) => f.today).sort().at(-1)!, cutShort: 0 };
  for (const [n, file] of files.entries()) {
    progress(`seeding: ${partnership.def.id} ${file.process} scenarios on ${file.today} (file ${n + 1} of ${files.length}), ${perFile} cases`);
    const server = await startServer({ port: 0, databaseUrl, now: file.today, demo: true, root: ROOT });
    try {
      const clientOf = clientsFor(server.url);
      let made = 0;
      // Passes over the file's scenarios, 8 at a time, until the file has made its share.
      while (made < perFile) {
        let madeInPass = 0;
        await concurrently(file.scenarios.length, SIZES.clients, async (i) => {
          if (made >= perFile) return;
          const result = await replay(partnership.def.id, file, file.scenarios[i]!, clientOf);
          made += result.created;
          madeInPass += result.created;
          if (result.cutShort) seeded.cutShort++;
        });
        if (madeInPass === 0) break;
      }
      seeded.cases += made;
    } finally {
      await server.close();
    }
  }
  return seeded;
}
