/**
 * Email through nodemailer, to the mail server SMTP_URL names (`smtp://mail.example:25`,
 * `smtps://user:pass@mail.example:465`). The message is built from a notification's stored parts
 * alone, none of which is the case's own text (see notifier.ts): its reference, stage, who is waited
 * for, the deadline's label and due date, and a link to the case.
 */
import nodemailer from 'nodemailer';
import { formatUkDate } from './format.ts';

export interface MailMessage {
  to: string;
  messageId: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function smtpMailer(smtpUrl: string, from = 'Safeguarding partnership workflows <no-reply@workflows.invalid>'): Mailer {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error(`SMTP_URL "${smtpUrl}" is not a URL; give smtp://host:port (for example smtp://mail.example:25)`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error(`SMTP_URL must start smtp:// or smtps://, not ${url.protocol}//`);
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, messageId: message.messageId });
    },
    close: () => transport.close(),
  };
}

export interface NotificationParts {
  kind: string;
  reference: string | null;
  stage: string;
  waitingFor: string;
  deadlineLabel: string | null;
  due: string | null;
  link: string;
}

/** The email of a notification: its parts, never case text. */
export function emailOf(n: NotificationParts): { subject: string; text: string } {
  const ref = n.reference ?? 'A case';
  const dueLine = n.due === null ? 'There is no deadline open.' : `${n.deadlineLabel ?? 'The next deadline'}: due by ${formatUkDate(n.due)}.`;
  const headline =
    n.kind === 'overdue'
      ? `${ref} is overdue`
      : n.kind === 'due-soon'
        ? `${ref} is due by ${n.due === null ? 'soon' : formatUkDate(n.due)}`
        : `${ref} is waiting for ${n.waitingFor}`;
  const text = [
    headline + '.',
    '',
    `Reference: ${ref}`,
    `Stage: ${n.stage}`,
    `Waiting for: ${n.waitingFor}`,
    dueLine,
    '',
    `Open the case (sign in first): ${n.link}`,
    '',
    'This email says only where the case is. Its details stay in the service.',
  ].join('\n');
  return { subject: headline, text };
}
