import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readableCasesSql } from '../../server/cases/access.ts';
import { searchSql } from '../../server/cases/search.ts';
import { waitingForSql } from '../../server/cases/work-list.ts';
import type { IsoDate } from '../../server/engine/definition.ts';
import { listReadableCases, openDeadlinesOf, type CaseListFilter, type ListedCase } from '../../server/store/case-lists.ts';
import { notifiableIncident } from '../support/incidents.ts';
import { inProcess, type InProcess } from '../support/in-process.ts';

let app: InProcess;
const P = 'rotherham';
const keys = new Map<string, string>();

beforeAll(async () => {
  app = await inProcess('2022-05-02T09:00Z');
  const { service, clock, user } = app;
  const create = async (key: string, role: string, process: string, data: Record<string, unknown>) => {
    const made = await service.create(user(P, role), P, process, data);
    keys.set(made.id, key);
    return made.id;
  };
  // Two at the same instant (ties go by id), on each of three days.
  await create('S-late', 'local-authority', 'cspr', notifiableIncident('2022-04-20'));
  await create('D-open', 'practitioner', 'dispute-resolution', { scope: 'individual-child', summary: 'About the discharge plan', agenciesInvolved: ['Rotherham Council'] });
  clock.moveTo('2022-05-03T09:00Z');
  await create('S-soon', 'local-authority', 'cspr', notifiableIncident('2022-05-03'));
  await create('S-mid', 'local-authority', 'cspr', notifiableIncident('2022-04-29'));
  clock.moveTo('2022-05-04T09:00Z');
  const withdrawn = await create('D-withdrawn', 'practitioner', 'dispute-resolution', { scope: 'systemic', summary: 'Sorted', agenciesInvolved: ['Rotherham Council'] });
  await service.sendEvent(app.user(P, 'practitioner'), withdrawn, { type: 'WITHDRAW', data: { reason: 'Sorted out' }, expectedVersion: 1 });
  await create('V', 'conference-chair', 'veto-review', {
    conferenceDate: '2022-05-03', majorityDecision: 'No plan', chairDecision: 'A plan', rationale: 'Risk', vetoEffect: 'remains-subject-to-plan',
  });
});
afterAll(() => app.close());

const everyone = () => app.user(P, 'business-unit');
function list(more: Partial<CaseListFilter> = {}, reader = everyone()): Promise<ListedCase[]> {
  const partnership = app.service.catalogue.partnerships.get(P)!;
  return listReadableCases(app.db.reader, { partnership: P, readable: readableCasesSql(partnership, reader), limit: 100, ...more });
}
const named = (rows: readonly ListedCase[]) => rows.map((r) => keys.get(r.id));

/** Every page of a list, `size` at a time, each page starting after the last row of the one before. */
async function pages(size: number, more: Partial<CaseListFilter>): Promise<ListedCase[][]> {
  const all: ListedCase[][] = [];
  let after: CaseListFilter['after'];
  for (;;) {
    const page = await list({ ...more, limit: size, after });
    if (page.length === 0) return all;
    all.push(page);
    const last = page.at(-1)!;
    after = { createdAt: last.createdAt, id: last.id, nextDue: last.nextDue };
  }
}

