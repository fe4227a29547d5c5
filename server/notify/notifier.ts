/**
 * Being told: writes a person's notifications, and their email jobs (the outbox), in the transaction
 * that causes them: the transition that makes a case wait for their role (a CommitHook of the case
 * service), or the reminder check of a deadline coming due or become overdue. Each notification has
 * a key naming its cause and person, unique in the table, so a cause tells a person once however
 * often it is seen (a reminder check every minute, a restart).
 *
 * What is stored, and so what an email can carry, is never the case's own text: its reference, the
 * stage's and deadline's labels and the roles' labels (all from the configuration), and dates.
 */
import type { CommitHook } from '../cases/service.ts';
import { mayRead } from '../cases/access.ts';
import type { Clock } from '../clock.ts';
import { processVersion, type Catalogue, type CompiledPartnership, type CompiledProcess } from '../engine/catalogue.ts';
import { DEFAULT_REMINDER_WORKING_DAYS, newlyWaitingRecipients, recipientsFor, reminderKind, type Person } from '../engine/notifications.ts';
import { roleLabel, waitingRoles } from '../engine/waiting.ts';
import { nextDeadline } from '../engine/waiting.ts';
import type { Connection, Database } from '../store/database.ts';

/** Someone who can be told: their partnership, roles and perhaps an email address. */
export interface Addressee extends Person {
  partnership: string;
  email?: string;
}

export interface NotifierOptions {
  people: readonly Addressee[];
  clock: Clock;
  /** Emails are queued only when there is a mail server to send them (SMTP_URL). */
  email: boolean;
}

interface NotificationRow {
  key: string;
  recipient: string;
  partnership: string;
  caseId: string;
  kind: 'waiting' | 'due-soon' | 'overdue';
  reference: string | null;
  stage: string;
  waitingFor: string;
  deadlineLabel: string | null;
  due: string | null;
}

export class Notifier {
  private readonly byPartnership = new Map<string, Addressee[]>();
  private readonly emails = new Map<string, string>();

  constructor(private readonly options: NotifierOptions) {
    for (const person of options.people) {
      this.byPartnership.set(person.partnership, [...(this.byPartnership.get(person.partnership) ?? []), person]);
      if (person.email !== undefined) this.emails.set(person.username, person.email);
    }
  }

  /** The case service's hook: tells the people a committed transition now waits for. */
  readonly onCommit: CommitHook = async (tx, { partnership, process, caseId, previousState, projection, history }) => {
    const participants = history.map((h) => h.by);
    const last = history.at(-1);
    const recipients = newlyWaitingRecipients(
      process,
      previousState,
      projection,
      this.byPartnership.get(partnership.def.id) ?? [],
      (person) => mayRead(process, person, { createdBy: projection.createdBy, state: projection.state, participants }),
      last?.by,
    );
    if (recipients.length === 0) return;
    const reference = await referenceOf(tx, caseId);
    const next = nextDeadline(projection.deadlines, this.options.clock.today(partnership.def.timeZone), projection.final);
    const waiting = waitingLabels(partnership, process, projection.state);
    for (const r of recipients) {
      await this.write(tx, {
        key: `waiting:${caseId}:${last?.seq ?? 0}:${r.username}`,
        recipient: r.username,
        partnership: partnership.def.id,
        caseId,
        kind: 'waiting',
        reference,
        stage: process.def.states[projection.state]?.label ?? projection.state,
        waitingFor: waiting,
        deadlineLabel: next?.label ?? null,
        due: next?.due ?? null,
      });
    }
  };

