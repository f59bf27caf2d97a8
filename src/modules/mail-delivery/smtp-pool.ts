// Up to `max` SMTP sessions to one server, shared by the sends of one profile: a send takes an
// idle session (or opens one while there are fewer than `max`, or waits for one), and gives it
// back. A session that broke is dropped; one that has carried `perSession` transactions says QUIT
// and a new one takes its place (some servers limit messages per connection, and a long session
// keeps one TLS key and one server process for hours).
import { SmtpError, type SmtpOptions, SmtpSession } from './smtp-session.js';

export class SmtpPool {
  private readonly idle: SmtpSession[] = [];
  private readonly waiting: (() => void)[] = [];
  private busy = 0;
  private opening = 0;
  private shut = false;

  constructor(
    private readonly opts: SmtpOptions,
    private readonly max: number,
    private readonly perSession = 100,
  ) {}

  /** Sends one message to one recipient; returns the server's acceptance (its reply). */
  async send(from: string, to: string, data: Buffer, params: { smtpUtf8: boolean }): Promise<string> {
    const session = await this.acquire();
    try {
      return await session.send(from, to, data, params);
    } finally {
      this.release(session);
    }
  }

  private async acquire(): Promise<SmtpSession> {
    for (;;) {
      if (this.shut) throw new SmtpError('ECONNECTION', 'The transport is closed');
      const idle = this.idle.pop();
      if (idle) {
        if (idle.closed) continue; // the server hung up (an idle timeout)
        this.busy++;
        return idle;
      }
      if (this.busy + this.opening < this.max) {
        this.opening++;
        try {
          const session = await SmtpSession.open(this.opts);
          this.busy++;
          return session;
        } finally {
          this.opening--;
          // a failed opening leaves room: the next waiter tries its own
          this.waiting.shift()?.();
        }
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(session: SmtpSession) {
    this.busy--;
    if (this.shut || session.closed || session.transactions >= this.perSession) session.quit();
    else this.idle.push(session);
    this.waiting.shift()?.();
  }

  /** Ends every idle session now and every busy one when its send is done. */
  close() {
    this.shut = true;
    for (const s of this.idle.splice(0)) s.quit();
    for (const wake of this.waiting.splice(0)) wake();
  }
}
