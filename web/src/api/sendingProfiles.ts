// Shapes of the sending-profiles API (src/modules/mail-delivery/view.ts and routes.ts).

export type ProfileKind = 'smtp' | 'office365' | 'graph';
export type SmtpSecurity = 'none' | 'starttls' | 'tls';

/** What to do about a delivery failure, keyed by its code on the server. */
export interface DeliveryGuidance {
  title: string;
  action: string;
}

/** Why a message failed or a profile paused. */
export interface DeliveryReason {
  code: string;
  message: string;
  /** the server's own answer: an SMTP reply or a Graph error */
  reply: string | null;
  at: string;
  guidance: DeliveryGuidance | null;
}

export interface Pause {
  /** null: until someone resumes it */
  until: string | null;
  reason: DeliveryReason | null;
}

export interface Limits {
  perMinute: number;
  perDay: number;
  concurrency: number;
}

export interface Header {
  name: string;
  value: string;
}

export interface SendingProfile {
  id: string;
  name: string;
  kind: ProfileKind;
  fromAddress: string | null;
  fromName: string | null;
  smtp: {
    host: string;
    port: number;
    security: SmtpSecurity;
    tlsVerify: boolean;
    username: string | null;
    passwordSet: boolean;
  } | null;
  dkim: { domain: string; selector: string; privateKeySet: boolean } | null;
  customHeaders: Header[];
  azureAppId: string | null;
  mailbox: string | null;
  limits: Limits;
  /** the pace in force: below the limit once the server showed it takes less */
  effectivePerMinute: number;
  paused: Pause | null;
  createdAt: string;
  updatedAt: string;
}

/** The body of POST (all of it) and PATCH (any part; kind cannot change). */
export interface SendingProfileInput {
  name: string;
  kind: ProfileKind;
  fromAddress?: string | null;
  fromName?: string | null;
  smtp?: {
    host: string;
    port: number;
    security: SmtpSecurity;
    tlsVerify?: boolean;
    username?: string | null;
    /** write-only; empty or absent keeps the stored one */
    password?: string;
  } | null;
  dkim?: { domain: string; selector: string; privateKey?: string } | null;
  customHeaders?: Header[];
  azureAppId?: string | null;
  mailbox?: string | null;
  limits?: Partial<Limits>;
}

export interface TestSendResult {
  ok: boolean;
  /** what happened, in plain words */
  message: string;
  code: string | null;
  reply: string | null;
  guidance: DeliveryGuidance | null;
  /** the address the message left from */
  from: string;
}

export interface OutboxStatus {
  queued: number;
  sending: number;
  deferred: number;
  sentToday: number;
  sentLastMinute: number;
  failed: number;
  expired: number;
  inDoubt: number;
  throttled: number;
  limitPerMinute: number;
  effectivePerMinute: number;
  limitPerDay: number;
  nextSendAt: string | null;
  paused: Pause | null;
}

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'expired' | 'cancelled';

export interface OutboxMessage {
  id: string;
  to: { address: string; name: string | null };
  purpose: string;
  ref: { type: string; id: string } | null;
  messageId: string;
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: string;
  notAfter: string | null;
  inDoubt: boolean;
  lastError: DeliveryReason | null;
  providerId: string | null;
  sentAt: string | null;
  createdAt: string;
}
