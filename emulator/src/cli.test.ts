import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

interface Info {
  authority: string;
  graph: string;
  control: string;
  smtp: { port: number };
  clock: { manual: boolean; now?: string };
  tenants: { id: string; admin: { userPrincipalName: string; password: string } }[];
}

let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exit = new Promise((r) => child?.once('exit', r));
    child.kill('SIGTERM');
    await exit;
  }
  child = undefined;
});

/** Starts `npm run emulator` (cli.ts) and resolves with its JSON line. */
async function startCli(...args: string[]): Promise<Info> {
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'emulator/src/cli.ts', '--port', '0', '--smtp-port', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const proc = child;
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  return JSON.parse(line) as Info;
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('npm run emulator (cli.ts)', () => {
  it('prints one JSON line with URLs and demo accounts, serves, and exits cleanly on SIGTERM', async () => {
    const info = await startCli('--seed', 'demo');
    expect(info.smtp.port).toBeGreaterThan(0);
    expect(info.tenants).toHaveLength(2);
    expect(info.tenants[0]?.admin.userPrincipalName).toBe('admin@contoso.onmicrosoft.com');
    expect(info.clock).toEqual({ manual: false });
    const res = await fetch(`${info.authority}/${info.tenants[0]?.id}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    // on the system clock, time cannot be moved
    expect((await post(`${info.control}/clock/advance`, { seconds: 60 })).status).toBe(409);
    const exit = new Promise<number | null>((r) => child?.once('exit', r));
    child?.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('--manual-clock --start-time: time stands still until /clock/advance moves it, and tokens expire', async () => {
    const info = await startCli('--manual-clock', '--start-time', '2026-03-01T08:00:00Z');
    expect(info.clock).toEqual({ manual: true, now: '2026-03-01T08:00:00.000Z' });
    const tenant = (await (await post(`${info.control}/tenants`, { name: 'Clocked', users: 3 })).json()) as {
      id: string;
    };
    const app = (await (
      await post(`${info.control}/applications`, { tenantId: tenant.id, redirectUris: [] })
    ).json()) as {
      clientId: string;
      clientSecret: string;
    };
    await post(`${info.control}/app-role-grants`, {
      tenantId: tenant.id,
      clientId: app.clientId,
      roles: ['User.Read.All'],
    });
    const tokenRes = await fetch(`${info.authority}/${tenant.id}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const users = () => fetch(`${info.graph}/v1.0/users`, { headers: { authorization: `Bearer ${token}` } });
    expect((await users()).status).toBe(200);
    expect(await (await fetch(`${info.control}/clock`)).json()).toEqual({
      now: '2026-03-01T08:00:00.000Z',
      manual: true,
    });
    const moved = await post(`${info.control}/clock/advance`, { seconds: 3600 });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toEqual({ now: '2026-03-01T09:00:00.000Z' });
    const expired = await users();
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');
  });

  it('refuses --start-time without --manual-clock and a date that is not one (exit 2)', async () => {
    for (const args of [
      ['--start-time', '2026-03-01T08:00:00Z'],
      ['--manual-clock', '--start-time', 'soon'],
    ]) {
      const p = spawn(
        process.execPath,
        ['--import', 'tsx', 'emulator/src/cli.ts', '--port', '0', '--smtp-port', '0', ...args],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let err = '';
      p.stderr.on('data', (d) => {
        err += d;
      });
      const code = await new Promise<number | null>((r) => p.once('exit', r));
      expect(code).toBe(2);
      expect(err).toMatch(/--start-time/);
    }
  });
});
