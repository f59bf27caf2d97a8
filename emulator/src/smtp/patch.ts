// Two wire details of Exchange Online that smtp-server cannot be configured for:
//  1. replies carry Exchange's exact enhanced status codes (535 5.7.3, 550 5.7.60, 554 5.2.0 …)
//     while smtp-server would prefix its own generic one — when our message already starts with
//     an enhanced code, send it without another;
//  2. EHLO before STARTTLS does not advertise AUTH (MICROSOFT.md §4) and AUTH before TLS answers
//     "504 5.7.4 Unrecognized authentication type"; after TLS it advertises AUTH LOGIN XOAUTH2.
// Only connections of servers created with `exchangeWire: true` are affected.
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

type SendFn = (code: number, data?: string | string[], context?: unknown) => void;
interface Conn {
  secure: boolean;
  _server: { options: Record<string, unknown> };
}

let patched = false;

export function patchSmtpConnection(): void {
  if (patched) return;
  patched = true;
  const proto = (SMTPConnection as unknown as { prototype: { send: SendFn } }).prototype;
  const original = proto.send;
  proto.send = function (this: Conn, code: number, data?: string | string[], context?: unknown) {
    if (!this._server?.options?.exchangeWire) return original.call(this, code, data, context);
    if (typeof data === 'string' && /^\d\.\d{1,3}\.\d{1,3}( |$)/.test(data)) {
      return original.call(this, code, data, false);
    }
    // Exchange's wording for the positive MAIL FROM / RCPT TO replies
    if (code === 250 && data === 'Accepted' && context === 'MAIL_FROM_OK')
      return original.call(this, code, 'Sender OK', context);
    if (code === 250 && data === 'Accepted' && context === 'RCPT_TO_OK')
      return original.call(this, code, 'Recipient OK', context);
    if (code === 538) return original.call(this, 504, '5.7.4 Unrecognized authentication type', false);
    if (code === 250 && Array.isArray(data) && !this.secure) {
      return original.call(
        this,
        code,
        data.filter((l) => !/^AUTH\b/.test(l)),
        context,
      );
    }
    // After TLS Exchange offers "AUTH LOGIN XOAUTH2"; PLAIN is understood (and refused with 535)
    // but not advertised.
    if (code === 250 && Array.isArray(data)) {
      return original.call(
        this,
        code,
        data.map((l) => (/^AUTH\b/.test(l) ? l.replace(/ PLAIN\b/, '') : l)),
        context,
      );
    }
    return original.call(this, code, data, context);
  };
}
