// The upload URL of an Outlook attachment upload session (createUploadSession in drafts.ts). In
// Microsoft 365 it is an opaque, pre-authenticated URL on outlook.office.com (an `authtoken` in the
// query, no Authorization header); here it is /outlook/api/v2.0/… on the emulator's origin.
// PUT takes the file's bytes in order (Content-Range `bytes start-end/total`, at most 4 MB a
// range): 200 with nextExpectedRanges until the last range, which answers 201 with a Location
// naming the new attachment. DELETE cancels (204). Errors use Outlook REST's {error:{code,message}}.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { completeUpload, UPLOAD_SESSION_MAX_BYTES, type UploadSession, uploadSessions } from './drafts.js';

/** The most one PUT may carry ("up to 4 MB each time"). */
export const MAX_RANGE_BYTES = 4 * 1024 * 1024;

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply
    .code(status)
    .header('content-type', 'application/json')
    .send(JSON.stringify({ error: { code, message } }));
}

function sessionOf(ctx: EmulatorContext, request: FastifyRequest): UploadSession | 'unknown' | 'unauthorized' {
  const m = /AttachmentSessions\('([^']+)'\)/.exec(decodeURIComponent(request.url));
  const s = m ? uploadSessions(ctx.store).get(m[1]!) : undefined;
  if (!s) return 'unknown';
  const token = new URL(request.url, 'http://x').searchParams.get('authtoken');
  if (token !== s.token || ctx.store.clock.now() > s.expiresAt) return 'unauthorized';
  return s;
}

function context(s: UploadSession): string {
  return `https://outlook.office.com/api/v2.0/$metadata#Users('${s.mailboxUserId}')/Messages('${s.draftId}')/AttachmentSessions/$entity`;
}

export async function registerUploadSessions(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: UPLOAD_SESSION_MAX_BYTES }, (_r, body, done) =>
      done(null, body),
    );
    scope.put('/outlook/api/v2.0/*', async (request, reply) => {
      const s = sessionOf(ctx, request);
      if (s === 'unknown') return fail(reply, 404, 'ErrorItemNotFound', 'The upload session was not found.');
      if (s === 'unauthorized')
        return fail(reply, 401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(request.headers['content-range'] ?? '').trim());
      if (!range)
        return fail(
          reply,
          400,
          'ErrorInvalidRequest',
          "The Content-Range header must read 'bytes {start}-{end}/{total}'.",
        );
      const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
      if (total !== s.size)
        return fail(
          reply,
          400,
          'ErrorInvalidRequest',
          `The total in Content-Range (${total}) is not the size the upload session was created for (${s.size}).`,
        );
      if (end < start || end >= total)
        return fail(reply, 400, 'ErrorInvalidRequest', 'The Content-Range is not a range within the file.');
      if (end - start + 1 > MAX_RANGE_BYTES)
        return fail(reply, 413, 'ErrorRequestEntityTooLarge', 'A range may carry at most 4 MB.');
      if (body.length !== end - start + 1)
        return fail(
          reply,
          400,
          'ErrorInvalidRequest',
          `The body has ${body.length} bytes but Content-Range announces ${end - start + 1}.`,
        );
      if (start !== s.next)
        return fail(
          reply,
          416,
          'ErrorInvalidRequest',
          `The range must start at the next expected byte, ${s.next}: bytes are uploaded in order.`,
        );
      s.chunks.push(body);
      s.next = end + 1;
      if (s.next < s.size) {
        return reply
          .code(200)
          .header('content-type', 'application/json')
          .send(
            JSON.stringify({
              '@odata.context': context(s),
              ExpirationDateTime: new Date(s.expiresAt).toISOString(),
              nextExpectedRanges: [String(s.next)],
            }),
          );
      }
      uploadSessions(ctx.store).delete(s.id);
      const a = await completeUpload(s);
      if (!a) return fail(reply, 404, 'ErrorItemNotFound', 'The message the upload session belongs to is gone.');
      const base = request.url.replace(/\/AttachmentSessions\(.*$/, '');
      const host = request.headers.host ? `http://${request.headers.host}` : '';
      return reply.code(201).header('location', `${host}${base}/Attachments('${a.id}')`).send();
    });
    scope.delete('/outlook/api/v2.0/*', async (request, reply) => {
      const s = sessionOf(ctx, request);
      if (s === 'unknown') return fail(reply, 404, 'ErrorItemNotFound', 'The upload session was not found.');
      if (s === 'unauthorized')
        return fail(reply, 401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
      uploadSessions(ctx.store).delete(s.id);
      return reply.code(204).send();
    });
  });
}
