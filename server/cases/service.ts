import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { CREATE_EVENT, type Catalogue, type CompiledPartnership, type CompiledProcess } from '../engine/catalogue.ts';
import { NotFoundError, VersionConflictError } from '../engine/errors.ts';
import { decideCreate, decideEvent, decideTimer, type Actor, type CaseState, type Decision } from '../engine/step.ts';
import { availableEvents, deadlineView } from '../engine/view.ts';
import {
  appendHistory,
  findCase,
  insertCase,
  insertLink,
  loadCase,
  loadDeadlines,
  loadTasks,
  loadTimers,
  removeTimer,
  replaceDeadlines,
  replaceTasks,
  replaceTimers,
  updateCase,
  dueTimers,
  type CaseRow,
  type StoredCase,
} from '../store/cases.ts';
import type { Connection, Database } from '../store/sqlite.ts';

/** What the engine needs of a stored case, read inside the transaction that will change it. */
async function caseStateOf(tx: Connection, row: CaseRow): Promise<CaseState> {
  return { state: row.state, createdBy: row.createdBy, data: row.data, deadlines: await loadDeadlines(tx, row.id), tasks: await loadTasks(tx, row.id) };
}

/** A signed-in person: one partnership, one or more of its roles. */
export interface User extends Actor {
  partnership: string;
}

export interface EventRequest {
  type: string;
  data: Record<string, unknown>;
  expectedVersion: number;
}

/**
 * The application's use cases: it loads a case, asks the pure engine what an event decides,
 * and commits the decision (case, history, deadlines, tasks, timers, linked cases) in one transaction.
 */
export class CaseService {
  constructor(
    private readonly db: Database,
    readonly catalogue: Catalogue,
    private readonly clock: Clock,
  ) {}

  partnership(user: User, partnershipId: string): CompiledPartnership {
    const partnership = this.catalogue.partnerships.get(partnershipId);
    // Another partnership is "not found", never "forbidden": its existence is not the caller's business.
    if (partnership === undefined || partnershipId !== user.partnership) {
      throw new NotFoundError(`No partnership "${partnershipId}" for you`);
    }
    return partnership;
  }

  process(user: User, partnershipId: string, processId: string): { partnership: CompiledPartnership; process: CompiledProcess } {
    const partnership = this.partnership(user, partnershipId);
    const process = partnership.processes.get(processId);
    if (process === undefined) throw new NotFoundError(`${partnership.def.name} has no process "${processId}"`);
    return { partnership, process };
  }

  async create(user: User, partnershipId: string, processId: string, data: Record<string, unknown>) {
    const { partnership, process } = this.process(user, partnershipId, processId);
    const decision = decideCreate(partnership, process, { data, actor: user, today: this.clock.today() });
    const id = await this.db.transaction(async (tx) => {
      const at = this.clock.now();
      const caseId = randomUUID();
      await this.commitNew(tx, partnership, process, caseId, user.username, decision, at);
      return caseId;
    });
    return this.get(user, id);
  }

  async sendEvent(user: User, caseId: string, request: EventRequest) {
    await this.db.transaction(async (tx) => {
      const row = await this.caseOf(tx, user, caseId);
      if (row.version !== request.expectedVersion) {
        throw new VersionConflictError(
          `The case has changed since you loaded it (it is now at version ${row.version}); reload it and try again`,
          { currentVersion: row.version },
        );
      }
      const { partnership, process } = this.resolve(row);
      const current = await caseStateOf(tx, row);
      const decision = decideEvent(partnership, process, current, { ...request, actor: user, today: this.clock.today() });
      await this.commit(tx, partnership, process, row, decision, this.clock.now());
    });
    return this.get(user, caseId);
  }

  async get(user: User, caseId: string) {
    const stored = await loadCase(this.db.reader, caseId);
    if (stored === undefined || stored.partnership !== user.partnership) throw new NotFoundError(`No case "${caseId}" for you`);
    return this.view(user, stored);
  }

  /** The case as the API shows it to this person today. */
  view(user: User, stored: StoredCase) {
    const { process } = this.resolve(stored);
    const state = process.def.states[stored.state];
    const today = this.clock.today();
    return {
      id: stored.id,
      partnership: stored.partnership,
      process: stored.process,
      processVersion: stored.processVersion,
      state: stored.state,
      stateLabel: state?.label ?? stored.state,
      stateDescription: state?.description ?? null,
      final: stored.final,
      version: stored.version,
      createdBy: stored.createdBy,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
      data: stored.data,
      deadlines: stored.deadlines.map((d) => deadlineView(d, today, stored.final)),
      tasks: stored.tasks,
      links: stored.links,
      available: stored.final ? [] : availableEvents(process, stored.state, user, stored.createdBy),
      history: stored.history,
    };
  }

