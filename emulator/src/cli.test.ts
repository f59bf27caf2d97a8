import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

describe('npm run emulator (cli.ts)', () => {
  it('prints one JSON line with URLs and demo accounts, serves, and exits cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'emulator/src/cli.ts', '--port', '0', '--smtp-port', '0', '--seed', 'demo'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const info = JSON.parse(line) as {
      authority: string;
      control: string;
      smtp: { port: number };
      tenants: { id: string; admin: { userPrincipalName: string; password: string } }[];
    };
    expect(info.smtp.port).toBeGreaterThan(0);
    expect(info.tenants).toHaveLength(2);
    expect(info.tenants[0]?.admin.userPrincipalName).toBe('admin@contoso.onmicrosoft.com');
    const res = await fetch(`${info.authority}/${info.tenants[0]?.id}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const exit = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
