import vm from 'node:vm';
// The report add-in's settings and manifest through the API: validation naming the field, the
// add-in id generated once and kept, audited changes, the refusal on an http public URL, the
// redirect URI for nested app authentication, and the files Outlook loads from /addin/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

const PUBLIC_URL = 'https://baitwise.test:8443';
const APP = {
  name: 'Tenant',
  azureClientId: '11111111-2222-4333-8444-555555555555',
  clientSecret: 'a-secret-value',
  tenant: '99999999-8888-4777-8666-555555555555',
  // several clients here share this made-up tenant, on purpose
  sharedTenantReason: 'Test clients share one tenant',
};

let t: TestApp;
let admin: Session;

async function newClient(name: string) {
  const clientId = (await t.as(admin, 'POST', '/api/v1/clients', { name })).json().id as string;
  const appId = (await t.as(admin, 'POST', `/api/v1/clients/${clientId}/azure-apps`, { ...APP, name })).json()
    .id as string;
  return { clientId, appId, url: `/api/v1/clients/${clientId}/report-addin` };
}

const auditOf = async (clientId: string) =>
  (await t.as(admin, 'GET', `/api/v1/audit?clientId=${clientId}&limit=200`)).json().items as {
    action: string;
    details: Record<string, unknown> | null;
  }[];

