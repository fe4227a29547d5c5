import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { contentHash, processVersion, type Catalogue, type CompiledPartnership, type CompiledProcess } from '../engine/catalogue.ts';
import { NotFoundError, VersionConflictError } from '../engine/errors.ts';
import { environment, project, type HistoryStep, type Projection } from '../engine/project.ts';
import { decideCalendarChange, decideCreate, decideEvent, decideTimer, nameStartedCases, type Actor, type Decision } from '../engine/step.ts';
import { availableEvents, deadlineView } from '../engine/view.ts';
import { nextDeadline, taskViews, waitingFor } from '../engine/waiting.ts';
import { appendHistory, casesWithOpenDeadlines, casesWithTasksOrDeadlines, dueTimers, findCase, insertCase, loadCase, loadDeadlines, loadHistory, loadTasks, updateCase, writeProjection, NOTHING_CACHED, type CachedProjection, type CaseRow, type StoredCase } from '../store/cases.ts';
import { assignReference } from '../store/references.ts';
import type { Connection, Database } from '../store/database.ts';
import { lastFollowed, recordFollowed } from '../store/fingerprints.ts';
import { mayRead } from './access.ts';
import { recordOf } from './record.ts';
import { ownReferenceOf } from './search.ts';

/** A signed-in person: one partnership, one or more of its roles. */
export interface User extends Actor {
  partnership: string;
}

/** Called inside the transaction that commits a decision, after it is written (server/notify/ tells people). */
export type CommitHook = (tx: Connection, committed: { partnership: CompiledPartnership; process: CompiledProcess; caseId: string; previousState: string | null; projection: Projection; history: readonly HistoryStep[] }) => Promise<void>;

export interface EventRequest {
  type: string;
  data: Record<string, unknown>;
  expectedVersion: number;
}

/** An event to check without sending it: the version is optional, as a page may not know it. */
export type EventCheck = Omit<EventRequest, 'expectedVersion'> & { expectedVersion?: number };

/**
 * The application's use cases: it reads a case from its history, asks the pure engine what an
 * event decides, and commits the new history entries with the case they make (row, deadlines,
 * tasks, timers, linked cases: a cache of the history) in one transaction.
 */
export class CaseService {
  constructor(
    private readonly db: Database,
    private current: Catalogue,
    private readonly clock: Clock,
    private readonly onCommit?: CommitHook,
  ) {}

  /** Every stored version of every process; the newest of each is what new cases start on. */
  get catalogue(): Catalogue {
    return this.current;
  }

  /**
   * A version published while the server runs (server/cases/configuration.ts): new cases start on it
   * from the next request, without a restart. A running case keeps its own version, which the new
   * catalogue still holds, and a request already under way finishes on the catalogue it began with.
   */
  useCatalogue(catalogue: Catalogue): void {
    this.current = catalogue;
  }

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

  /** "Today" for a partnership: the date now in its time zone. */
  today(partnership: CompiledPartnership) {
    return this.clock.today(partnership.def.timeZone);
  }

