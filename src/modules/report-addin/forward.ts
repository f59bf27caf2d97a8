// Sending the Defender-format forward (defender.ts) from the reporter's mailbox. Graph's sendMail
// takes at most 4 MB of JSON, so a reported message up to FORWARD_MAX_BYTES goes in one sendMail
// (saveToSentItems false); a larger one (up to the 25 MB Baitwise accepts) as Microsoft documents
// for large attachments: a draft (POST /me/messages), an upload session for the .eml
// (…/attachments/createUploadSession), its bytes PUT in ranges to the session's URL, then
// POST /me/messages/{id}/send. That way Outlook keeps the forward in the reporter's Sent Items
// (…/send has no saveToSentItems). Every call retries 429/503 after Retry-After (lib/outbound.ts).
import type { Cloud } from '../../microsoft/clouds.js';
import { type GraphClient, GraphError } from '../../microsoft/graph.js';
import { defenderForward, defenderMessage, FORWARD_MAX_BYTES, REPORTED_EML_NAME } from './defender.js';

/** 12 × 320 KiB: under Outlook's 4 MB a range, and a multiple of the 320 KiB other Graph upload sessions require. */
export const UPLOAD_CHUNK_BYTES = 12 * 320 * 1024;

export interface ForwardInput {
  securityMailbox: string;
  subject: string | null;
  option: string | null;
  eml: Buffer;
  reporter: string;
}

export async function sendDefenderForward(
  graph: GraphClient,
  cloud: Cloud,
  token: string,
  input: ForwardInput,
): Promise<'sendMail' | 'uploadSession'> {
  if (input.eml.length <= FORWARD_MAX_BYTES) {
    await graph.request(cloud, token, 'POST', '/me/sendMail', defenderForward(input));
    return 'sendMail';
  }
  const created = await graph.request(cloud, token, 'POST', '/me/messages', defenderMessage(input));
  const draftId = (JSON.parse(created.bytes.toString('utf8')) as { id?: string }).id;
  if (!draftId) throw new GraphError(502, 'no_draft_id', 'Graph created the draft without an id.');
  const draftPath = `/me/messages/${encodeURIComponent(draftId)}`;
  const session = await graph.request(cloud, token, 'POST', `${draftPath}/attachments/createUploadSession`, {
    AttachmentItem: {
      attachmentType: 'file',
      name: REPORTED_EML_NAME,
      size: input.eml.length,
      contentType: 'message/rfc822',
    },
  });
  const { uploadUrl } = JSON.parse(session.bytes.toString('utf8')) as { uploadUrl?: string };
  if (!uploadUrl) throw new GraphError(502, 'no_upload_url', 'Graph created the upload session without a URL.');
  let start = 0;
  for (;;) {
    const chunk = input.eml.subarray(start, start + UPLOAD_CHUNK_BYTES);
    const answer = await graph.uploadRange(uploadUrl, chunk, start, input.eml.length);
    if (answer.nextExpected === null) break;
    // The session says where to go on (a range it already had is not sent twice).
    if (answer.nextExpected <= start || answer.nextExpected >= input.eml.length)
      throw new GraphError(502, 'upload_out_of_step', `The upload session expects byte ${answer.nextExpected}.`);
    start = answer.nextExpected;
  }
  await graph.request(cloud, token, 'POST', `${draftPath}/send`);
  return 'uploadSession';
}