beforeAll(async () => {
  t = await createTestApp({ env: { BAITWISE_PUBLIC_URL: PUBLIC_URL } });
  admin = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(async () => t?.close());

describe('settings', () => {
  it('start as defaults with no add-in id, and name the redirect URI nested app authentication needs', async () => {
    const c = await newClient('Defaults');
    const r = await t.as(admin, 'GET', c.url);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      clientId: c.clientId,
      configured: false,
      addinId: null,
      azureAppId: null,
      buttonLabel: 'Report phishing',
      reportingOptions: [],
      freeTextBox: true,
      moveTo: 'deleted_items',
      securityMailbox: null,
      countUnverified: false,
      nestedAppAuthRedirectUri: 'brk-multihub://baitwise.test:8443',
      manifestBlocker: null,
    });
    // Reading writes nothing (an archived client's settings are read the same way).
    expect(await t.db.handle.db.selectFrom('report_addin_settings').selectAll().execute()).toEqual([]);
  });

  it('refuse bad input with 400 naming the field, and write nothing', async () => {
    const c = await newClient('Validation');
    const other = await newClient('Someone else');
    const base = { azureAppId: c.appId };
    const cases: [unknown, string][] = [
      [{}, 'azureAppId'],
      [{ azureAppId: 'not-a-uuid' }, 'azureAppId'],
      [{ azureAppId: other.appId }, 'azureAppId'], // another client's application
      [{ azureAppId: '00000000-0000-4000-8000-000000000000' }, 'azureAppId'],
      [{ ...base, buttonLabel: 'x'.repeat(33) }, 'buttonLabel'],
      [{ ...base, buttonLabel: '   ' }, 'buttonLabel'],
      [{ ...base, buttonLabel: 'Report\nnow' }, 'buttonLabel'],
      [{ ...base, buttonLabel: 'Bell\u0007' }, 'buttonLabel'],
      [{ ...base, buttonLabel: 'half \ud83d surrogate' }, 'buttonLabel'],
      [{ ...base, reportingOptions: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'reportingOptions'],
      [{ ...base, reportingOptions: ['fine', 'y'.repeat(126)] }, 'reportingOptions.1'],
      [{ ...base, reportingOptions: ['fine', ' '] }, 'reportingOptions.1'],
      [{ ...base, reportingOptions: ['Spam', 'Phishing', 'spam '] }, 'reportingOptions.2'],
      [{ ...base, reportingOptions: 'Spam' }, 'reportingOptions'],
      [{ ...base, freeTextBox: 'yes' }, 'freeTextBox'],
      [{ ...base, moveTo: 'archive' }, 'moveTo'],
      [{ ...base, securityMailbox: 'not an address' }, 'securityMailbox'],
      [{ ...base, countUnverified: 1 }, 'countUnverified'],
      [{ ...base, addinId: '6f1c2d3e-4a5b-4c6d-8e7f-901234567890' }, 'addinId'], // not settable
    ];
    for (const [body, field] of cases) {
      const r = await t.as(admin, 'PUT', c.url, body);
      expect({ body, status: r.statusCode, field: r.json().error?.details?.field }).toEqual({
        body,
        status: 400,
        field,
      });
    }
    expect((await t.as(admin, 'GET', c.url)).json().configured).toBe(false);
    expect((await auditOf(c.clientId)).map((e) => e.action)).not.toContain('report_addin.create');
  });

  it('are saved with defaults for what is left out, trimmed, and audited', async () => {
    const c = await newClient('Saved');
    const r = await t.as(admin, 'PUT', c.url, {
      azureAppId: c.appId,
      reportingOptions: ['  Phishing  ', 'Spam'],
      securityMailbox: 'SOC@Contoso.example',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      configured: true,
      azureAppId: c.appId,
      buttonLabel: 'Report phishing',
      reportingOptions: ['Phishing', 'Spam'],
      freeTextBox: true,
      moveTo: 'deleted_items',
      securityMailbox: 'soc@contoso.example',
      countUnverified: false,
      manifestVersion: '1.0.1.0',
    });
    expect(r.json().addinId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const created = (await auditOf(c.clientId)).find((e) => e.action === 'report_addin.create');
    expect(created).toBeDefined();
  });
});

describe('the add-in id', () => {
  it('is generated once per client and never changes across edits and downloads', async () => {
    const c = await newClient('Stable');
    const first = (await t.as(admin, 'PUT', c.url, { azureAppId: c.appId })).json();
    const download = async (variant: string) =>
      (await t.as(admin, 'GET', `${c.url}/manifest?variant=${variant}`)).body.match(/<Id>([^<]+)<\/Id>/)?.[1];
    expect(await download('classic')).toBe(first.addinId);
    expect(await download('integrated')).toBe(first.addinId);
    const edited = (
      await t.as(admin, 'PUT', c.url, {
        azureAppId: c.appId,
        buttonLabel: 'Report it',
        reportingOptions: ['Phishing'],
        freeTextBox: false,
        moveTo: 'junk',
        securityMailbox: 'soc@stable.example',
        countUnverified: true,
      })
    ).json();
    expect(edited.addinId).toBe(first.addinId);
    expect(edited.manifestVersion).toBe('1.0.2.0'); // an uploaded update must carry a higher version
    expect(await download('classic')).toBe(first.addinId);
    expect((await t.as(admin, 'GET', c.url)).json().addinId).toBe(first.addinId);
    // Another client gets its own add-in.
    const d = await newClient('Stable too');
    const other = (await t.as(admin, 'PUT', d.url, { azureAppId: d.appId })).json();
    expect(other.addinId).not.toBe(first.addinId);

    const update = (await auditOf(c.clientId)).find((e) => e.action === 'report_addin.update');
    expect(update?.details).toMatchObject({
      changed: ['button_label', 'reporting_options', 'free_text', 'move_to', 'security_mailbox', 'count_unverified'],
      manifestVersion: '1.0.2.0',
    });
    // Saving the same settings again changes nothing: same version, no audit entry.
    const again = (
      await t.as(admin, 'PUT', c.url, {
        azureAppId: c.appId,
        buttonLabel: 'Report it',
        reportingOptions: ['Phishing'],
        freeTextBox: false,
        moveTo: 'junk',
        securityMailbox: 'soc@stable.example',
        countUnverified: true,
      })
    ).json();
    expect(again.manifestVersion).toBe('1.0.2.0');
    expect((await auditOf(c.clientId)).filter((e) => e.action === 'report_addin.update')).toHaveLength(1);
  });

  it('survives concurrent saves: one add-in id, and every change gets its own version', async () => {
    // Two administrators (or a double click) saving at once: on PostgreSQL both first saves used
    // to insert (a 500), and concurrent edits could give two different manifests one version.
    const c = await newClient('Concurrent');
    const labels = ['Report A', 'Report B', 'Report C', 'Report D'];
    const saves = await Promise.all(
      labels.map((buttonLabel) => t.as(admin, 'PUT', c.url, { azureAppId: c.appId, buttonLabel })),
    );
    expect(saves.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    expect(new Set(saves.map((r) => r.json().addinId)).size).toBe(1);
    const audit = await auditOf(c.clientId);
    const creates = audit.filter((e) => e.action === 'report_addin.create');
    const updates = audit.filter((e) => e.action === 'report_addin.update');
    expect(creates).toHaveLength(1);
    // Each save changed the label the one before it left, so each is an update with its own version.
    expect(updates).toHaveLength(3);
    expect(new Set(updates.map((e) => e.details?.manifestVersion))).toEqual(new Set(['1.0.2.0', '1.0.3.0', '1.0.4.0']));
    expect((await t.as(admin, 'GET', c.url)).json().manifestVersion).toBe('1.0.4.0');
  });
});

describe('the manifest download', () => {
  it('is an XML attachment named for the client and the variant, on the public URL', async () => {
    const c = await newClient('Contoso Ltd.');
    await t.as(admin, 'PUT', c.url, { azureAppId: c.appId, buttonLabel: 'Report & <check>' });
    for (const variant of ['classic', 'integrated']) {
      const r = await t.as(admin, 'GET', `${c.url}/manifest?variant=${variant}`);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(r.headers['content-disposition']).toBe(
        `attachment; filename="baitwise-report-addin-contoso-ltd-${variant}.xml"`,
      );
      expect(r.body).toContain('DefaultValue="Report &amp; &lt;check&gt;"');
      expect(r.body).toContain(`${PUBLIC_URL}/addin/assets/icon-16.png`);
      expect(r.body).not.toMatch(/DefaultValue="http:|>http:/); // namespaces aside, nothing on http
    }
    expect((await t.as(admin, 'GET', `${c.url}/manifest`)).body.includes('ReportPhishingCommandSurface')).toBe(false); // classic by default
    const bad = await t.as(admin, 'GET', `${c.url}/manifest?variant=modern`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('variant');
  });

  it('is refused until the settings are saved, and once the chosen Azure application is deleted', async () => {
    const c = await newClient('Unready');
    const before = await t.as(admin, 'GET', `${c.url}/manifest`);
    expect(before.statusCode).toBe(409);
    expect(before.json().error.code).toBe('report_addin_not_configured');
    await t.as(admin, 'PUT', c.url, { azureAppId: c.appId });
    expect((await t.as(admin, 'GET', `${c.url}/manifest`)).statusCode).toBe(200);
    expect((await t.as(admin, 'DELETE', `/api/v1/clients/${c.clientId}/azure-apps/${c.appId}`)).statusCode).toBe(204);
    const settings = (await t.as(admin, 'GET', c.url)).json();
    expect(settings).toMatchObject({ configured: true, azureAppId: null });
    const after = await t.as(admin, 'GET', `${c.url}/manifest`);
    expect(after.statusCode).toBe(409);
    expect(after.json().error.code).toBe('report_addin_not_configured');
    expect(after.json().error.message).toMatch(/Azure application .* deleted/);
  });
});

describe('an installation whose public URL is http', () => {
  it('refuses the manifest with 409 saying why and what to set; the settings say so too', async () => {
    const h = await createTestApp({ env: { BAITWISE_PUBLIC_URL: 'http://baitwise.internal:3000' } });
    try {
      const s = await h.login(ADMIN.email, ADMIN.password);
      const clientId = (await h.as(s, 'POST', '/api/v1/clients', { name: 'Plain' })).json().id;
      const appId = (await h.as(s, 'POST', `/api/v1/clients/${clientId}/azure-apps`, APP)).json().id;
      const url = `/api/v1/clients/${clientId}/report-addin`;
      expect((await h.as(s, 'PUT', url, { azureAppId: appId })).statusCode).toBe(200);
      for (const variant of ['classic', 'integrated']) {
        const r = await h.as(s, 'GET', `${url}/manifest?variant=${variant}`);
        expect(r.statusCode).toBe(409);
        expect(r.headers['content-type']).toMatch(/^application\/json/);
        expect(r.json().error.code).toBe('public_url_not_https');
        expect(r.json().error.message).toMatch(/Outlook loads add-ins only over https/);
        expect(r.json().error.message).toContain('BAITWISE_PUBLIC_URL');
        expect(r.json().error.details).toEqual({ variable: 'BAITWISE_PUBLIC_URL' });
      }
      const settings = (await h.as(s, 'GET', url)).json();
      expect(settings.manifestBlocker).toMatch(/https.*BAITWISE_PUBLIC_URL/s);
      expect(settings.nestedAppAuthRedirectUri).toBe('brk-multihub://baitwise.internal:3000');
    } finally {
      await h.close();
    }
  });
});

describe('an archived client', () => {
  it('keeps its settings and manifest readable, and refuses changes', async () => {
    const c = await newClient('Archived');
    await t.as(admin, 'PUT', c.url, { azureAppId: c.appId });
    const before = (await t.as(admin, 'GET', c.url)).json();
    expect((await t.as(admin, 'PATCH', `/api/v1/clients/${c.clientId}`, { archived: true })).statusCode).toBe(200);
    const put = await t.as(admin, 'PUT', c.url, { azureAppId: c.appId, buttonLabel: 'Changed' });
    expect(put.statusCode).toBe(409);
    expect(put.json().error.code).toBe('client_archived');
    expect((await t.as(admin, 'GET', c.url)).json()).toEqual(before);
    expect((await t.as(admin, 'GET', `${c.url}/manifest`)).statusCode).toBe(200);
  });
});

describe('the Azure applications registration help', () => {
  it('lists the nested app authentication redirect URI (single-page application)', async () => {
    const r = (await t.as(admin, 'GET', '/api/v1/azure-apps/registration-info')).json();
    expect(r.nestedAppAuth).toEqual({
      redirectUri: 'brk-multihub://baitwise.test:8443',
      platform: 'Single-page application',
      purpose: expect.stringContaining('Outlook report add-in'),
    });
  });
});

describe('the files Outlook loads from /addin/', () => {
  it('serves the icons of every size the manifest names, without a session', async () => {
    for (const size of [16, 32, 64, 80, 128]) {
      const r = await t.app.inject({ method: 'GET', url: `/addin/assets/icon-${size}.png` });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('image/png');
      const png = r.rawPayload;
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]); // IHDR width, height
    }
  });

  it('runs in classic Outlook on Windows’ JavaScript-only runtime: no page, the add-in id and Baitwise’s address in the script', async () => {
    const addinId = '6f1c2d3e-4a5b-4c6d-8e7f-901234567890';
    const js = (await t.app.inject({ method: 'GET', url: `/addin/report.js?addin=${addinId.toUpperCase()}` })).body;
    // Nothing but a UUID reaches the script from its URL.
    const tampered = (await t.app.inject({ method: 'GET', url: '/addin/report.js?addin=%22%3Balert(1)%2F%2F' })).body;
    expect(tampered.startsWith('globalThis.__BAITWISE__')).toBe(false);
    // A context with what that runtime has — no window, document or location — and Office.js.
    const requests: { url: string; body?: string }[] = [];
    const completed: unknown[] = [];
    const associated = new Map<string, (event: unknown) => Promise<void>>();
    const answer = {
      reportId: 'r1',
      verified: false,
      recognised: false,
      title: 'Thank you',
      message: 'Thanks.',
      moveItemTo: 'junkFolder',
    };
    const sandbox = {
      console,
      URL,
      URLSearchParams,
      AbortSignal,
      DOMException,
      TextEncoder,
      TextDecoder,
      setTimeout,
      clearTimeout,
      Promise,
      fetch: async (url: string, init?: { body?: string }) => {
        requests.push({ url, ...(init?.body ? { body: init.body } : {}) });
        const json = url.includes('/addins/')
          ? { addinId, azureClientId: null, authority: null, moveItemTo: 'junkFolder', reportingOptions: ['Phishing'] }
          : answer;
        return new Response(JSON.stringify(json), { status: 200, headers: { 'content-type': 'application/json' } });
      },
      Office: {
        MailboxEnums: { RestVersion: { v2_0: 'v2.0' } },
        onReady: (cb: () => void) => Promise.resolve().then(cb),
        actions: { associate: (name: string, fn: (e: unknown) => Promise<void>) => associated.set(name, fn) },
        context: {
          requirements: { isSetSupported: (set: string) => set === 'Mailbox' },
          mailbox: {
            item: {
              itemId: 'AAMk+1/x',
              subject: 'Invoice',
              getAsFileAsync: (cb: (r: unknown) => void) => cb({ status: 'succeeded', value: 'RnJvbTogYQ==' }),
            },
            userProfile: { emailAddress: 'alex@contoso.example' },
            convertToRestId: (id: string) => id.replaceAll('/', '-').replaceAll('+', '_'),
          },
        },
      },
    };
    vm.runInNewContext(js, vm.createContext(sandbox), { filename: 'report.js' });
    await expect.poll(() => associated.has('onSpamReport')).toBe(true);
    await associated.get('onSpamReport')!({ options: [true], completed: (o: unknown) => completed.push(o) });
    const origin = new URL(PUBLIC_URL).origin;
    expect(requests.map((r) => r.url)).toEqual([
      `${origin}/api/v1/report-addin/addins/${addinId}`,
      `${origin}/api/v1/report-addin/reports`,
    ]);
    expect(JSON.parse(requests[1]!.body ?? '{}')).toMatchObject({
      addinId,
      restId: 'AAMk_1-x',
      eml: 'RnJvbTogYQ==',
      option: 'Phishing',
    });
    expect(completed).toEqual([
      {
        onErrorDeleteItem: false,
        moveItemTo: 'junkFolder',
        showPostProcessingDialog: { title: 'Thank you', description: 'Thanks.' },
      },
    ]);
  });

  it('serves pages Outlook on the web may frame, loading Office.js from the configured address', async () => {
    for (const page of ['taskpane.html', 'support.html', 'commands.html', 'report.js']) {
      const r = await t.app.inject({ method: 'GET', url: `/addin/${page}?addin=6f1c2d3e-4a5b-4c6d-8e7f-901234567890` });
      expect(r.statusCode, page).toBe(200);
      expect(r.headers['x-frame-options'], page).toBeUndefined();
      const csp = String(r.headers['content-security-policy']);
      expect(csp, page).not.toContain('frame-ancestors');
      expect(csp, page).toContain("script-src 'self' https://appsforoffice.microsoft.com");
      expect(csp, page).toContain("object-src 'none'");
    }
    // The function file and the task pane load Microsoft's Office.js (the default), then the bundle.
    for (const page of ['commands.html', 'taskpane.html']) {
      const html = (await t.app.inject({ method: 'GET', url: `/addin/${page}` })).body;
      expect(html).toContain('<script src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js"></script>');
      expect(html).toContain('<script src="report.js"></script>');
    }
    // report.js is the built runtime: it registers both manifests' functions.
    const js = (await t.app.inject({ method: 'GET', url: '/addin/report.js' })).body;
    expect(js).toContain('reportMessage');
    expect(js).toContain('onSpamReport');
    expect(js).toContain('NestedAppAuth');
    // Nothing outside addin/ is reachable through it (an encoded "../" is not resolved by the URL parser).
    for (const url of ['/addin/%2e%2e/package.json', '/addin/..%2fpackage.json', '/addin/%2e%2e%2f.env.example']) {
      const r = await t.app.inject({ method: 'GET', url });
      expect({ url, leaked: r.statusCode === 200 && !r.body.startsWith('<!doctype html>') }).toEqual({
        url,
        leaked: false,
      });
      expect(r.body).not.toContain('"name": "baitwise"');
    }
    // Only what Outlook loads: not the runtime's source nor the folder's notes (the console's
    // fallback answers these paths, not the add-in's files).
    for (const url of ['/addin/src/report.ts', '/addin/README.md', '/addin/build/report.js']) {
      const r = await t.app.inject({ method: 'GET', url });
      expect({ url, csp: String(r.headers['content-security-policy']) }).toMatchObject({
        url,
        csp: expect.stringContaining("frame-ancestors 'none'"),
      });
      expect(r.body).not.toMatch(/onSpamReport|files Outlook loads/);
    }
  });

  it('loads Office.js from BAITWISE_OFFICE_JS_URL, which the pages’ CSP allows', async () => {
    const other = await createTestApp({
      env: { BAITWISE_PUBLIC_URL: PUBLIC_URL, BAITWISE_OFFICE_JS_URL: 'http://127.0.0.1:4999/outlook/office.js' },
    });
    try {
      const r = await other.app.inject({ method: 'GET', url: '/addin/commands.html' });
      expect(r.body).toContain('<script src="http://127.0.0.1:4999/outlook/office.js"></script>');
      expect(String(r.headers['content-security-policy'])).toContain("script-src 'self' http://127.0.0.1:4999");
    } finally {
      await other.close();
    }
  });

  it("answers a missing add-in file with the console's headers, never a framable page", async () => {
    for (const url of ['/addin/nope.html', '/addin/%2e%2e/package.json']) {
      const r = await t.app.inject({ method: 'GET', url });
      expect({ url, frame: r.headers['x-frame-options'] }).toEqual({ url, frame: 'DENY' });
      expect(String(r.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    }
  });
});
