/**
 * The outbox worker: sends the email jobs the notifier wrote, one at a time, retrying with back-off.
 *
 * A job is claimed (pending → sending, attempts + 1) in a transaction of its own before the mail
 * server is spoken to, then marked `sent`, or put back `pending` with its next attempt after
 * base × 2^(attempts − 1) (capped at an hour) when the mail server refuses or cannot be reached;
 * after MAX_ATTEMPTS it is `failed`. The in-app notification is there whatever happens to its email.
 *
 * **Several servers.** Every server on one PostgreSQL database runs a worker over the same outbox.
 * A claim is one conditional UPDATE (`WHERE state = 'pending'`), so of two workers reaching one job
 * exactly one gets it and the other moves on. The claim records which worker holds it and a lease
 * (until when): a `sending` job is another server's email in flight while its lease holds, and is
 * left alone; only one whose lease ran out (the server holding it died) is taken as cut off.
 *
 * **At most once.** A crash between the mail server accepting a message and the job being marked
 * sent leaves the job `sending`; nobody can know whether it went, so once its lease has run out it
 * is marked `unknown` rather than sent again: no email is ever sent twice, and one whose send the
 * crash cut off may be lost (the window is the time of one SMTP exchange; the person still sees the
 * notification in the app). Every message also carries a Message-ID made from its job, the same on
 * every attempt, so a mail system that does receive a message twice (an SMTP reply lost in the
 * network) can tell.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '../store/database.ts';
import { emailOf, type Mailer } from './mailer.ts';

export const MAX_ATTEMPTS = 12;
const MAX_BACKOFF_MS = 60 * 60_000;
/**
 * How long a claim holds. Longer than any one SMTP exchange can last (nodemailer's longest default
 * timeout, the socket's, is 10 minutes), so a live server's send is never taken for a dead one's.
 * Its length only delays when a cut-off job is reported `unknown`: such a job is never resent.
 * Servers compare it with their own clocks, which need agree only to well within this.
 */
const CLAIM_LEASE_MS = 15 * 60_000;
/** How often a running worker looks for claims whose lease ran out (another server died). */
const EXPIRED_CLAIM_SWEEP_MS = 60_000;

export interface WorkerOptions {
  db: Database;
  mailer: Mailer;
  /** The service's own address, for the link to the case (PUBLIC_URL, or the address it listens on). */
  publicUrl: () => string;
  /** The first retry's wait; each later one doubles it. */
  retryBaseMs?: number;
  /** How often pending jobs are looked for. */
  pollMs?: number;
  /** How often claims whose lease ran out are looked for (PostgreSQL). */
  sweepMs?: number;
  log: (line: string) => void;
}

interface Job {
  id: number;
  email: string;
  message_id: string;
  attempts: number;
  case_id: string;
  kind: string;
  reference: string | null;
  stage: string;
  waiting_for: string;
  deadline_label: string | null;
  due: string | null;
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private nextSweepAt = 0;
  /** Names this worker's claims: unique per process start, readable in the table (host and pid). */
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID()}`;

  constructor(private readonly options: WorkerOptions) {}

  /** Jobs cut off by a crash become `unknown` (never resent), then sending begins. */
  async start(): Promise<void> {
    await this.markCutOffJobs(true);
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 500);
    this.timer.unref();
    this.kick();
  }

  /** Sends what is due now, unless a round is already running. */
  kick(): void {
    if (this.stopped || this.running !== undefined) return;
    this.running = this.drain()
      .catch((error: unknown) => this.options.log(`outbox: ${(error as Error).message}`))
      .finally(() => {
        this.running = undefined;
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    this.options.mailer.close();
  }

  /**
   * A `sending` job whose server died becomes `unknown`. On PostgreSQL that is a claim whose lease
   * ran out: a job claimed by a server still running is its to finish. A SQLite file is held by one
   * server, so at its start every `sending` job was the previous run's, cut off by its end.
   */
  private async markCutOffJobs(atStart: boolean): Promise<void> {
    const { db } = this.options;
    const now = Date.now();
    this.nextSweepAt = now + (this.options.sweepMs ?? EXPIRED_CLAIM_SWEEP_MS);
    const { changes } = await db.transaction((tx) =>
      db.dialect === 'sqlite' && atStart
        ? tx.run("UPDATE outbox SET state = 'unknown', last_error = 'in flight when the server stopped' WHERE state = 'sending'")
        : tx.run("UPDATE outbox SET state = 'unknown', last_error = 'in flight when the server holding it stopped' WHERE state = 'sending' AND (lease_until IS NULL OR lease_until < ?)", [now]),
    );
    if (changes > 0) this.options.log(`${changes} email(s) were being sent when a server stopped; they are not sent again (at most once)`);
  }

  private async drain(): Promise<void> {
    const { db } = this.options;
    if (db.dialect === 'postgres' && Date.now() >= this.nextSweepAt) await this.markCutOffJobs(false);
    while (!this.stopped) {
      const job = await db.transaction(async (tx) => {
        const next = await tx.get<Job>(
          `SELECT o.id, o.email, o.message_id, o.attempts, n.case_id, n.kind, n.reference, n.stage, n.waiting_for, n.deadline_label, n.due
             FROM outbox o JOIN notifications n ON n.id = o.notification_id
            WHERE o.state = 'pending' AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.id LIMIT 1`,
          [Date.now()],
        );
        if (next === undefined) return undefined;
        const claimed = await tx.run(
          "UPDATE outbox SET state = 'sending', attempts = attempts + 1, claimed_by = ?, lease_until = ? WHERE id = ? AND state = 'pending'",
          [this.workerId, Date.now() + CLAIM_LEASE_MS, next.id],
        );
        // Another server on the same database claimed it first (PostgreSQL): it is theirs to send.
        return claimed.changes === 1 ? next : null;
      });
      if (job === undefined) return;
      if (job === null) continue;
      const link = `${this.options.publicUrl().replace(/\/$/, '')}/cases/${job.case_id}`;
      const { subject, text } = emailOf({ kind: job.kind, reference: job.reference, stage: job.stage, waitingFor: job.waiting_for, deadlineLabel: job.deadline_label, due: job.due, link });
      try {
        await this.options.mailer.send({ to: job.email, messageId: job.message_id, subject, text });
      } catch (error) {
        const attempts = job.attempts + 1;
        const wait = Math.min(MAX_BACKOFF_MS, (this.options.retryBaseMs ?? 5_000) * 2 ** (attempts - 1));
        const state = attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
        await db.transaction((tx) =>
          tx.run('UPDATE outbox SET state = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND claimed_by = ?', [
            state,
            Date.now() + wait,
            String((error as Error).message).slice(0, 500),
            job.id,
            this.workerId,
          ]),
        );
        this.options.log(`outbox: email ${job.id} not sent (attempt ${attempts}${state === 'failed' ? ', giving up' : `, next in ${Math.round(wait / 1000)} s`})`);
        continue;
      }
      // Only the claim's holder finishes it; `sent` even if its lease ran out meanwhile, since it went.
      await db.transaction((tx) => tx.run("UPDATE outbox SET state = 'sent', sent_at = ? WHERE id = ? AND claimed_by = ?", [new Date().toISOString(), job.id, this.workerId]));
    }
  }
}
