// The console's HTML and assets carry a strict Content-Security-Policy (no inline or foreign
// script, no framing); Swagger UI keeps its own policy.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

const webDir = mkdtempSync(join(tmpdir(), 'baitwise-web-'));
let t: TestApp;
beforeAll(async () => {
  mkdirSync(join(webDir, 'assets'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(webDir, 'assets', 'app.js'), 'console.log(1)');
  t = await createTestApp({ env: { BAITWISE_WEB_DIR: webDir } });
});
afterAll(async () => {
  await t?.close();
  rmSync(webDir, { recursive: true, force: true });
});

function directives(header: unknown): Map<string, string[]> {
  expect(typeof header).toBe('string');
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name = '', ...values]) => [name, values]),
  );
}

it('sends a strict Content-Security-Policy with the console page, its client-side routes and assets', async () => {
  for (const url of ['/', '/clients', '/settings/azure-applications', '/assets/app.js']) {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode, url).toBe(200);
    const csp = directives(res.headers['content-security-policy']);
    expect(csp.get('default-src'), url).toEqual(["'self'"]);
    const script = csp.get('script-src') ?? csp.get('default-src') ?? [];
    expect(script, url).toEqual(["'self'"]); // no 'unsafe-inline', no 'unsafe-eval', no host
    expect(csp.get('object-src'), url).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors'), url).toEqual(["'none'"]);
    expect(csp.get('base-uri'), url).toEqual(["'self'"]);
    expect(csp.get('form-action'), url).toEqual(["'self'"]);
    for (const [name, values] of csp) {
      for (const v of values)
        expect(v === "'unsafe-eval'" || v === '*' || v.startsWith('http'), `${name} ${v}`).toBe(false);
    }
  }
});

it('gives Swagger UI its own policy: inline styles (it writes one at run time), nothing external', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/docs' });
  expect(res.statusCode).toBe(200);
  const csp = directives(res.headers['content-security-policy']);
  expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  expect(csp.get('script-src')).toEqual(["'self'"]);
  expect(csp.get('script-src-attr')).toEqual(["'none'"]);
  for (const [name, values] of csp)
    for (const v of values) expect(`${name} ${v}`).not.toMatch(/https?:|\*|swagger\.io/);
});
