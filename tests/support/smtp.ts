import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  to: string[];
  raw: string;
  messageId: string | undefined;
}

/**
 * A real SMTP server on 127.0.0.1 (port 0) that keeps what it accepts. `refuseNext(n)` makes it
 * answer the next n messages with 451 (try again later), as a busy mail server does.
 */
export class TestSmtpServer {
  readonly received: ReceivedEmail[] = [];
  refused = 0;
  private toRefuse = 0;
  private refuseAll = false;
  private constructor(private readonly server: SMTPServer, readonly url: string) {}

  static async start(): Promise<TestSmtpServer> {
    let self: TestSmtpServer | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          if (self!.refuseAll || self!.toRefuse > 0) {
            if (self!.toRefuse > 0) self!.toRefuse--;
            self!.refused++;
            callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
            return;
          }
          const messageId = /^Message-ID:\s*(.+)$/im.exec(raw)?.[1]?.trim();
          self!.received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, messageId });
          callback();
        });
      },
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    const { port } = server.server.address() as AddressInfo;
    self = new TestSmtpServer(server, `smtp://127.0.0.1:${port}`);
    return self;
  }

  refuseNext(n: number): void {
    this.toRefuse = n;
  }

  setRefuseAll(on: boolean): void {
    this.refuseAll = on;
  }

  to(address: string): ReceivedEmail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  close(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

/** Waits until `check` is true (polling), failing with `what` after `ms`. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
