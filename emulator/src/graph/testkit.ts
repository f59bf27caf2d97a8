// Test helpers for the Graph and SMTP suites: a started emulator with a manual clock, tenants and
// users built straight through the Store, and access tokens minted with the emulator's signer
// (the identity platform is exercised by its own tests).
import { randomUUID } from 'node:crypto';
import { GRAPH_APP_ID, ManualClock, OUTLOOK_RESOURCE, type Tenant, type User } from '../model.js';
import { type Emulator, startEmulator } from '../server.js';

export const APP_ID = '11111111-2222-3333-4444-555555555555';
export const ALL_SCOPES = 'User.Read User.Read.All GroupMember.Read.All Mail.ReadWrite Mail.Send';

export interface Kit {
  emu: Emulator;
  clock: ManualClock;
  graph: string; // …/graph/v1.0
  tenant(name: string, opts?: Partial<Tenant>): Tenant;
  user(t: Tenant, local: string, over?: Partial<User>): User;
  token(u: User, scp?: string, aud?: string): Promise<string>;
  get(path: string, token: string, headers?: Record<string, string>): Promise<Response>;
  send(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startKit(): Promise<Kit> {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const emu = await startEmulator({ clock });
  const { store } = emu;
  const graph = `${emu.urls.graph}/v1.0`;
  const kit: Kit = {
    emu,
    clock,
    graph,
    tenant(name, opts = {}) {
      return store.addTenant({
        id: randomUUID(),
        displayName: name,
        domains: [`${name.toLowerCase()}.onmicrosoft.com`],
        adminConsentWorkflow: { enabled: false, reviewerIds: [] },
        smtpAuthEnabled: true,
        ...opts,
      });
    },
    user(t, local, over = {}) {
      const upn = `${local}@${t.domains[0]}`;
      return store.addUser({
        id: randomUUID(),
        tenantId: t.id,
        userPrincipalName: upn,
        mail: upn,
        displayName: local[0]!.toUpperCase() + local.slice(1),
        givenName: local,
        surname: 'Tester',
        jobTitle: null,
        department: null,
        officeLocation: null,
        mobilePhone: null,
        businessPhones: [],
        preferredLanguage: 'en-US',
        accountEnabled: true,
        userType: 'Member',
        password: 'pw',
        isAdmin: false,
        mfaRequired: false,
        hasMailbox: true,
        createdDateTime: '2024-01-01T00:00:00Z',
        ...over,
      });
    },
    token(u, scp = ALL_SCOPES, aud = GRAPH_APP_ID) {
      return emu.ctx.signer.sign(
        {
          aud,
          iss: `https://sts.windows.net/${u.tenantId}/`,
          tid: u.tenantId,
          oid: u.id,
          upn: u.userPrincipalName,
          appid: APP_ID,
          scp,
        },
        3600,
        clock.now(),
      );
    },
    get(path, token, headers = {}) {
      const url = path.startsWith('http') ? path : `${graph}/${path}`;
      return fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers } });
    },
    send(method, path, token, body, headers = {}) {
      const isString = typeof body === 'string';
      return fetch(`${graph}/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': isString ? 'text/plain' : 'application/json',
          ...headers,
        },
        body: body === undefined ? undefined : isString ? body : JSON.stringify(body),
      });
    },
    close: () => emu.close(),
  };
  return kit;
}

export const outlookToken = (kit: Kit, u: User, scp = 'SMTP.Send') => kit.token(u, scp, OUTLOOK_RESOURCE);
