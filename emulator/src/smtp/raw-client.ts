// A minimal line-level SMTP client for tests that must see exact replies (EHLO lists, codes
// before TLS, several concurrent sessions) — things nodemailer hides.
import net from 'node:net';
import tls from 'node:tls';

export class RawSmtp {
  private buf = '';
  private waiting: (() => void) | null = null;
  private constructor(private sock: net.Socket | tls.TLSSocket) {
    this.attach();
  }

  private attach(): void {
    this.sock.setEncoding('utf8');
    this.sock.on('data', (d: string) => {
      this.buf += d;
      this.waiting?.();
    });
  }

  static async open(port: number): Promise<{ conn: RawSmtp; greeting: string }> {
    const sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
    const conn = new RawSmtp(sock);
    return { conn, greeting: await conn.reply() };
  }

  /** Read one complete (possibly multi-line) reply. */
  async reply(): Promise<string> {
    for (;;) {
      const lines = this.buf.split('\r\n');
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3} /.test(lines[i]!)) {
          const out = lines.slice(0, i + 1).join('\r\n');
          this.buf = lines.slice(i + 1).join('\r\n');
          return out;
        }
      }
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
      this.waiting = null;
    }
  }

  async cmd(line: string): Promise<string> {
    this.sock.write(`${line}\r\n`);
    return this.reply();
  }

  async startTls(ca: string): Promise<void> {
    const r = await this.cmd('STARTTLS');
    if (!r.startsWith('220')) throw new Error(r);
    this.sock.removeAllListeners('data');
    const secure = tls.connect({ socket: this.sock as net.Socket, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    this.sock = secure;
    this.buf = '';
    this.attach();
  }

  static xoauth2(user: string, token: string): string {
    return Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');
  }

  close(): void {
    this.sock.destroy();
  }
}