  /**
   * Reminds the people an open case waits for of each open deadline: from the partnership's
   * `reminders.workingDaysBefore` working days before it is due, and once it is overdue; once each
   * (per deadline, due date and person). Returns how many notifications it wrote.
   */
  async checkReminders(db: Database, catalogue: Catalogue): Promise<number> {
    let written = 0;
    for (const partnership of catalogue.partnerships.values()) {
      const today = this.options.clock.today(partnership.def.timeZone);
      const before = partnership.def.reminders?.workingDaysBefore ?? DEFAULT_REMINDER_WORKING_DAYS;
      const rows = await db.reader.all<{ case_id: string; id: string; label: string; due: string; process: string; process_version: number; state: string; created_by: string }>(
        `SELECT d.case_id, d.id, d.label, d.due, c.process, c.process_version, c.state, c.created_by
           FROM deadlines d JOIN cases c ON c.id = d.case_id
          WHERE c.partnership = ? AND c.final = 0 AND d.met IS NULL AND d.satisfied_by IS NOT NULL
          ORDER BY d.case_id, d.id`,
        [partnership.def.id],
      );
      for (const row of rows) {
        let from: string;
        try {
          from = partnership.calendar.addWorkingDays(row.due, -before);
        } catch {
          continue; // a date beyond the calendar's years: no reminder can be worked out
        }
        const kind = reminderKind(today, row.due, from);
        if (kind === undefined) continue;
        const process = processVersion(partnership, row.process, row.process_version)?.process;
        if (process === undefined) continue;
        const participants = (await db.reader.all<{ by: string }>('SELECT DISTINCT by FROM history WHERE case_id = ?', [row.case_id])).map((h) => h.by);
        const recipients = recipientsFor(waitingRoles(process, row.state), row.created_by, this.byPartnership.get(partnership.def.id) ?? [], (person) =>
          mayRead(process, person, { createdBy: row.created_by, state: row.state, participants }),
        );
        const keyOf = (username: string) => `${kind}:${row.case_id}:${row.id}:${row.due}:${username}`;
        // Most minutes tell nobody anything new: look before taking the write lock.
        const told = new Set(
          (await db.reader.all<{ recipient: string }>(`SELECT recipient FROM notifications WHERE key IN (${recipients.map(() => '?').join(', ')})`, recipients.map((r) => keyOf(r.username)))).map((n) => n.recipient),
        );
        if (recipients.every((r) => told.has(r.username))) continue;
        written += await db.transaction(async (tx) => {
          const reference = await referenceOf(tx, row.case_id);
          let n = 0;
          for (const r of recipients) {
            n += await this.write(tx, {
              key: keyOf(r.username),
              recipient: r.username,
              partnership: partnership.def.id,
              caseId: row.case_id,
              kind,
              reference,
              stage: process.def.states[row.state]?.label ?? row.state,
              waitingFor: waitingLabels(partnership, process, row.state),
              deadlineLabel: row.label,
              due: row.due,
            });
          }
          return n;
        });
      }
    }
    return written;
  }

  /** Writes one notification (unless its key is there already) and its email job. 1 when written. */
  private async write(tx: Connection, n: NotificationRow): Promise<number> {
    const now = this.options.clock.now();
    const inserted = await tx.get<{ id: number }>(
      `INSERT INTO notifications (key, recipient, partnership, case_id, kind, reference, stage, waiting_for, deadline_label, due, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING id`,
      [n.key, n.recipient, n.partnership, n.caseId, n.kind, n.reference, n.stage, n.waitingFor, n.deadlineLabel, n.due, now],
    );
    if (inserted === undefined) return 0;
    const email = this.emails.get(n.recipient);
    if (this.options.email && email !== undefined) {
      await tx.run(
        `INSERT INTO outbox (notification_id, email, message_id, state, attempts, next_attempt_at) VALUES (?, ?, ?, 'pending', 0, ?)`,
        [inserted.id, email, `<notification-${inserted.id}.${n.caseId}@workflows.invalid>`, Date.now()],
      );
    }
    return 1;
  }
}

async function referenceOf(tx: Connection, caseId: string): Promise<string | null> {
  return (await tx.get<{ reference: string | null }>('SELECT reference FROM cases WHERE id = ?', [caseId]))?.reference ?? null;
}

/** "the Independent Person" / "the Statutory partner or the Partnership business unit". */
function waitingLabels(partnership: CompiledPartnership, process: CompiledProcess, state: string): string {
  return waitingRoles(process, state)
    .map((role) => roleLabel(partnership.def, role))
    .join(' or ');
}
