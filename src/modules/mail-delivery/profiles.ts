// Sending profiles of one client: create, edit, delete, test send, resume. Every change and its
// audit entry are one transaction; secrets (SMTP password, DKIM key) are encrypted before they
// are stored and never returned.
import { createPrivateKey } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import type { SendingProfileKind } from '../../db/types.js';
import type { Actor } from '../../http/actor.js';
import type { SecretBox } from '../../lib/crypto.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import { findApp } from '../azure-apps/repository.js';
import { DeliveryError } from './delivery-error.js';
import { type DispatcherDeps, openTransport } from './dispatcher.js';
import { deliveryGuidance } from './guidance.js';
import { buildMime } from './mime.js';
import { profileSecretContext, senderHeaders } from './profile-fields.js';
import * as repo from './repository.js';
import { type ProfileInput, type ProfilePatch, type ProfileView, profileView } from './view.js';

/** Microsoft's limits per mailbox (Exchange Online and Graph); a relay's are the administrator's. */
export const DEFAULT_LIMITS: Record<SendingProfileKind, { perMinute: number; perDay: number; concurrency: number }> = {
  office365: { perMinute: 30, perDay: 10_000, concurrency: 3 },
  graph: { perMinute: 30, perDay: 10_000, concurrency: 4 },
  smtp: { perMinute: 60, perDay: 100_000, concurrency: 4 },
};
/** Exchange allows three concurrent SMTP sessions per mailbox, Graph four concurrent requests. */
const MAX_CONCURRENCY: Partial<Record<SendingProfileKind, number>> = { office365: 3, graph: 4 };

// Headers the message itself sets: a profile may not replace them.
const RESERVED = new Set([
  'from',
  'sender',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'received',
  'return-path',
  'dkim-signature',
  'reply-to',
]);

const TEST_SUBJECT = 'Baitwise test message';

/** The columns an edit writes (with the pause it lifts); never the dispatchers' pace and counters. */
const EDITABLE = [
  'name',
  'from_address',
  'from_name',
  'smtp_host',
  'smtp_port',
  'smtp_security',
  'smtp_tls_verify',
  'smtp_username',
  'smtp_password',
  'dkim_domain',
  'dkim_selector',
  'dkim_private_key',
  'custom_headers',
  'azure_app_id',
  'mailbox',
  'per_minute',
  'per_day',
  'concurrency',
  'learned_per_minute',
  'paused_until',
  'pause_reason',
] as const satisfies readonly (keyof repo.ProfileRow)[];

