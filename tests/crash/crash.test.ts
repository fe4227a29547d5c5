import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { dropTestDatabase, newTestDatabase } from '../support/database.ts';
import { ApiClient, startTestServer } from '../support/server.ts';
import { checkDatabase, crashRun, formatSummary, type Op } from './crash-run.ts';

/**
 * The crash run, shortened for `npm test`: 20 SIGKILLs of a real server process under a small
 * concurrent load, each followed by a restart and a check of every request made so far.
 * `npm run test:crash` runs the long version.
 */
test('20 kills under concurrent load lose no acknowledged transition and keep no refused one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crash-test-'));
  const databaseUrl = await newTestDatabase(dir);
  let result;
  try {
    // Between kills the server answers 5 to 40 requests, counted, not timed: the same load on a busy machine.
    result = await crashRun({ kills: 20, clients: 3, answersPerRound: [5, 40], startupKillShare: 0.1, databaseUrl });
  } finally {
    await dropTestDatabase(databaseUrl);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`crash run (short)\n${formatSummary(result)}`);
  expect(result.violations).toEqual([]);
  // Counted as they happened, not echoed from the options; at least one hit a server still starting.
  expect(result.kills).toBe(20);
  expect(result.killsDuringStartup).toBeGreaterThanOrEqual(1);
  // The load was real: transitions were acknowledged, refused and cut off along the way.
  expect(result.acknowledged).toBeGreaterThan(50);
  expect(result.refused).toBeGreaterThan(0);
  expect(result.cases).toBeGreaterThan(5);
  // Each kill costs a restart (tsx compiling the server): with both cores busy a start takes seconds, so the bound is generous.
}, 600_000);

test('the checker is not vacuous: it reports a lost acknowledgement and a stored refusal', async () => {
  const server = await startTestServer({ now: '2020-10-01' });
  try {
    const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
    const created = await partner.createCase('merton', 'dispute-resolution', { summary: 'crash-x-op1' });
    const ops: Op[] = [
      // Stored, but recorded as refused: the checker must object.
      { marker: 'crash-x-op1', kind: 'create', type: 'CREATE', outcome: 'refused', status: 409 },
      // Acknowledged, but nowhere in the file: the checker must object.
      { marker: 'crash-x-op2', kind: 'event', type: 'UNRESOLVED', caseId: created.body.id, expectedVersion: 1, outcome: 'ok', status: 200 },
    ];
    const loaded = loadCatalogue(process.cwd());
    if (!loaded.ok) throw new Error('configuration');
    const definition = loaded.catalogue.partnerships.get('merton')!.processes.get('dispute-resolution')!;
    const { violations } = await checkDatabase(server.databaseUrl, ops, definition, loaded.catalogue, 'self-test');
    expect(violations).toEqual([
      expect.stringContaining('crash-x-op1: CREATE was refused (409) but is in the history'),
      expect.stringContaining('crash-x-op2: UNRESOLVED was acknowledged (200) but is not in the history'),
    ]);
  } finally {
    await server.close();
  }
});
