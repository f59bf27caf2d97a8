// Control endpoints for mail (test and demo plumbing, not Microsoft APIs): inspect mailboxes and
// the outbox, inject a message (e.g. a phishing mail for a user to report), expire delta tokens.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { flushDeferred, pending } from '../mail/deferred.js';
import { completeHeaders, storeMessage } from '../mail/deliver.js';
import { resolveAnyFolder } from '../mail/folders.js';
import { composeMime, newMessageId } from '../mail/mime.js';
import { userByAddress } from '../mail/state.js';
import type { MailMessage, Store } from '../model.js';
import { registerReportingControl } from './control-reporting.js';

function view(store: Store, m: MailMessage) {
  const mailbox = store.users.get(m.mailboxUserId);
  return {
    id: m.id,
    restId: m.restId,
    ewsId: m.ewsId,
    mailbox: mailbox?.userPrincipalName ?? null,
    folder: m.folder,
    subject: m.subject,
    from: m.from,
    toRecipients: m.toRecipients,
    ccRecipients: m.ccRecipients,
    bccRecipients: m.bccRecipients,
    receivedDateTime: m.receivedDateTime,
    internetMessageId: m.internetMessageId,
    internetMessageHeaders: m.internetMessageHeaders,
    body: m.body,
    isDraft: m.isDraft,
    mime: m.mime,
  };
}

const problem = (error: string, message: string) => ({ error, message });

interface InjectBody {
  mime?: string;
  mimeBase64?: string;
  folder?: string;
  from?: string | { name?: string; address: string };
  to?: string[];
  subject?: string;
  text?: string;
  html?: string;
  headers?: Record<string, string> | { name: string; value: string }[];
}

export function registerMailControl(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  app.get<{ Params: { upn: string }; Querystring: { folder?: string } }>(
    '/_emulator/mailboxes/:upn/messages',
    async (req, reply) => {
      await flushDeferred(store);
      const u = userByAddress(store, req.params.upn);
      if (!u) return reply.code(404).send(problem('not_found', `No user '${req.params.upn}'.`));
      const folder = req.query.folder ? resolveAnyFolder(store, u.id, req.query.folder) : null;
      if (req.query.folder && !folder)
        return reply.code(400).send(problem('bad_folder', `Unknown folder '${req.query.folder}'.`));
      const value = [...store.messages.values()]
        .filter((m) => m.mailboxUserId === u.id && (folder === null || m.folder === folder))
        .map((m) => view(store, m));
      return { value };
    },
  );

  app.post<{ Params: { upn: string }; Body: InjectBody | string }>(
    '/_emulator/mailboxes/:upn/messages',
    async (req, reply) => {
      const u = userByAddress(store, req.params.upn);
      if (!u) return reply.code(404).send(problem('not_found', `No user '${req.params.upn}'.`));
      if (!u.hasMailbox) return reply.code(409).send(problem('no_mailbox', `User '${req.params.upn}' has no mailbox.`));
      const b: InjectBody = typeof req.body === 'string' ? { mime: req.body } : (req.body ?? {});
      const folder = b.folder ? resolveAnyFolder(store, u.id, b.folder) : 'inbox';
      if (!folder) return reply.code(400).send(problem('bad_folder', `Unknown folder '${b.folder}'.`));
      let mime = b.mime ?? (b.mimeBase64 ? Buffer.from(b.mimeBase64, 'base64').toString('utf8') : undefined);
      if (!mime) {
        const from = typeof b.from === 'string' ? { name: '', address: b.from } : b.from;
        if (!from?.address)
          return reply.code(400).send(problem('bad_request', 'Give `mime`, `mimeBase64` or at least `from`.'));
        const headers = Array.isArray(b.headers)
          ? b.headers
          : Object.entries(b.headers ?? {}).map(([name, value]) => ({ name, value }));
        const to = (b.to ?? [u.mail ?? u.userPrincipalName]).map((address) => ({ name: '', address }));
        mime = await composeMime({
          from: { name: from.name ?? '', address: from.address },
          to,
          cc: [],
          bcc: [],
          replyTo: [],
          subject: b.subject ?? '',
          body:
            b.html !== undefined
              ? { contentType: 'html', content: b.html }
              : { contentType: 'text', content: b.text ?? '' },
          headers,
          attachments: [],
          date: new Date(store.clock.now()),
          messageId: newMessageId(),
        });
      }
      const m = await storeMessage(store, u, folder, completeHeaders(store, mime));
      return reply.code(201).send(view(store, m));
    },
  );

  app.get('/_emulator/outbox', async () => {
    await flushDeferred(store);
    return { value: store.outbox, pendingSmtp: pending(store) };
  });

  app.delete('/_emulator/outbox', async (_req, reply) => {
    store.outbox.length = 0;
    return reply.code(204).send();
  });

  app.post('/_emulator/delta/invalidate', async () => {
    // every /users/delta and messages/delta token issued so far answers 400 syncStateNotFound from now on
    store.deltaTokensValidFromSeq = store.nextSeq();
    return { deltaTokensValidFromSeq: store.deltaTokensValidFromSeq };
  });

  registerReportingControl(app, ctx);
}