export class SendingProfileService {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
    private readonly dispatch: DispatcherDeps,
  ) {}

  async list(clientId: string): Promise<ProfileView[]> {
    return (await repo.listProfiles(this.db, clientId)).map((p) => profileView(p));
  }

  async get(clientId: string, profileId: string): Promise<ProfileView> {
    return profileView(await this.row(clientId, profileId));
  }

  async row(clientId: string, profileId: string): Promise<repo.ProfileRow> {
    const p = await repo.findProfile(this.db, clientId, profileId);
    if (!p) throw new NotFoundError('Sending profile');
    return p;
  }

  async create(actor: Actor, clientId: string, input: ProfileInput): Promise<ProfileView> {
    const id = newId();
    const now = nowIso();
    await this.db.transaction().execute(async (trx) => {
      if (await repo.findProfileByName(trx, clientId, input.name.trim()))
        throw new ConflictError('name', 'This client already has a sending profile with this name.');
      const limits = { ...DEFAULT_LIMITS[input.kind], ...input.limits };
      const row: repo.ProfileRow = {
        id,
        client_id: clientId,
        name: input.name.trim(),
        kind: input.kind,
        from_address: null,
        from_name: null,
        smtp_host: null,
        smtp_port: null,
        smtp_security: null,
        smtp_tls_verify: null,
        smtp_username: null,
        smtp_password: null,
        dkim_domain: null,
        dkim_selector: null,
        dkim_private_key: null,
        custom_headers: '[]',
        azure_app_id: null,
        mailbox: null,
        per_minute: limits.perMinute,
        per_day: limits.perDay,
        concurrency: limits.concurrency,
        learned_per_minute: null,
        next_slot_at: now,
        day: now.slice(0, 10),
        day_recipients: 0,
        paused_until: null,
        pause_reason: null,
        throttled_count: 0,
        in_doubt_count: 0,
        created_at: now,
        updated_at: now,
      };
      await this.apply(trx, row, input);
      await repo.insertProfile(trx, row);
      await recordAudit(trx, actor, {
        clientId,
        action: 'sending_profile.create',
        targetType: 'sending_profile',
        targetId: id,
        details: { name: row.name, kind: row.kind },
      });
    });
    return this.get(clientId, id);
  }

  async update(actor: Actor, clientId: string, profileId: string, patch: ProfilePatch): Promise<ProfileView> {
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.findProfile(trx, clientId, profileId);
      if (!row) throw new NotFoundError('Sending profile');
      if (patch.kind !== undefined && patch.kind !== row.kind)
        throw new ValidationError('kind', 'The kind of a sending profile cannot change: create another profile.');
      if (patch.name !== undefined && patch.name.trim() !== row.name) {
        const clash = await repo.findProfileByName(trx, clientId, patch.name.trim());
        if (clash && clash.id !== profileId)
          throw new ConflictError('name', 'This client already has a sending profile with this name.');
      }
      const next = { ...row };
      await this.apply(trx, next, { ...patch, kind: row.kind, name: patch.name ?? row.name });
      // An edit is the administrator acting on what paused the profile: try again.
      Object.assign(next, { paused_until: null, pause_reason: null, learned_per_minute: null });
      // Only what the profile's settings own: the pace, the day's count and the counters belong to
      // the dispatchers, which may be moving them right now.
      const changes = Object.fromEntries(EDITABLE.map((k) => [k, next[k]])) as Partial<repo.ProfileRow>;
      await repo.updateProfile(trx, clientId, profileId, changes);
      await recordAudit(trx, actor, {
        clientId,
        action: 'sending_profile.update',
        targetType: 'sending_profile',
        targetId: profileId,
        details: { changed: Object.keys(patch).sort() },
      });
    });
    return this.get(clientId, profileId);
  }

  /** Fills `row` from the input, validating what a schema cannot (cross-field rules, keys, the app). */
  private async apply(trx: Db, row: repo.ProfileRow, input: ProfilePatch & { kind: SendingProfileKind }) {
    if (input.name !== undefined) row.name = input.name.trim();
    if (input.fromName !== undefined) row.from_name = input.fromName?.trim() || null;
    if (input.fromAddress !== undefined) row.from_address = input.fromAddress?.toLowerCase() ?? null;
    if (input.customHeaders !== undefined) {
      input.customHeaders.forEach((h, i) => {
        if (RESERVED.has(h.name.toLowerCase()) || h.name.toLowerCase().startsWith('content-'))
          throw new ValidationError(
            `customHeaders.${i}.name`,
            `${h.name} is set by the message itself and cannot be replaced.`,
          );
      });
      row.custom_headers = JSON.stringify(input.customHeaders);
    }
    if (input.limits !== undefined) {
      row.per_minute = input.limits.perMinute ?? row.per_minute;
      row.per_day = input.limits.perDay ?? row.per_day;
      row.concurrency = input.limits.concurrency ?? row.concurrency;
    }
    const max = MAX_CONCURRENCY[input.kind];
    if (max !== undefined && row.concurrency > max) {
      throw new ValidationError(
        'limits.concurrency',
        `Microsoft allows at most ${max} concurrent ${input.kind === 'graph' ? 'Graph requests' : 'SMTP sessions'} per mailbox.`,
      );
    }
    if (input.kind === 'smtp') {
      if (input.smtp !== undefined && input.smtp !== null) {
        const s = input.smtp;
        // The stored password goes only where it was entered for: a new server, port, account or
        // weaker security needs it typed again, or an editor could send it to a server of theirs.
        const moved =
          s.host.toLowerCase() !== (row.smtp_host ?? '').toLowerCase() ||
          s.port !== row.smtp_port ||
          (s.username !== undefined && s.username !== row.smtp_username) ||
          (s.security !== row.smtp_security && s.security !== 'tls') ||
          (s.tlsVerify === false && row.smtp_tls_verify !== 0);
        if (moved && !s.password) row.smtp_password = null;
        row.smtp_host = s.host;
        row.smtp_port = s.port;
        row.smtp_security = s.security;
        row.smtp_tls_verify = s.tlsVerify === false ? 0 : 1;
        if (s.username !== undefined) row.smtp_username = s.username;
        if (s.password)
          row.smtp_password = this.secrets.encrypt(s.password, profileSecretContext(row, 'smtp_password'));
        if (!row.smtp_username) row.smtp_password = null;
        if (row.smtp_username && !row.smtp_password)
          throw new ValidationError(
            'smtp.password',
            'Enter the password for the SMTP username (again when the server, port, username or security changes).',
          );
        if (/(^|\.)office365\.com$|(^|\.)outlook\.com$/i.test(s.host) && row.smtp_username)
          throw new ValidationError(
            'smtp.host',
            'Exchange Online no longer accepts a username and password for sending (550 5.7.30). Create an "Office 365 (OAuth2)" profile instead.',
          );
      } else if (input.smtp === null || !row.smtp_host) {
        throw new ValidationError('smtp', 'An SMTP relay profile needs the relay: host, port and security.');
      }
      if (!row.from_address) throw new ValidationError('fromAddress', 'Enter the address the mail is sent from.');
      if (input.dkim !== undefined) {
        if (input.dkim === null) {
          Object.assign(row, { dkim_domain: null, dkim_selector: null, dkim_private_key: null });
        } else {
          row.dkim_domain = input.dkim.domain.toLowerCase();
          row.dkim_selector = input.dkim.selector;
          if (input.dkim.privateKey) {
            try {
              createPrivateKey(input.dkim.privateKey);
            } catch {
              throw new ValidationError('dkim.privateKey', 'The DKIM private key is not a PEM private key.');
            }
            row.dkim_private_key = this.secrets.encrypt(
              input.dkim.privateKey,
              profileSecretContext(row, 'dkim_private_key'),
            );
          }
          if (!row.dkim_private_key) throw new ValidationError('dkim.privateKey', 'Enter the DKIM private key (PEM).');
        }
      }
      return;
    }
    // Office 365 and Graph send as a mailbox of the client's tenant, through its Azure application.
    if (input.smtp || input.dkim)
      throw new ValidationError(
        input.smtp ? 'smtp' : 'dkim',
        'Only an SMTP relay profile has relay settings; Microsoft signs its own mail.',
      );
    if (input.fromAddress)
      throw new ValidationError(
        'fromAddress',
        'Microsoft 365 sends as the mailbox: set "mailbox" to send as a shared mailbox.',
      );
    if (input.mailbox !== undefined) row.mailbox = input.mailbox?.toLowerCase() ?? null;
    if (input.azureAppId !== undefined) row.azure_app_id = input.azureAppId;
    if (!row.azure_app_id) throw new ValidationError('azureAppId', 'Choose the Azure application to send with.');
    const app = await findApp(trx, row.client_id, row.azure_app_id);
    if (!app) throw new ValidationError('azureAppId', 'No such Azure application for this client.');
    if (input.kind === 'office365' && app.smtp_sending !== 1)
      throw new ValidationError(
        'azureAppId',
        'SMTP sending is not enabled on this Azure application: edit it, enable "SMTP sending" and authorize it again.',
      );
  }

  async delete(actor: Actor, clientId: string, profileId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.findProfile(trx, clientId, profileId);
      if (!row) throw new NotFoundError('Sending profile');
      const pending = await repo.pendingCount(trx, clientId, profileId);
      if (pending > 0)
        throw new ConflictError(
          'profileId',
          `${pending} message(s) of this profile are still to be sent. Wait for them or cancel what produced them first.`,
        );
      await repo.deleteProfile(trx, clientId, profileId);
      await recordAudit(trx, actor, {
        clientId,
        action: 'sending_profile.delete',
        targetType: 'sending_profile',
        targetId: profileId,
        details: { name: row.name },
      });
    });
  }

  /** Lifts a pause now (the cause was fixed outside Baitwise, e.g. SMTP AUTH enabled). */
  async resume(actor: Actor, clientId: string, profileId: string): Promise<ProfileView> {
    await this.row(clientId, profileId);
    await this.db.transaction().execute(async (trx) => {
      await repo.updateProfile(trx, clientId, profileId, { paused_until: null, pause_reason: null });
      await recordAudit(trx, actor, {
        clientId,
        action: 'sending_profile.resume',
        targetType: 'sending_profile',
        targetId: profileId,
      });
    });
    return this.get(clientId, profileId);
  }

  /**
   * One message to `to`, now, outside the queue and its pace, so the administrator sees at once
   * what the server answers. It is not a campaign message: it carries no token and is audited.
   */
  async testSend(actor: Actor, clientId: string, profileId: string, to: string) {
    const p = await this.row(clientId, profileId);
    let from = p.from_address ?? '';
    let result: { ok: boolean; code: string | null; message: string; reply: string | null };
    try {
      const transport = await openTransport(this.dispatch, p);
      from = transport.sender.address;
      try {
        const mime = buildMime({
          from: transport.sender,
          to: { address: to, name: null },
          subject: TEST_SUBJECT,
          html: `<p>This message was sent by Baitwise to test the sending profile <b>${escapeHtml(p.name)}</b>.</p><p>If you received it, the profile works.</p>`,
          text: `This message was sent by Baitwise to test the sending profile "${p.name}".\nIf you received it, the profile works.`,
          messageId: `${newId()}@${domainOf(from)}`,
          headers: senderHeaders(p),
        });
        const sent = await transport.send({ from, to, mime });
        result = {
          ok: true,
          code: null,
          message: `Accepted for delivery to ${to}.`,
          reply: sent.providerId,
        };
      } finally {
        transport.close();
      }
    } catch (err) {
      if (!(err instanceof DeliveryError)) throw err;
      result = { ok: false, code: err.code, message: err.message, reply: err.reply ?? null };
    }
    await recordAudit(this.db, actor, {
      clientId,
      action: 'sending_profile.test',
      targetType: 'sending_profile',
      targetId: profileId,
      details: { to, ok: result.ok, code: result.code },
    });
    return { ...result, from, guidance: result.code ? deliveryGuidance(result.code) : null };
  }
}

export const domainOf = (address: string) => address.split('@')[1]?.toLowerCase() || 'baitwise.invalid';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
