import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readableCasesSql } from '../../server/cases/access.ts';
import { compileProcess, contentHash, versionContent, type Catalogue } from '../../server/engine/catalogue.ts';
import type { IsoDate } from '../../server/engine/definition.ts';
import { ProcessRejectedError, VersionConflictError } from '../../server/engine/errors.ts';
import {
  countReadableByStateAndVersion,
  publishedSources,
  publishVersion,
  readStoredVersions,
  readVersionSource,
  storeProcessVersions,
  type Publication,
} from '../../server/store/process-versions.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { notifiableIncident } from '../support/incidents.ts';
import { inProcess, type InProcess } from '../support/in-process.ts';

/**
 * The immutable versions of each process, on a real database: stored at start-up as the files say,
 * published while the server runs, and the cases counted per state and version.
 */
const P = 'rotherham';
const PROCESS = 'veto-review';
let app: InProcess;
beforeAll(async () => {
  app = await inProcess('2022-05-02T09:00Z');
});
afterAll(() => app.close());

/** The shipped catalogue with one process retitled: a change of content, as an edited file makes. */
function retitled(title: string): Catalogue {
  const shipped = shippedCatalogue();
  const partnership = shipped.partnerships.get(P)!;
  const process = partnership.processes.get(PROCESS)!;
  const processes = new Map(partnership.processes);
  processes.set(PROCESS, compileProcess({ ...process.def, title }));
  return { ...shipped, partnerships: new Map([...shipped.partnerships, [P, { ...partnership, processes }]]) };
}

const versionsOf = async () => (await readStoredVersions(app.db.reader)).filter((v) => v.partnership === P && v.process === PROCESS);

function publication(catalogue: Catalogue, basedOn: number, by = `${P}.business-unit`): Publication {
  const partnership = catalogue.partnerships.get(P)!;
  const content = versionContent(partnership, partnership.processes.get(PROCESS)!);
  return { partnership: P, process: PROCESS, basedOn, content, hash: contentHash(content), source: `title: ${basedOn}\n`, by, at: '2022-05-02T10:00:00.000Z', file: `workflows/${P}/${PROCESS}.yaml` };
}

describe('versions stored at start-up and published', () => {
  test('the first start stores every process as version 1; a restart on the same files stores nothing', async () => {
    const all = await readStoredVersions(app.db.reader);
    const processes = [...shippedCatalogue().partnerships.values()].reduce((n, p) => n + p.processes.size, 0);
    expect(all).toHaveLength(processes);
    expect(all.every((v) => v.version === 1 && v.origin === 'files' && v.publishedBy === null)).toBe(true);
    const again = await storeProcessVersions(app.db, shippedCatalogue(), { now: '2022-05-02T09:30:00.000Z' });
    expect(again).toMatchObject({ added: [], behind: [] });
    expect(await readStoredVersions(app.db.reader)).toEqual(all);
    expect(again.catalogue.partnerships.get(P)!.versions?.get(PROCESS)?.size).toBe(1);
  });

  test('a changed file is the next number; going back to an earlier content is a new number too, never a reuse', async () => {
    const changed = await storeProcessVersions(app.db, retitled('Veto review, changed'), { now: '2022-05-02T09:31:00.000Z', sourceOf: () => 'the file' });
    expect(changed.added).toEqual([{ partnership: P, process: PROCESS, version: 2 }]);
    const back = await storeProcessVersions(app.db, shippedCatalogue(), { now: '2022-05-02T09:32:00.000Z' });
    expect(back.added).toEqual([{ partnership: P, process: PROCESS, version: 3 }]);
    const stored = await versionsOf();
    expect(stored.map((v) => [v.version, v.origin, v.createdAt])).toEqual([
      [1, 'files', expect.any(String)],
      [2, 'files', '2022-05-02T09:31:00.000Z'],
      [3, 'files', '2022-05-02T09:32:00.000Z'],
    ]);
    expect(stored[2]!.hash).toBe(stored[0]!.hash);
    expect(await readVersionSource(app.db.reader, P, PROCESS, 2)).toEqual({ source: 'the file', content: stored[1]!.content });
    expect(await readVersionSource(app.db.reader, P, PROCESS, 3)).toEqual({ source: null, content: stored[2]!.content });
    expect(await readVersionSource(app.db.reader, P, PROCESS, 99)).toBeUndefined();
  });

  test('publishing stores the next number with who published it and the file; a stale or empty change stores nothing', async () => {
    const published = await publishVersion(app.db, publication(retitled('Published title'), 3));
    expect(published.version).toBe(4);
    expect(published.stored.filter((v) => v.process === PROCESS && v.partnership === P).at(-1)).toMatchObject({ version: 4, origin: 'upload', publishedBy: `${P}.business-unit` });
    // Checked against 3, but 4 is out now: refused, naming 4 and who published it.
    const stale = publishVersion(app.db, publication(retitled('Another title'), 3, `${P}.someone-else`));
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    await expect(stale).rejects.toMatchObject({ details: { currentVersion: 4 }, message: expect.stringMatching(/^Version 4 was published by rotherham\.business-unit at 2022-05-02T10:00:00\.000Z, after you checked your file against version 3\./) });
    // The newest's content again: nothing to publish.
    const same = publishVersion(app.db, publication(retitled('Published title'), 4));
    await expect(same).rejects.toBeInstanceOf(ProcessRejectedError);
    await expect(same).rejects.toMatchObject({ details: [{ file: `workflows/${P}/${PROCESS}.yaml`, line: 1 }] });
    expect((await versionsOf()).map((v) => v.version)).toEqual([1, 2, 3, 4]);
    expect(await publishedSources(app.db.reader, P)).toEqual(new Map([[PROCESS, 'title: 3\n']]));
    expect(await publishedSources(app.db.reader, 'merton')).toEqual(new Map());
  });

  test("files behind what was published change nothing and say so; files changed after it replace it, saying whose it was", async () => {
    const behind = await storeProcessVersions(app.db, shippedCatalogue(), { now: '2022-05-02T11:00:00.000Z' });
    expect(behind.added).toEqual([]);
    expect(behind.behind).toEqual([{ partnership: P, process: PROCESS, files: 3, newest: 4, publishedBy: `${P}.business-unit` }]);
    const newer = await storeProcessVersions(app.db, retitled('Changed in the repository'), { now: '2022-05-02T11:01:00.000Z' });
    expect(newer.added).toEqual([{ partnership: P, process: PROCESS, version: 5, replacesPublished: { version: 4, by: `${P}.business-unit` } }]);
    // The upload is no longer the newest: the disk's file is the running one again.
    expect(await publishedSources(app.db.reader, P)).toEqual(new Map());
    // Restarted at a version stored from the files, a stale check names the restart.
    await expect(publishVersion(app.db, publication(retitled('Late'), 4))).rejects.toMatchObject({ message: expect.stringMatching(/^Version 5 was published from the files at a restart at 2022-05-02T11:01:00\.000Z/) });
  });
});