  async create(user: User, partnershipId: string, processId: string, data: Record<string, unknown>) {
    const { partnership, process } = this.process(user, partnershipId, processId);
    const at = this.clock.now();
    const decision = decideCreate(partnership, process, { data, actor: user, at });
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await insertCase(tx, rowOf(id, partnership, process, decision.projection));
      await assignReference(tx, id, partnership.def.timeZone);
      await this.commitDecision(tx, partnership, process, id, [], decision);
    });
    return this.get(user, id);
  }

  /**
   * A dry run of `create`: the same decision, refused the same way, committed nowhere, so the page
   * asking the questions can say what the rules make of the answers before they are checked.
   */
  checkCreate(user: User, partnershipId: string, processId: string, data: Record<string, unknown>): void {
    const { partnership, process } = this.process(user, partnershipId, processId);
    decideCreate(partnership, process, { data, actor: user, at: this.clock.now() });
  }

  async sendEvent(user: User, caseId: string, request: EventRequest) {
    await this.db.transaction(async (tx) => {
      const { partnership, process, history, current, decision } = await this.decideOn(tx, user, caseId, request);
      await this.commitDecision(tx, partnership, process, caseId, history, decision, current.version, current);
    });
    return this.get(user, caseId);
  }

  /** A dry run of `sendEvent` on the read-only connection: `expectedVersion` is checked only when given. */
  async checkEvent(user: User, caseId: string, request: EventCheck): Promise<void> {
    await this.decideOn(this.db.reader, user, caseId, request);
  }

  /** Reads the case, refuses in the API's order (need to know, version, then the engine's), and decides. */
  private async decideOn(conn: Connection, user: User, caseId: string, request: EventCheck) {
    const row = await findCase(conn, caseId);
    if (row === undefined || row.partnership !== user.partnership) throw new NotFoundError(`No case "${caseId}" for you`);
    const { partnership, process } = this.resolve(row);
    const history = await loadHistory(conn, caseId);
    const current = project(partnership, process, history)!;
    if (!mayRead(process, user, { createdBy: current.createdBy, state: current.state, participants: history.map((h) => h.by) })) {
      throw new NotFoundError(`No case "${caseId}" for you`);
    }
    // The history's version, not the row's: on PostgreSQL each statement reads afresh, so a transition
    // committed between the two reads shows in the history alone, and deciding on that history while
    // checking the row's older version would refuse the person's event as if they had sent it late.
    if (request.expectedVersion !== undefined && current.version !== request.expectedVersion) {
      throw new VersionConflictError(
        `The case has changed since you loaded it (it is now at version ${current.version}); reload it and try again`,
        { currentVersion: current.version },
      );
    }
    const decision = decideEvent(partnership, process, current, { type: request.type, data: request.data, actor: user, at: this.clock.now() });
    return { partnership, process, history, current, decision };
  }

  async get(user: User, caseId: string) {
    const stored = await this.db.read((conn) => loadCase(conn, caseId));
    if (stored === undefined || stored.partnership !== user.partnership) throw new NotFoundError(`No case "${caseId}" for you`);
    const { process } = this.resolve(stored);
    if (!mayRead(process, user, { createdBy: stored.createdBy, state: stored.state, participants: stored.history.map((h) => h.by) })) {
      throw new NotFoundError(`No case "${caseId}" for you`);
    }
    return this.view(user, stored);
  }

  /** The case as the API shows it to this person today. */
  view(user: User, stored: StoredCase) {
    const { partnership, process } = this.resolve(stored);
    const state = process.def.states[stored.state];
    const today = this.today(partnership);
    return {
      id: stored.id,
      reference: stored.reference ?? null,
      ownReference: ownReferenceOf(stored.data),
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
      waitingFor: stored.final ? [] : waitingFor(partnership.def, process, stored.state),
      nextDeadline: nextDeadline(stored.deadlines, today, stored.final),
      tasks: taskViews(partnership.def, process, stored.tasks),
      links: stored.links,
      available: availableEvents(process, stored.state, user, stored.createdBy, {
        tasks: taskViews(partnership.def, process, stored.tasks),
        env: environment(partnership, process, stored.data, stored.deadlines, today),
      }),
      steps: recordOf(partnership, process, stored.history),
      history: stored.history.map(({ effects, ...entry }) => (effects.changes === undefined ? entry : { ...entry, changes: effects.changes })),
    };
  }

  /**
   * Sends the events of every durable timer whose date has come, each in its own transaction.
   * A timer is part of the case's projection, so the step that fires it also removes it: it fires
   * once however often this runs.
   */
  async fireDueTimers(): Promise<number> {
    let fired = 0;
    const latestToday = [...this.catalogue.partnerships.values()].map((p) => this.today(p)).sort().at(-1);
    if (latestToday === undefined) return 0;
    for (const timer of await dueTimers(this.db.reader, latestToday)) {
      // Another server on the same database (or a person) moved the case first: this timer either
      // fired there or is looked at again on the next round, so it still fires once.
      const done = await this.db.transaction(async (tx) => {
        const row = await findCase(tx, timer.caseId);
        if (row === undefined || row.state !== timer.state) return false;
        const { partnership, process } = this.resolve(row);
        if (timer.fireOn > this.today(partnership)) return false;
        const history = await loadHistory(tx, row.id);
        const current = project(partnership, process, history)!;
        if (!current.timers.some((t) => t.event === timer.event)) return false;
        const decision = decideTimer(partnership, process, current, timer.event, this.clock.now());
        await this.commitDecision(tx, partnership, process, row.id, history, decision, current.version, current);
        return true;
      }).catch((error: unknown) => {
        if (error instanceof VersionConflictError) return false;
        throw error;
      });
      if (done) fired++;
    }
    return fired;
  }

  /**
   * Moves the open deadlines that a changed working-day calendar moves (see decideCalendarChange),
   * each case in its own transaction with one history entry by `system`. Skipped for a calendar
   * whose holidays are those it last checked. Returns how many cases moved.
   */
  async followCalendar(): Promise<number> {
    let movedCases = 0;
    const byCalendar = new Map<string, CompiledPartnership[]>();
    for (const p of this.catalogue.partnerships.values()) byCalendar.set(p.calendar.id, [...(byCalendar.get(p.calendar.id) ?? []), p]);
    for (const [calendarId, partnerships] of byCalendar) {
      const { fingerprint } = partnerships[0]!.calendar;
      if ((await lastFollowed(this.db.reader, calendarId)) === fingerprint) continue;
      for (const partnership of partnerships) {
        for (const caseId of await casesWithOpenDeadlines(this.db.reader, partnership.def.id)) {
          const moved = await this.db.transaction(async (tx) => {
            const row = await findCase(tx, caseId);
            if (row === undefined) return false;
            const { process } = this.resolve(row);
            const history = await loadHistory(tx, caseId);
            const current = project(partnership, process, history)!;
            const decision = decideCalendarChange(partnership, process, current, this.clock.now());
            if (decision === undefined) return false;
            await this.commitDecision(tx, partnership, process, caseId, history, decision, current.version, current);
            return true;
          });
          if (moved) movedCases++;
        }
      }
      await this.db.transaction((tx) => recordFollowed(tx, calendarId, fingerprint, this.clock.now()));
    }
    return movedCases;
  }

  /**
   * Rewords the stored tasks and deadlines of a partnership whose places (partners' names, groups and
   * chairs, with the dates they held them) changed since it was last checked: that wording is what the
   * history decides with the places that held on each step's date, and those tables are its cache, so
   * nothing in the history changes. Skipped when the partnership's file is the one last checked (its
   * fingerprint is kept beside the calendars' in `calendars_in_force`, under `places:<partnership>`).
   * Returns how many cases were reworded.
   */
  async followPlaces(): Promise<number> {
    let reworded = 0;
    for (const partnership of this.catalogue.partnerships.values()) {
      const key = `places:${partnership.def.id}`;
      const fingerprint = contentHash(JSON.stringify(partnership.def));
      if ((await lastFollowed(this.db.reader, key)) === fingerprint) continue;
      for (const caseId of await casesWithTasksOrDeadlines(this.db.reader, partnership.def.id)) {
        const changed = await this.db.transaction(async (tx) => {
          const row = await findCase(tx, caseId);
          if (row === undefined) return false;
          const { process } = this.resolve(row);
          const projection = project(partnership, process, await loadHistory(tx, caseId));
          if (projection === undefined) return false;
          // One after the other: a transaction is one connection, which runs one query at a time.
          const tasks = await loadTasks(tx, caseId);
          const deadlines = await loadDeadlines(tx, caseId);
          const stale =
            tasks.some((t, i) => t.label !== projection.tasks[i]?.label) || deadlines.some((d) => d.label !== projection.deadlines.find((p) => p.id === d.id)?.label);
          if (stale) await writeProjection(tx, caseId, projection);
          return stale;
        });
        if (changed) reworded++;
      }
      await this.db.transaction((tx) => recordFollowed(tx, key, fingerprint, this.clock.now()));
    }
    return reworded;
  }

  /** The process version a case runs on, with the partnership as that version sees it (its forms). */
  resolve(row: Pick<CaseRow, 'partnership' | 'process' | 'processVersion'>): { partnership: CompiledPartnership; process: CompiledProcess } {
    const partnership = this.catalogue.partnerships.get(row.partnership);
    const resolved = partnership && processVersion(partnership, row.process, row.processVersion);
    if (resolved === undefined) {
      throw new Error(`Case of ${row.partnership}/${row.process} version ${row.processVersion}, which is not stored or no longer configured`);
    }
    return resolved;
  }

  /**
   * Commits a decision: any linked cases it starts (named on the step that starts them), the new
   * history entries, and the case's cache as the whole history now decides it. `before` is what the
   * history before the decision decided, which the stored cache holds: only what differs from it is rewritten.
   */
  private async commitDecision(
    tx: Connection,
    partnership: CompiledPartnership,
    process: CompiledProcess,
    caseId: string,
    history: readonly HistoryStep[],
    decision: Decision,
    expectedVersion?: number,
    before: CachedProjection | undefined = history.length === 0 ? NOTHING_CACHED : undefined,
  ): Promise<void> {
    const named = nameStartedCases(decision, { caseId, process: process.def.id }, randomUUID);
    const { steps } = named;
    const started = named.started.map((linked) => ({ ...linked, process: partnership.processes.get(linked.process)! }));
    const projection = started.length === 0 ? decision.projection : project(partnership, process, [...history, ...steps])!;
    if (expectedVersion !== undefined) {
      const change = { state: projection.state, final: projection.final, version: projection.version, data: projection.data, updatedAt: projection.updatedAt };
      if (!(await updateCase(tx, caseId, expectedVersion, change))) {
        const current = await findCase(tx, caseId);
        throw new VersionConflictError('The case changed while your change was being saved; reload it and try again', {
          currentVersion: current?.version ?? expectedVersion,
        });
      }
    }
    // A started case exists before the links that point at it.
    for (const linked of started) {
      const linkedProjection = project(partnership, linked.process, [linked.step])!;
      await insertCase(tx, rowOf(linked.id, partnership, linked.process, linkedProjection));
      await assignReference(tx, linked.id, partnership.def.timeZone);
      await appendHistory(tx, ownerOf(linked.id, partnership, linked.process), [linked.step]);
    }
    await appendHistory(tx, ownerOf(caseId, partnership, process), steps);
    await writeProjection(tx, caseId, projection, before);
    for (const linked of started) await writeProjection(tx, linked.id, project(partnership, linked.process, [linked.step])!, NOTHING_CACHED);
    await this.onCommit?.(tx, { partnership, process, caseId, previousState: history.at(-1)?.to ?? null, projection, history: [...history, ...steps] });
  }
}

function ownerOf(caseId: string, partnership: CompiledPartnership, process: CompiledProcess) {
  return { caseId, partnership: partnership.def.id, process: process.def.id, processVersion: process.def.version };
}

function rowOf(id: string, partnership: CompiledPartnership, process: CompiledProcess, projection: Projection): CaseRow {
  return {
    id,
    partnership: partnership.def.id,
    process: process.def.id,
    processVersion: process.def.version,
    state: projection.state,
    final: projection.final,
    version: projection.version,
    data: projection.data,
    createdBy: projection.createdBy,
    createdAt: projection.createdAt,
    updatedAt: projection.updatedAt,
  };
}
