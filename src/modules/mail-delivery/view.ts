// API shapes of sending profiles and the outbox (TypeBox: the one source of each shape's type).
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Email, Name, Strict, Uuid } from '../../http/schemas.js';
import { deliveryGuidance } from './guidance.js';
import { effectivePerMinute } from './pacing.js';
import type { ProfileRow, QueueCounts } from './repository.js';
import { INDEFINITELY } from './repository.js';

export const Kind = Type.Union([Type.Literal('smtp'), Type.Literal('office365'), Type.Literal('graph')]);
const Security = Type.Union([Type.Literal('none'), Type.Literal('starttls'), Type.Literal('tls')]);
const HeaderName = Type.String({ minLength: 1, maxLength: 76, pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' });
const HeaderValue = Type.String({ maxLength: 900, pattern: '^[^\\r\\n]*$' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const SmtpInput = Strict({
  host: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]-]+$' }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  security: Security,
  tlsVerify: Type.Optional(Type.Boolean({ description: 'false only for a relay with a self-signed certificate' })),
  username: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 320 }))),
  password: Type.Optional(
    Type.String({ maxLength: 1024, description: 'write-only; empty or absent keeps the stored one' }),
  ),
});

export const DkimInput = Strict({
  domain: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.-]+$' }),
  selector: Type.String({ minLength: 1, maxLength: 63, pattern: '^[A-Za-z0-9._-]+$' }),
  privateKey: Type.Optional(Type.String({ maxLength: 10_000, description: 'PEM; write-only' })),
});

export const LimitsInput = Strict({
  perMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  perDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
});

export const Header = Strict({ name: HeaderName, value: HeaderValue });

export const ProfileInput = Strict({
  name: Name,
  kind: Kind,
  fromAddress: Type.Optional(Nullable(Email)),
  fromName: Type.Optional(Nullable(Type.String({ maxLength: 200, pattern: '^[^\\r\\n]*$' }))),
  smtp: Type.Optional(Nullable(SmtpInput)),
  dkim: Type.Optional(Nullable(DkimInput)),
  customHeaders: Type.Optional(Type.Array(Header, { maxItems: 20 })),
  azureAppId: Type.Optional(Nullable(Uuid)),
  mailbox: Type.Optional(Nullable(Email)),
  limits: Type.Optional(LimitsInput),
});
export type ProfileInput = Static<typeof ProfileInput>;
export const ProfilePatch = Type.Partial(ProfileInput, { additionalProperties: false });
export type ProfilePatch = Static<typeof ProfilePatch>;

const Reason = Type.Object({
  code: Type.String(),
  message: Type.String(),
  reply: Type.Union([Type.String(), Type.Null()]),
  at: Type.String(),
  guidance: Type.Union([Type.Object({ title: Type.String(), action: Type.String() }), Type.Null()]),
});

export const ProfileSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    kind: Kind,
    fromAddress: Type.Union([Type.String(), Type.Null()]),
    fromName: Type.Union([Type.String(), Type.Null()]),
    smtp: Type.Union([
      Type.Object({
        host: Type.String(),
        port: Type.Integer(),
        security: Security,
        tlsVerify: Type.Boolean(),
        username: Type.Union([Type.String(), Type.Null()]),
        passwordSet: Type.Boolean(),
      }),
      Type.Null(),
    ]),
    dkim: Type.Union([
      Type.Object({ domain: Type.String(), selector: Type.String(), privateKeySet: Type.Boolean() }),
      Type.Null(),
    ]),
    customHeaders: Type.Array(Type.Object({ name: Type.String(), value: Type.String() })),
    azureAppId: Type.Union([Uuid, Type.Null()]),
    mailbox: Type.Union([Type.String(), Type.Null()]),
    limits: Type.Object({ perMinute: Type.Integer(), perDay: Type.Integer(), concurrency: Type.Integer() }),
    /** the pace in force: lower than the limit once the server showed it takes less */
    effectivePerMinute: Type.Integer(),
    paused: Type.Union([
      Type.Object({ until: Type.Union([Type.String(), Type.Null()]), reason: Type.Union([Reason, Type.Null()]) }),
      Type.Null(),
    ]),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'SendingProfile' },
);
export type ProfileView = Static<typeof ProfileSchema>;

