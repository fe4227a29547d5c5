import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { nextDeadline, waitingFor } from '../../server/engine/waiting.ts';
import type { IsoDate } from '../../server/engine/definition.ts';

const loaded = loadCatalogue(resolve(import.meta.dirname, '../..'));
if (!loaded.ok) throw new Error('the configuration does not load');
const { catalogue } = loaded;
const of = (p: string, proc: string) => {
  const partnership = catalogue.partnerships.get(p)!;
  return { partnership: partnership.def, process: partnership.processes.get(proc)! };
};

test("an SCR in progress waits for the LSCB and the business unit, never for the engine's own timer", () => {
  const { partnership, process } = of('rotherham', 'scr-transition');
  expect(waitingFor(partnership, process, 'in-progress').map((w) => w.role)).toEqual(['lscb', 'business-unit']);
  // Recording what was handed over keeps the case where it is: a side step.
  expect(waitingFor(partnership, process, 'partners-considering').map((w) => w.role)).toEqual(['business-unit']);
  expect(waitingFor(partnership, process, 'closed')).toEqual([]);
});

test('every non-final state of every process waits for someone, and no state waits for system', () => {
  for (const p of catalogue.partnerships.values()) {
    for (const process of p.processes.values()) {
      for (const [state, def] of Object.entries(process.def.states)) {
        const roles = waitingFor(p.def, process, state).map((w) => w.role);
        expect(roles, `${p.def.id}/${process.def.id}/${state}`).not.toContain('system');
        if (def.final === true) expect(roles).toEqual([]);
        else expect(roles.length, `${p.def.id}/${process.def.id}/${state}`).toBeGreaterThan(0);
      }
    }
  }
});

test('the next deadline: the open one due soonest, ties by id; never one without a field that meets it; none once final', () => {
  const d = (id: string, due: string, met: boolean | null = null, satisfiedBy: string | null = 'x') => ({ id, label: id, due: due as IsoDate, satisfiedBy, met, corrected: false });
  const today = '2026-12-01' as IsoDate;
  const deadlines = [d('b', '2026-12-05'), d('a', '2026-12-05'), d('met', '2026-11-01', true), d('lasts', '2026-11-01', null, null), d('later', '2027-01-01')];
  expect(nextDeadline(deadlines, today, false)).toEqual({ id: 'a', label: 'a', due: '2026-12-05', overdue: false });
  expect(nextDeadline([d('late', '2026-11-30')], today, false)?.overdue).toBe(true);
  expect(nextDeadline([d('due-today', '2026-12-01')], today, false)?.overdue).toBe(false);
  expect(nextDeadline(deadlines, today, true)).toBeNull();
});