describe('cases per state and version', () => {
  test("counted for each reader as they may read them, with those overdue on the day", async () => {
    const { service, user } = app;
    const la = user(P, 'local-authority');
    await service.create(la, P, 'cspr', notifiableIncident('2022-04-20'));
    await service.create(la, P, 'cspr', notifiableIncident('2022-05-02'));
    const moved = await service.create(la, P, 'cspr', notifiableIncident('2022-04-28'));
    await service.sendEvent(la, moved.id, { type: 'NOTIFIED', data: { partnersNotifiedOn: '2022-05-02', panelNotifiedOn: '2022-05-02' }, expectedVersion: moved.version });
    const partnership = app.service.catalogue.partnerships.get(P)!;
    const count = (reader: ReturnType<typeof user>, today: string) => countReadableByStateAndVersion(app.db.reader, P, 'cspr', readableCasesSql(partnership, reader), today as IsoDate);
    const initial = moved.state;
    const notified = (await service.get(la, moved.id)).state;
    expect(notified).not.toBe(initial);
    const rows = await count(user(P, 'business-unit'), '2022-05-02');
    expect(new Map(rows.map((r) => [r.state, [r.version, r.count]]))).toEqual(new Map([[initial, [1, 2]], [notified, [1, 1]]]));
    expect(rows.map((r) => r.state)).toEqual([initial, notified].sort());
    // On 10 May the case aware since 20 April is past its deadlines; the one aware on 2 May is not yet.
    const later = await count(user(P, 'business-unit'), '2022-05-10');
    expect(later.reduce((n, r) => n + r.overdue, 0)).toBeGreaterThan(0);
    expect(later.every((r) => r.overdue <= r.count)).toBe(true);
    expect((await count(user(P, 'business-unit'), '2022-04-01')).every((r) => r.overdue === 0)).toBe(true);
    // Someone who may read none of them counts none; a process without cases has no rows.
    expect(await count(user(P, 'conference-chair'), '2022-05-10')).toEqual([]);
    expect(await countReadableByStateAndVersion(app.db.reader, P, 'practice-appraisal', readableCasesSql(partnership, user(P, 'business-unit')), '2022-05-10' as IsoDate)).toEqual([]);
  });
});
