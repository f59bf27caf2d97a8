// Control endpoints (test and demo plumbing, not Microsoft APIs) for reporting mailboxes:
// - POST /_emulator/mailboxes/:upn/user-reported — what Outlook's built-in Report button does when
//   Defender's "user reported settings" send reports to a reporting mailbox: a message FROM the
//   reporter TO the reporting mailbox, subject prefixed by the report type, the reported message
//   attached unmodified as message/rfc822 (one .eml, its original headers kept). Microsoft's format
//   for such submissions (MICROSOFT.md §10, submissions-user-reported-messages-custom-mailbox):
//   prefixes `1|`/`Junk:`, `2|`/`Not junk:`, `3|`/`Phishing:`; the word form is used unless
//   `prefix: "numeric"`. The submission travels the normal delivery path (Received header added).
// - POST /_emulator/mailboxes/:upn/permissions — Add-MailboxPermission -AccessRights FullAccess.
// - POST /_emulator/tenants/:tid/application-access-policies — New-ApplicationAccessPolicy.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { accessState, grantFullAccess } from '../mail/access.js';
import { deliver } from '../mail/deliver.js';
import { composeMime, newMessageId, parseMime } from '../mail/mime.js';
import { messageById, userByAddress } from '../mail/state.js';

const PREFIXES = {
  junk: { words: 'Junk: ', numeric: '1|' },
  notJunk: { words: 'Not junk: ', numeric: '2|' },
  phishing: { words: 'Phishing: ', numeric: '3|' },
} as const;
type ReportType = keyof typeof PREFIXES;

const fail = (reply: FastifyReply, status: number, error: string, message: string) =>
  reply.code(status).send({ error, message });

interface ReportedBody {
  reporter?: string;
  /** the reported message's raw MIME, or the immutable/REST id of a message in the reporter's mailbox */
  mime?: string;
  messageId?: string;
  reportType?: string;
  prefix?: 'words' | 'numeric';
}

export function registerReportingControl(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  app.post<{ Params: { upn: string }; Body: ReportedBody }>(
    '/_emulator/mailboxes/:upn/user-reported',
    async (req, reply) => {
      const box = userByAddress(store, req.params.upn);
      if (!box?.hasMailbox) return fail(reply, 404, 'not_found', `No mailbox '${req.params.upn}'.`);
      const b = req.body ?? {};
      const type = (b.reportType ?? 'phishing') as ReportType;
      if (!(type in PREFIXES)) return fail(reply, 400, 'bad_request', 'reportType must be junk, notJunk or phishing.');
      if (!b.reporter) return fail(reply, 400, 'bad_request', 'reporter (an address) is required.');
      // A reporter outside every tenant is allowed: it stands for a forged or external submission.
      const reporter = userByAddress(store, b.reporter) ?? null;
      let original = b.mime;
      if (!original && b.messageId) {
        const m = messageById(store, b.messageId);
        if (!m || m.mailboxUserId !== reporter?.id) {
          return fail(reply, 404, 'not_found', "messageId names no message in the reporter's mailbox.");
        }
        original = m.mime;
      }
      if (!original) return fail(reply, 400, 'bad_request', 'Give the reported message as mime or messageId.');
      // decoded (RFC 2047), as Outlook shows it; the composer encodes the new subject again
      const subject = (await parseMime(original)).subject;
      const from = reporter
        ? { name: reporter.displayName, address: reporter.mail ?? reporter.userPrincipalName }
        : { name: '', address: b.reporter };
      const to = box.mail ?? box.userPrincipalName;
      const mime = await composeMime({
        from,
        to: [{ name: box.displayName, address: to }],
        cc: [],
        bcc: [],
        replyTo: [],
        subject: `${PREFIXES[type][b.prefix === 'numeric' ? 'numeric' : 'words']}${subject}`,
        body: { contentType: 'text', content: 'This message was reported by the user.' },
        headers: [],
        attachments: [
          {
            filename: `${subject.replace(/[\\/:*?"<>|]/g, '_') || 'message'}.eml`,
            contentType: 'message/rfc822',
            content: Buffer.from(original),
            contentDisposition: 'attachment',
          },
        ],
        date: new Date(store.clock.now()),
        messageId: newMessageId(),
      });
      const r = await deliver(store, {
        via: 'graph',
        sender: reporter,
        envelopeFrom: from.address,
        recipients: [to],
        mime,
        saveToSentItems: false,
      });
      const m = r.delivered[0];
      if (!m) return fail(reply, 500, 'not_delivered', 'The submission was not delivered.');
      return reply
        .code(201)
        .send({ id: m.id, restId: m.restId, subject: m.subject, internetMessageId: m.internetMessageId });
    },
  );

  app.post<{ Params: { upn: string }; Body: { user?: string; accessRights?: string[] } }>(
    '/_emulator/mailboxes/:upn/permissions',
    async (req, reply) => {
      const box = userByAddress(store, req.params.upn);
      if (!box?.hasMailbox) return fail(reply, 404, 'not_found', `No mailbox '${req.params.upn}'.`);
      const user = req.body?.user ? userByAddress(store, req.body.user) : undefined;
      if (!user || user.tenantId !== box.tenantId) {
        return fail(reply, 400, 'bad_request', 'user must name a user of the mailbox’s tenant.');
      }
      const rights = req.body?.accessRights ?? ['FullAccess'];
      if (rights.length !== 1 || rights[0] !== 'FullAccess') {
        return fail(reply, 400, 'bad_request', 'Only accessRights ["FullAccess"] is emulated.');
      }
      grantFullAccess(store, box.id, user.id);
      return reply
        .code(201)
        .send({ mailbox: box.userPrincipalName, user: user.userPrincipalName, accessRights: rights });
    },
  );

  app.post<{ Params: { tid: string }; Body: { appId?: string; accessRight?: string; mailboxes?: string[] } }>(
    '/_emulator/tenants/:tid/application-access-policies',
    async (req, reply) => {
      const t = store.tenantByIdOrDomain(req.params.tid);
      if (!t) return fail(reply, 404, 'not_found', `No tenant '${req.params.tid}'.`);
      const b = req.body ?? {};
      if (!b.appId) return fail(reply, 400, 'bad_request', 'appId is required.');
      if (b.accessRight !== 'RestrictAccess' && b.accessRight !== 'DenyAccess') {
        return fail(reply, 400, 'bad_request', 'accessRight must be RestrictAccess or DenyAccess.');
      }
      const ids = new Set<string>();
      for (const a of b.mailboxes ?? []) {
        const u = userByAddress(store, a);
        if (!u || u.tenantId !== t.id)
          return fail(reply, 400, 'bad_request', `mailboxes: '${a}' is not in the tenant.`);
        ids.add(u.id);
      }
      accessState(store).policies.push({
        tenantId: t.id,
        appId: b.appId,
        accessRight: b.accessRight,
        mailboxUserIds: ids,
      });
      return reply.code(201).send({ appId: b.appId, accessRight: b.accessRight, mailboxes: b.mailboxes ?? [] });
    },
  );
}
