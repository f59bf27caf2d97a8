// Test helpers for the emulated Outlook: an emulator that accepts loopback-http add-ins, a tenant
// made through the control API, an Outlook sign-in through a one-time link (cookies kept), and
// the page's own API calls (what client/host.js sends).
import { ManualClock } from '../model.js';
import { type Emulator, startEmulator } from '../server.js';

export interface OutlookKit {
  emu: Emulator;
  base: string;
  control(method: string, path: string, body?: unknown): Promise<Response>;
  tenant(): Promise<{ id: string; domain: string; user: { userPrincipalName: string; password: string } }>;
  /** Cookie header of a browser signed in to Outlook as this user. */
  signIn(upn: string): Promise<string>;
  api(cookie: string, path: string, body: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function startOutlookKit(): Promise<OutlookKit> {
  const emu = await startEmulator({ clock: new ManualClock(), outlookAllowHttpLoopback: true });
  const base = emu.urls.authority;
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${emu.urls.control}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  return {
    emu,
    base,
    control,
    async tenant() {
      const t = (await (await control('POST', '/tenants', { users: 3, groups: 0 })).json()) as {
        id: string;
        domains: string[];
        user: { userPrincipalName: string; password: string };
      };
      return { id: t.id, domain: t.domains[0]!, user: t.user };
    },
    async signIn(upn) {
      const { url } = (await (await control('POST', '/outlook/sign-in', { userPrincipalName: upn })).json()) as {
        url: string;
      };
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status !== 303) throw new Error(`sign-in link answered ${res.status}`);
      return res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
    },
    api(cookie, path, body) {
      return fetch(`${base}/_outlook/api/${path}`, {
        method: 'POST',
        headers: { cookie, origin: base, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    },
    close: () => emu.close(),
  };
}
