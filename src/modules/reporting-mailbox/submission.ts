// What a submission in the reporting mailbox says: who reported (its sender), which report type
// Microsoft put in its subject, and where the reported message is (the attached original).
//
// Microsoft's format for reports sent to a reporting mailbox (Defender's user reported settings):
// the reported message attached unmodified as one .eml (Graph: an itemAttachment, or a
// fileAttachment named .eml / typed message/rfc822), its original headers kept; the subject starts
// with the report type — `1|` or `Junk:`, `2|` or `Not junk:`, `3|` or `Phishing:`.
import { MAX_MESSAGE_BYTES } from '../report-addin/intake.js';
import type { MailboxGraph } from './mailbox-graph.js';

export interface GraphMessage {
  id: string;
  subject?: string | null;
  from?: { emailAddress?: { address?: string | null } | null } | null;
  sender?: { emailAddress?: { address?: string | null } | null } | null;
  '@removed'?: unknown;
}

interface GraphAttachment {
  '@odata.type'?: string;
  id: string;
  name?: string | null;
  contentType?: string | null;
  size?: number;
}

const PREFIXES: [RegExp, string][] = [
  [/^\s*(?:1\s*\||junk\s*:)/i, 'Junk'],
  [/^\s*(?:2\s*\||not\s+junk\s*:)/i, 'Not junk'],
  [/^\s*(?:3\s*\||phish(?:ing)?\s*:)/i, 'Phishing'],
];

/** The report type Microsoft wrote at the start of the subject, or null (a plain forward). */
export function reportingOptionOf(subject: string | null | undefined): string | null {
  for (const [re, option] of PREFIXES) if (re.test(subject ?? '')) return option;
  return null;
}

export const senderOf = (m: GraphMessage): string | null =>
  (m.from?.emailAddress?.address ?? m.sender?.emailAddress?.address ?? '').trim().toLowerCase() || null;

export type Extracted = { eml: Buffer } | { refused: string };

/** The attached original as raw MIME, or why there is none Baitwise can take. */
export async function attachedOriginal(mbx: MailboxGraph, messageId: string): Promise<Extracted> {
  const path = `${mbx.base}/messages/${encodeURIComponent(messageId)}/attachments`;
  // without contentBytes: the bytes come once, through $value
  const list = await mbx.get<{ value?: GraphAttachment[] }>(`${path}?$select=id,name,contentType,size`);
  const atts = list.value ?? [];
  const isItem = (a: GraphAttachment) => /itemAttachment$/i.test(a['@odata.type'] ?? '');
  const isEml = (a: GraphAttachment) =>
    /fileAttachment$/i.test(a['@odata.type'] ?? '') &&
    (/\.eml$/i.test(a.name ?? '') || /^message\/rfc822/i.test(a.contentType ?? ''));
  const chosen = atts.find(isItem) ?? atts.find(isEml);
  if (!chosen) {
    return atts.some((a) => /\.msg$/i.test(a.name ?? ''))
      ? { refused: 'the reported message is attached as .msg (Outlook format); only .eml is read' }
      : { refused: 'no reported message is attached' };
  }
  if ((chosen.size ?? 0) > MAX_MESSAGE_BYTES) return { refused: 'the attached message is larger than 25 MB' };
  const eml = await mbx.bytes(`${path}/${encodeURIComponent(chosen.id)}/$value`);
  if (eml.length === 0) return { refused: 'the attached message is empty' };
  if (eml.length > MAX_MESSAGE_BYTES) return { refused: 'the attached message is larger than 25 MB' };
  return { eml };
}