  /**
   * Sends the events of every durable timer whose date has come, each in its own transaction.
   * A timer is deleted in the transaction that fires it, so it fires once however often this runs.
   */
  async fireDueTimers(): Promise<number> {
    let fired = 0;
    for (const timer of await dueTimers(this.db.reader, this.clock.today())) {
      const done = await this.db.transaction(async (tx) => {
        const row = await findCase(tx, timer.caseId);
        if (row === undefined || row.state !== timer.state) {
          await removeTimer(tx, timer.caseId, timer.state, timer.event);
          return false;
        }
        const { partnership, process } = this.resolve(row);
        const current = await caseStateOf(tx, row);
        const decision = decideTimer(partnership, process, current, timer.event, this.clock.today());
        await removeTimer(tx, timer.caseId, timer.state, timer.event);
        if (decision.timers === 'keep') {
          const rest = (await loadTimers(tx, row.id)).filter((t) => t.event !== timer.event);
          decision.timers = rest;
        }
        await this.commit(tx, partnership, process, row, decision, this.clock.now());
        return true;
      });
      if (done) fired++;
    }
    return fired;
  }

  resolve(row: Pick<CaseRow, 'partnership' | 'process'>): { partnership: CompiledPartnership; process: CompiledProcess } {
    const partnership = this.catalogue.partnerships.get(row.partnership);
    const process = partnership?.processes.get(row.process);
    if (partnership === undefined || process === undefined) {
      throw new Error(`Case of ${row.partnership}/${row.process}, which is no longer configured`);
    }
    return { partnership, process };
  }

  private async caseOf(tx: Connection, user: User, caseId: string): Promise<CaseRow> {
    const row = await findCase(tx, caseId);
    if (row === undefined || row.partnership !== user.partnership) throw new NotFoundError(`No case "${caseId}" for you`);
    return row;
  }

  private async commitNew(
    tx: Connection,
    partnership: CompiledPartnership,
    process: CompiledProcess,
    caseId: string,
    createdBy: string,
    decision: Decision,
    at: string,
  ): Promise<void> {
    const row: CaseRow = {
      id: caseId,
      partnership: partnership.def.id,
      process: process.def.id,
      processVersion: process.def.version,
      state: decision.state,
      final: process.def.states[decision.state]?.final === true,
      version: decision.steps.length,
      data: decision.data,
      createdBy,
      createdAt: at,
      updatedAt: at,
    };
    await insertCase(tx, row);
    await this.writeDerived(tx, partnership, row, decision, 1, at);
  }

  private async commit(
    tx: Connection,
    partnership: CompiledPartnership,
    process: CompiledProcess,
    row: CaseRow,
    decision: Decision,
    at: string,
  ): Promise<void> {
    const version = row.version + decision.steps.length;
    const change = { state: decision.state, final: process.def.states[decision.state]?.final === true, version, data: decision.data, updatedAt: at };
    if (!(await updateCase(tx, row.id, row.version, change))) {
      const current = await findCase(tx, row.id);
      throw new VersionConflictError('The case changed while your change was being saved; reload it and try again', {
        currentVersion: current?.version ?? row.version,
      });
    }
    await this.writeDerived(tx, partnership, { ...row, ...change }, decision, row.version + 1, at);
  }

  private async writeDerived(
    tx: Connection,
    partnership: CompiledPartnership,
    row: CaseRow,
    decision: Decision,
    firstSeq: number,
    at: string,
  ): Promise<void> {
    await appendHistory(tx, row.id, firstSeq, decision.steps, at);
    await replaceDeadlines(tx, row.id, decision.deadlines);
    await replaceTasks(tx, row.id, decision.tasks);
    if (decision.timers !== 'keep') await replaceTimers(tx, row.id, decision.state, decision.timers);
    for (const start of decision.startCases) {
      const process = partnership.processes.get(start.process)!;
      const linkedId = randomUUID();
      const linked: Decision = {
        steps: [{ type: CREATE_EVENT, from: null, to: start.state, by: decision.steps[0]!.by, data: start.data }],
        state: start.state,
        data: start.data,
        deadlines: [],
        tasks: [],
        timers: [],
        startCases: [],
      };
      await this.commitNew(tx, partnership, process, linkedId, linked.steps[0]!.by, linked, at);
      await insertLink(tx, row.id, linkedId, start.relation);
      await insertLink(tx, linkedId, row.id, start.reverseRelation);
    }
  }
}
