// The one delivery path for Graph sendMail and SMTP submissions: recipients that are mailboxes
// of any emulated tenant get an inbox copy, everyone else lands in store.outbox; the sender may
// keep a Sent Items copy. Bcc never survives into delivered MIME (Exchange strips it).
import { randomUUID } from 'node:crypto';
import type { MailMessage, OutboxEntry, Store, User } from '../model.js';
import { noteArrival } from './folders.js';
import { newImmutableId, newItemIds } from './ids.js';
import {
  dropHeader,
  hasHeader,
  newMessageId,
  type ParsedMime,
  parseMime,
  prependHeaders,
  rfc5322Date,
} from './mime.js';
import { indexMessage, logRecipients, userByAddress } from './state.js';

export interface Submission {
  via: 'smtp' | 'graph';
  /** the submitting mailbox (Sent Items copy, daily recipient quota) */
  sender: User | null;
  envelopeFrom: string;
  /** envelope recipients (to + cc + bcc) */
  recipients: string[];
  mime: string;
  saveToSentItems: boolean;
  /** false when the caller already counted the recipients against the daily quota (SMTP) */
  countRecipients?: boolean;
  /** Bcc for the Sent Items copy when the MIME no longer carries it (composed without Bcc) */
  bcc?: { name: string; address: string }[];
}

export interface DeliveryResult {
  delivered: MailMessage[];
  outbox: OutboxEntry | null;
  sentCopy: MailMessage | null;
}

/** ISO time as Graph renders it: seconds precision, Z. */
export const graphTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** Store a MIME message in a mailbox folder, deriving the JSON view from the MIME. */
export async function storeMessage(
  store: Store,
  mailbox: User,
  folder: string,
  mime: string,
  opts: { isDraft?: boolean; bcc?: { name: string; address: string }[]; parsed?: ParsedMime } = {},
): Promise<MailMessage> {
  const p = opts.parsed ?? (await parseMime(mime));
  const id = newImmutableId(mailbox.id);
  const msg: MailMessage = {
    id,
    ...newItemIds(mailbox.id),
    mailboxUserId: mailbox.id,
    folder,
    internetMessageId: p.messageId ?? newMessageId(),
    subject: p.subject,
    from: p.from,
    toRecipients: [...p.to],
    ccRecipients: [...p.cc],
    bccRecipients: [...(opts.bcc ?? p.bcc)],
    receivedDateTime: graphTime(store.clock.now()),
    internetMessageHeaders: [...p.headers],
    body: { ...p.body },
    mime,
    isDraft: opts.isDraft ?? false,
  };
  store.messages.set(id, msg);
  indexMessage(store, msg);
  noteArrival(store, msg);
  return msg;
}

/** Ensure Date and Message-ID exist, as Exchange adds them on submission. */
export function completeHeaders(store: Store, mime: string): string {
  const add: string[] = [];
  if (!hasHeader(mime, 'Date')) add.push(`Date: ${rfc5322Date(store.clock.now())}`);
  if (!hasHeader(mime, 'Message-ID')) add.push(`Message-ID: ${newMessageId()}`);
  return prependHeaders(mime, add);
}

export async function deliver(store: Store, sub: Submission): Promise<DeliveryResult> {
  const now = store.clock.now();
  const mime = completeHeaders(store, sub.mime);
  const clean = dropHeader(mime, 'Bcc');
  const seen = new Set<string>();
  const external: string[] = [];
  const delivered: MailMessage[] = [];
  let parsed: ParsedMime | undefined;
  for (const rcpt of sub.recipients) {
    const key = rcpt.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const u = userByAddress(store, rcpt);
    if (!u?.hasMailbox) {
      external.push(rcpt);
      continue;
    }
    const received = `Received: from ${sub.via === 'smtp' ? 'client (ESMTPSA)' : 'graph.microsoft.com (HTTP)'} by ${
      u.userPrincipalName.split('@')[1] ?? 'mailbox'
    }.mail.protection.outlook.com; ${rfc5322Date(now)}`;
    // parse once per submission; each copy only differs by its Received line
    parsed ??= await parseMime(clean);
    const headers = [{ name: 'Received', value: received.slice('Received: '.length) }, ...parsed.headers];
    delivered.push(
      await storeMessage(store, u, 'inbox', prependHeaders(clean, [received]), { parsed: { ...parsed, headers } }),
    );
  }
  let outbox: OutboxEntry | null = null;
  if (external.length) {
    outbox = { id: randomUUID(), via: sub.via, from: sub.envelopeFrom, to: external, mime: clean, at: now };
    store.outbox.push(outbox);
  }
  let sentCopy: MailMessage | null = null;
  if (sub.sender) {
    if (sub.countRecipients !== false) logRecipients(store, sub.sender.id, seen.size);
    if (sub.saveToSentItems && sub.sender.hasMailbox) {
      const bcc = sub.bcc ?? (await parseMime(mime)).bcc;
      sentCopy = await storeMessage(store, sub.sender, 'sentitems', clean, { bcc, parsed });
    }
  }
  return { delivered, outbox, sentCopy };
}