export function reasonView(json: string | null): Static<typeof Reason> | null {
  if (!json) return null;
  const r = JSON.parse(json) as { code: string; message: string; reply?: string | null; at: string };
  return { code: r.code, message: r.message, reply: r.reply ?? null, at: r.at, guidance: deliveryGuidance(r.code) };
}

export function profileView(p: ProfileRow, now = new Date().toISOString()): ProfileView {
  const paused = p.paused_until !== null && p.paused_until > now;
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    fromAddress: p.from_address,
    fromName: p.from_name,
    smtp:
      p.kind === 'smtp'
        ? {
            host: p.smtp_host ?? '',
            port: p.smtp_port ?? 0,
            security: p.smtp_security ?? 'starttls',
            tlsVerify: p.smtp_tls_verify !== 0,
            username: p.smtp_username,
            passwordSet: p.smtp_password !== null,
          }
        : null,
    dkim:
      p.dkim_domain && p.dkim_selector
        ? { domain: p.dkim_domain, selector: p.dkim_selector, privateKeySet: p.dkim_private_key !== null }
        : null,
    customHeaders: JSON.parse(p.custom_headers) as { name: string; value: string }[],
    azureAppId: p.azure_app_id,
    mailbox: p.mailbox,
    limits: { perMinute: p.per_minute, perDay: p.per_day, concurrency: p.concurrency },
    effectivePerMinute: effectivePerMinute(p),
    paused: paused
      ? { until: p.paused_until === INDEFINITELY ? null : p.paused_until, reason: reasonView(p.pause_reason) }
      : null,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}

export const TestSendResult = Type.Object({
  ok: Type.Boolean(),
  /** what happened, in plain words */
  message: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  /** the server's own answer (SMTP reply or Graph error) */
  reply: Type.Union([Type.String(), Type.Null()]),
  guidance: Type.Union([Type.Object({ title: Type.String(), action: Type.String() }), Type.Null()]),
  from: Type.String(),
});

export const OutboxStatusSchema = Type.Object({
  queued: Type.Integer(),
  sending: Type.Integer(),
  deferred: Type.Integer(),
  sentToday: Type.Integer(),
  sentLastMinute: Type.Integer(),
  failed: Type.Integer(),
  expired: Type.Integer(),
  inDoubt: Type.Integer({ description: 'messages sent again after a worker died during their attempt' }),
  throttled: Type.Integer({ description: '429/503 answers received' }),
  limitPerMinute: Type.Integer(),
  effectivePerMinute: Type.Integer(),
  limitPerDay: Type.Integer(),
  nextSendAt: Type.Union([Type.String(), Type.Null()]),
  paused: ProfileSchema.properties.paused,
});

export const outboxStatusView = (p: ProfileRow, c: QueueCounts): Static<typeof OutboxStatusSchema> => {
  const view = profileView(p);
  return {
    ...c,
    throttled: p.throttled_count,
    limitPerMinute: p.per_minute,
    effectivePerMinute: view.effectivePerMinute,
    limitPerDay: p.per_day,
    nextSendAt: c.queued + c.deferred > 0 && !view.paused ? p.next_slot_at : null,
    paused: view.paused,
  };
};

export const MessageSchema = Type.Object({
  id: Uuid,
  to: Type.Object({ address: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
  purpose: Type.String(),
  ref: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
  messageId: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  nextAttemptAt: Type.String(),
  notAfter: Type.Union([Type.String(), Type.Null()]),
  inDoubt: Type.Boolean(),
  lastError: Type.Union([Reason, Type.Null()]),
  providerId: Type.Union([Type.String(), Type.Null()]),
  sentAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
