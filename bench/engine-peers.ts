/**
 * One transition without I/O: restore a waiting case, send the one event that moves it on, take what
 * is to be stored. Three ways, each on the same shape of process (a start, one person's step, an
 * end: the benchmark's target transition from its first state to the state it leads to):
 *
 * - the pure engine as the product runs it per transition: the case restored by folding its stored
 *   history (`project`), `decideEvent` (form, guards, effects), its new history steps kept;
 * - bare XState v5: `createActor(machine, {snapshot})`, one `send`, `getPersistedSnapshot`;
 * - bpmn-engine, the same process as BPMN XML (start event, user task, end event): `recover` from
 *   the saved state, `resume`, signal the user task, wait for the end, `getState`.
 *
 * Each runs for BENCH_ENGINE_MS after a warm-up; the answer is transitions per second.
 */
import { Engine } from 'bpmn-engine';
import { createActor, createMachine } from 'xstate';
import { project } from '../server/engine/project.ts';
import { decideCreate, decideEvent } from '../server/engine/step.ts';
import { AT, progress, SIZES, type Target } from './support.ts';

export interface EngineResult {
  engine: number;
  xstate: number;
  bpmn: number;
}

/** Runs `step` repeatedly for `forMs` after a tenth of that as warm-up; the rate per second. */
async function rate(step: () => unknown, forMs: number): Promise<number> {
  const loop = async (untilMs: number) => {
    let done = 0;
    const end = performance.now() + untilMs;
    let start = performance.now();
    while (start < end) {
      await step();
      done++;
      start = performance.now();
    }
    return done;
  };
  await loop(forMs / 10);
  const start = performance.now();
  const done = await loop(forMs);
  return done / ((performance.now() - start) / 1000);
}

function engineStep(target: Target): () => unknown {
  const { partnership, process, event } = target;
  const actor = { username: `${partnership.def.id}.${target.startRole}`, roles: [target.startRole] };
  const created = decideCreate(partnership, process, { data: target.startData, actor, at: AT });
  const stored = created.steps;
  return () => {
    const current = project(partnership, process, stored)!;
    return decideEvent(partnership, process, current, { type: event.type, data: target.eventData, actor, at: AT }).steps;
  };
}

function xstateStep(target: Target): () => unknown {
  const from = target.from;
  const to = target.event.to!;
  const machine = createMachine({ id: 'bench', initial: from, states: { [from]: { on: { [target.event.type]: to } }, [to]: { type: 'final' } } });
  const waiting = createActor(machine).start();
  const snapshot = waiting.getPersistedSnapshot();
  waiting.stop();
  return () => {
    const actor = createActor(machine, { snapshot }).start();
    actor.send({ type: target.event.type, ...target.eventData });
    const persisted = actor.getPersistedSnapshot();
    actor.stop();
    return persisted;
  };
}

const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="bench-definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <process id="bench" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="to-task" sourceRef="start" targetRef="task" />
    <userTask id="task" />
    <sequenceFlow id="to-end" sourceRef="task" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`;

async function bpmnStep(target: Target): Promise<() => Promise<unknown>> {
  const first = new Engine({ name: 'bench', source: BPMN });
  const execution = await first.execute();
  await new Promise<void>((resolve) => (execution.getPostponed().some((a) => a.id === 'task') ? resolve() : first.broker.subscribeOnce('event', 'activity.wait', () => resolve())));
  const saved = await first.getState();
  await first.stop();
  return async () => {
    const engine = new Engine().recover(saved);
    const ended = engine.waitFor('end');
    const resumed = await engine.resume();
    resumed.signal({ id: 'task', ...target.eventData });
    await ended;
    return engine.getState();
  };
}

export async function enginePeers(target: Target): Promise<EngineResult> {
  progress(`engine peers: ${SIZES.engineMs} ms each`);
  const engine = await rate(engineStep(target), SIZES.engineMs);
  const xstate = await rate(xstateStep(target), SIZES.engineMs);
  const bpmn = await rate(await bpmnStep(target), SIZES.engineMs);
  return { engine, xstate, bpmn };
}
