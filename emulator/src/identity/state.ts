// Identity-only state that the shared Store does not model: in-progress sign-in flows, browser
// sessions (SSO cookie) and which codes/refresh tokens were obtained with MFA. Kept per Store in
// a WeakMap so the control API (revoke sessions, require MFA) can reach it without globals.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../model.js';

export interface Flow {
  id: string;
  kind: 'authorize' | 'adminconsent';
  tenantId: string;
  clientId: string;
  redirectUri: string;
  responseMode: 'query' | 'fragment' | 'form_post';
  state: string | undefined;
  nonce: string | null;
  /** stored scope keys (see scopes.ts), OIDC scopes included */
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  prompt: string | undefined;
  loginHint: string | undefined;
  createdAt: number;
  /** the client's client-request-id, Entra's correlation id in redirected errors */
  correlationId?: string;
  /** set once the password step succeeded */
  userId?: string;
  /** the one-time code shown on the emulated MFA page */
  mfaCode?: string;
  mfaDone?: boolean;
}

export interface SessionAccount {
  userId: string;
  tenantId: string;
  mfa: boolean;
  signedInAt: number;
}

export interface Session {
  id: string;
  /** session_state in success redirects */
  state: string;
  accounts: SessionAccount[];
}

export class IdentityState {
  flows = new Map<string, Flow>();
  sessions = new Map<string, Session>();
  /** codes and refresh tokens that carry an MFA claim (survive mfaRequired) */
  mfaTokens = new Set<string>();

  newFlow(f: Omit<Flow, 'id'>): Flow {
    // Flows are short-lived; drop ones older than an hour so the map does not grow forever.
    for (const [id, old] of this.flows) if (f.createdAt - old.createdAt > 3_600_000) this.flows.delete(id);
    const flow: Flow = { ...f, id: randomBytes(18).toString('base64url') };
    this.flows.set(flow.id, flow);
    return flow;
  }

  session(id: string | undefined): Session | undefined {
    return id ? this.sessions.get(id) : undefined;
  }

  ensureSession(id: string | undefined): Session {
    const existing = this.session(id);
    if (existing) return existing;
    const s: Session = { id: randomBytes(24).toString('base64url'), state: randomUUID(), accounts: [] };
    this.sessions.set(s.id, s);
    return s;
  }

  /** "Revoke sessions": forget the user in every browser session. */
  signOutEverywhere(userId: string): void {
    for (const s of this.sessions.values()) s.accounts = s.accounts.filter((a) => a.userId !== userId);
  }
}

const states = new WeakMap<Store, IdentityState>();

export function identityState(store: Store): IdentityState {
  let s = states.get(store);
  if (!s) {
    s = new IdentityState();
    states.set(store, s);
  }
  return s;
}
