// The profile form's values, how a profile fills them, and how they become the API's body.
import type { UseFormReturnType } from '@mantine/form';
import type { Header, ProfileKind, SendingProfile, SendingProfileInput, SmtpSecurity } from '../../api/sendingProfiles';

export interface ProfileFormValues {
  kind: ProfileKind;
  name: string;
  fromAddress: string;
  fromName: string;
  smtp: {
    host: string;
    port: number | string;
    security: SmtpSecurity;
    tlsVerify: boolean;
    username: string;
    /** write-only: empty keeps the stored one */
    password: string;
  };
  dkimEnabled: boolean;
  dkim: { domain: string; selector: string; privateKey: string };
  customHeaders: Header[];
  azureAppId: string | null;
  mailbox: string;
  /** empty: the kind's default (on creation) or the stored value (on edit) */
  limits: { perMinute: number | string; perDay: number | string; concurrency: number | string };
}

export type ProfileForm = UseFormReturnType<ProfileFormValues>;

export function initialValues(profile: SendingProfile | undefined, kind: ProfileKind = 'smtp'): ProfileFormValues {
  return {
    kind: profile?.kind ?? kind,
    name: profile?.name ?? '',
    fromAddress: profile?.fromAddress ?? '',
    fromName: profile?.fromName ?? '',
    smtp: {
      host: profile?.smtp?.host ?? '',
      port: profile?.smtp?.port ?? 587,
      security: profile?.smtp?.security ?? 'starttls',
      tlsVerify: profile?.smtp?.tlsVerify ?? true,
      username: profile?.smtp?.username ?? '',
      password: '',
    },
    dkimEnabled: Boolean(profile?.dkim),
    dkim: { domain: profile?.dkim?.domain ?? '', selector: profile?.dkim?.selector ?? '', privateKey: '' },
    customHeaders: profile?.customHeaders.map((h) => ({ ...h })) ?? [],
    azureAppId: profile?.azureAppId ?? null,
    mailbox: profile?.mailbox ?? '',
    limits: {
      perMinute: profile?.limits.perMinute ?? '',
      perDay: profile?.limits.perDay ?? '',
      concurrency: profile?.limits.concurrency ?? '',
    },
  };
}

const num = (v: number | string) => (typeof v === 'number' ? v : v.trim() === '' ? undefined : Number(v));
const text = (v: string) => v.trim() || null;

/**
 * The body for POST or PATCH. Secrets go only when typed (empty keeps the stored one), limits
 * only when entered, and each kind sends only its own fields (the server refuses the others).
 */
export function toInput(v: ProfileFormValues, editing: SendingProfile | undefined): SendingProfileInput {
  const limits = Object.fromEntries(
    Object.entries(v.limits)
      .map(([k, value]) => [k, num(value)])
      .filter(([, value]) => value !== undefined),
  );
  const body: SendingProfileInput = {
    name: v.name.trim(),
    kind: v.kind,
    fromName: text(v.fromName),
    customHeaders: v.customHeaders.map((h) => ({ name: h.name.trim(), value: h.value })),
    limits,
  };
  if (v.kind === 'smtp') {
    const username = text(v.smtp.username);
    body.fromAddress = text(v.fromAddress);
    body.smtp = {
      host: v.smtp.host.trim(),
      port: num(v.smtp.port) ?? 0,
      security: v.smtp.security,
      tlsVerify: v.smtp.tlsVerify,
      username,
      ...(username && v.smtp.password ? { password: v.smtp.password } : {}),
    };
    if (v.dkimEnabled) {
      body.dkim = {
        domain: v.dkim.domain.trim(),
        selector: v.dkim.selector.trim(),
        ...(v.dkim.privateKey.trim() ? { privateKey: v.dkim.privateKey.trim() } : {}),
      };
    } else if (editing?.dkim) {
      body.dkim = null;
    }
  } else {
    body.azureAppId = v.azureAppId;
    body.mailbox = text(v.mailbox);
  }
  return body;
}
