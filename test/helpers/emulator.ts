// The Microsoft 365 emulator in-process on free ports, with its control API and the
// environment that points Baitwise at it (as a person would set it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../emulator/src/model.js';
import { type Emulator, startEmulator } from '../../emulator/src/server.js';

/** An emulator's control API and the environment that points Baitwise at it. */
export interface EmulatorClient {
  urls: { authority: string; graph: string; control: string };
  env: Record<string, string>;
  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** A tenant with generated users, and an app registration whose redirect URI is Baitwise's callback. */
  tenantWithApp(
    redirectUri: string,
    opts?: { users?: number; name?: string; groups?: number },
  ): Promise<{
    tenantId: string;
    domain: string;
    admin: { userPrincipalName: string; password: string };
    user: { userPrincipalName: string; password: string };
    clientId: string;
    clientSecret: string;
  }>;
}

export interface TestEmulator extends EmulatorClient {
  emu: Emulator;
  close(): Promise<void>;
}

/**
 * The control API and env for an emulator reachable at these URLs, in-process or in another
 * process (bench/import.ts runs it separately so its CPU is not the benchmark's).
 */
export function emulatorClient(urls: { authority: string; graph: string; control: string }): EmulatorClient {
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${urls.control}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`emulator ${method} ${path}: ${res.status} ${await res.text()}`);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  };
  return {
    urls,
    env: { MICROSOFT_AUTHORITY_HOST: urls.authority, MICROSOFT_GRAPH_ENDPOINT: urls.graph },
    control,
    async tenantWithApp(redirectUri, opts = {}) {
      const t = await control<{
        id: string;
        domains: string[];
        admin: { userPrincipalName: string; password: string };
        user: { userPrincipalName: string; password: string };
      }>('POST', '/tenants', { name: opts.name ?? 'Contoso', users: opts.users ?? 20, groups: opts.groups ?? 3 });
      const a = await control<{ clientId: string; clientSecret: string }>('POST', '/applications', {
        tenantId: t.id,
        displayName: 'Baitwise',
        redirectUris: [redirectUri],
      });
      return {
        tenantId: t.id,
        domain: t.domains[0] ?? '',
        admin: t.admin,
        user: t.user,
        clientId: a.clientId,
        clientSecret: a.clientSecret,
      };
    },
  };
}

/** `clock`: the emulator's time (its identity platform's tokens are stamped with it); the system clock by default. */
export async function startTestEmulator(opts: { clock?: Clock } = {}): Promise<TestEmulator> {
  const emu = await startEmulator(opts.clock ? { clock: opts.clock } : {});
  const client = emulatorClient(emu.urls);
  // Exchange Online SMTP: the emulator's endpoint, and its CA (as MICROSOFT_SMTP_CA_FILE, a file).
  const dir = mkdtempSync(join(tmpdir(), 'baitwise-emu-ca-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, emu.urls.caPem);
  const env = {
    ...client.env,
    MICROSOFT_SMTP_ENDPOINT: `${emu.urls.smtp.host}:${emu.urls.smtp.port}`,
    MICROSOFT_SMTP_CA_FILE: caFile,
  };
  return {
    emu,
    ...client,
    env,
    close: async () => {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