describe('listing cases', () => {
  test('newest first, cases made at the same instant by id, and each page after the last row of the one before', async () => {
    const rows = await list();
    expect(rows).toHaveLength(6);
    for (const [a, b] of rows.slice(1).map((r, i) => [rows[i]!, r] as const)) {
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id), `${keys.get(a.id)} before ${keys.get(b.id)}`).toBe(true);
    }
    expect(named(rows.slice(0, 2)).sort()).toEqual(['D-withdrawn', 'V']);
    expect(named(rows.slice(4)).sort()).toEqual(['D-open', 'S-late']);
    for (const size of [1, 2, 4]) {
      const paged = await pages(size, {});
      expect(paged.every((p) => p.length <= size)).toBe(true);
      expect(paged.flat().map((r) => r.id), `pages of ${size}`).toEqual(rows.map((r) => r.id));
    }
  });

  test("by due date: the soonest open deadline first, cases with none (closed ones among them) last, then newest first; pages join up", async () => {
    const rows = await list({ sort: 'due' });
    const due = rows.map((r) => r.nextDue);
    const dated = due.filter((d) => d !== null);
    expect(dated).toEqual([...dated].sort());
    expect(due.slice(dated.length).every((d) => d === null)).toBe(true);
    // The incidents have deadlines from the day the partnership became aware; the others have none open.
    expect(named(rows.slice(0, 3))).toEqual(['S-late', 'S-mid', 'S-soon']);
    expect(named(rows.slice(3))).toEqual(named(await list()).filter((k) => !k!.startsWith('S-')));
    expect(rows.find((r) => keys.get(r.id) === 'D-withdrawn')).toMatchObject({ final: true, nextDue: null });
    for (const size of [1, 2, 3, 5]) expect((await pages(size, { sort: 'due' })).flat().map((r) => r.id), `pages of ${size}`).toEqual(rows.map((r) => r.id));
  });

  test("a case's next due date is its soonest open deadline", async () => {
    const rows = await list();
    const deadlines = await openDeadlinesOf(app.db.reader, rows.map((r) => r.id));
    for (const row of rows) {
      const open = deadlines.get(row.id)!;
      const soonest = open.map((d) => d.due).sort()[0] ?? null;
      expect(row.final ? null : soonest, keys.get(row.id)).toBe(row.nextDue);
      expect(open.every((d) => d.met === null && d.satisfiedBy !== null)).toBe(true);
    }
    expect([...deadlines.values()].flat().length).toBeGreaterThan(3);
    expect(await openDeadlinesOf(app.db.reader, [])).toEqual(new Map());
  });

  test('filters: process, state, raiser, overdue on a day, waiting for a role, a search; each the matching part of the whole list', async () => {
    const all = await list();
    const expectPart = async (more: Partial<CaseListFilter>, keep: (r: ListedCase) => boolean, what: string) => {
      const part = all.filter(keep);
      expect(part.length, `${what} picks some, not all`).toBeGreaterThan(0);
      expect(part.length, what).toBeLessThan(all.length);
      expect((await list(more)).map((r) => r.id), what).toEqual(part.map((r) => r.id));
    };
    await expectPart({ process: 'cspr' }, (r) => r.process === 'cspr', 'process');
    await expectPart({ state: 'withdrawn' }, (r) => r.state === 'withdrawn', 'state');
    await expectPart({ process: 'dispute-resolution', state: 'withdrawn' }, (r) => keys.get(r.id) === 'D-withdrawn', 'process and state');
    await expectPart({ createdBy: `${P}.practitioner` }, (r) => r.createdBy === `${P}.practitioner`, 'raiser');
    const today = '2022-05-06' as IsoDate;
    await expectPart({ overdueOn: today }, (r) => !r.final && r.nextDue !== null && r.nextDue < today, 'overdue');
    // Overdue on a day is strictly before it: a deadline due that day is not yet overdue.
    const soonest = all.map((r) => r.nextDue).filter((d): d is string => d !== null).sort()[0]!;
    expect(await list({ overdueOn: soonest as IsoDate })).toEqual([]);
    const partnership = app.service.catalogue.partnerships.get(P)!;
    const la = app.user(P, 'local-authority');
    await expectPart({ waiting: waitingForSql(partnership, la) }, (r) => r.process === 'cspr', 'waiting for the local authority');
    await expectPart({ search: searchSql('discharge') }, (r) => keys.get(r.id) === 'D-open', 'search');
  });

  test('only what the reader may read, and no more than the limit', async () => {
    const chair = app.user(P, 'conference-chair');
    expect(named(await list({}, chair))).toEqual(['V']);
    expect(await list({ limit: 2 })).toHaveLength(2);
    expect(named(await list({ limit: 2 }))).toEqual(named(await list()).slice(0, 2));
    const other = await listReadableCases(app.db.reader, { partnership: 'merton', readable: readableCasesSql(app.service.catalogue.partnerships.get('merton')!, app.user('merton', 'business-unit')), limit: 100 });
    expect(other).toEqual([]);
  });
});
