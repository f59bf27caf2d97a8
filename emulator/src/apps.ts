// App registrations and their client secrets, shared by the control API and the demo seed.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Application, ClientSecret, RedirectUri, Store } from './model.js';

const DAY_MS = 24 * 3600 * 1000;

/** Entra secret values look like `Abc8Q~…` (40 chars, a tilde at index 4). */
export function newSecretValue(): string {
  const raw = randomBytes(30).toString('base64url').replace(/[-_]/g, 'x');
  return `${raw.slice(0, 3)}8Q~${raw.slice(3, 37)}`;
}

export interface NewApplication {
  tenantId: string;
  displayName?: string;
  clientId?: string;
  redirectUris?: (string | RedirectUri)[];
  requiredScopes?: string[];
  multiTenant?: boolean;
  /** secrets to register; none given → one generated secret valid for two years */
  secrets?: { value?: string; keyId?: string; expiresAt?: number; expiresInSeconds?: number }[];
}

export function addSecret(
  store: Store,
  app: Application,
  s: { value?: string; keyId?: string; expiresAt?: number; expiresInSeconds?: number } = {},
): ClientSecret {
  const expiresAt =
    s.expiresAt ?? store.clock.now() + (s.expiresInSeconds !== undefined ? s.expiresInSeconds * 1000 : 730 * DAY_MS);
  const secret: ClientSecret = { keyId: s.keyId ?? randomUUID(), value: s.value ?? newSecretValue(), expiresAt };
  app.secrets.push(secret);
  return secret;
}

export function createApplication(store: Store, input: NewApplication): { app: Application; secrets: ClientSecret[] } {
  const app: Application = {
    clientId: (input.clientId ?? randomUUID()).toLowerCase(),
    tenantId: input.tenantId,
    displayName: input.displayName ?? 'Baitwise',
    redirectUris: (input.redirectUris ?? []).map((r) => (typeof r === 'string' ? { uri: r, type: 'web' } : r)),
    secrets: [],
    requiredScopes: input.requiredScopes ?? [],
    multiTenant: input.multiTenant ?? false,
  };
  const secrets = (input.secrets?.length ? input.secrets : [{}]).map((s) => addSecret(store, app, s));
  store.apps.set(app.clientId, app);
  return { app, secrets };
}
