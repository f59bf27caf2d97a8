// The forward Microsoft Defender's "user reported settings" reads from a reporting mailbox when a
// non-Microsoft add-in reports: a new message whose subject starts with the reporter's verdict
// (`1|` junk, `2|` not junk, `3|` phishing) and which carries the reported message, unmodified, as
// one .eml attachment with its original headers. It is sent from the reporter's own mailbox
// with the reporter's token (forward.ts: sendMail, or a draft and an upload session when large),
// so Defender sees who reported.

/** Graph's sendMail takes a JSON request of at most 4 MB: base64 makes 3 MB of message 4 MB. */
export const FORWARD_MAX_BYTES = 3 * 1024 * 1024 - 64 * 1024;

/**
 * The reporter's option decides the verdict: an option naming junk or spam is `1|`, one saying
 * the message is safe or not junk `2|`, anything else (and no option) `3|` phishing — the add-in
 * is a report-phishing button.
 */
export function defenderPrefix(option: string | null | undefined): '1|' | '2|' | '3|' {
  const o = (option ?? '').toLowerCase();
  if (/\bnot (junk|spam)\b|\bsafe\b|\blegitimate\b/.test(o)) return '2|';
  if (/\bjunk\b|\bspam\b/.test(o)) return '1|';
  return '3|';
}

export const REPORTED_EML_NAME = 'reported-message.eml';

interface ForwardParts {
  securityMailbox: string;
  subject: string | null;
  option: string | null;
  reporter: string;
}

/** The forward without its attachment: what a draft is created with (the .eml follows by upload session). */
export function defenderMessage(input: ForwardParts): Record<string, unknown> {
  const subject = input.subject?.trim() || '(no subject)';
  return {
    subject: `${defenderPrefix(input.option)}${subject}`,
    body: {
      contentType: 'Text',
      content: `Reported by ${input.reporter} with the Baitwise report add-in${
        input.option ? ` (${input.option})` : ''
      }. The reported message is attached unmodified.`,
    },
    toRecipients: [{ emailAddress: { address: input.securityMailbox } }],
  };
}

/** The whole forward as one sendMail body, the .eml inline as base64 (small messages only). */
export function defenderForward(input: ForwardParts & { eml: Buffer }): Record<string, unknown> {
  return {
    message: {
      ...defenderMessage(input),
      attachments: [
        {
          '@odata.type': '#microsoft.graph.fileAttachment',
          name: REPORTED_EML_NAME,
          contentType: 'message/rfc822',
          contentBytes: input.eml.toString('base64'),
        },
      ],
    },
    saveToSentItems: false,
  };
}
