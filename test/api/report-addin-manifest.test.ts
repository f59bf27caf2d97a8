// The report add-in's manifest for every combination of a client's settings: the classic variant
// validates against Microsoft's XSDs with xmllint (test/fixtures/office-addin-manifest); the
// integrated variant, whose elements those XSDs predate, has its nested VersionOverrides 1.1
// checked against Microsoft's documented structure (spam-reporting.md, the element reference
// pages for ReportPhishingCustomization, PreProcessingDialog, ReportingOptions and MoreInfo, and
// the Office-Add-in-samples spam-reporting manifest) and the rest of it against the XSDs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { child, childNames, parseXml, walk, type XmlElement } from '../helpers/xml-tree.js';

const PUBLIC_URL = 'https://baitwise.example.com:8443/bw';
const XSD = join(import.meta.dirname, '..', 'fixtures', 'office-addin-manifest', 'OfficeAppManifestV1_1.xsd');

const LABELS = ['Report phishing', 'Signaler l’hameçonnage ✉', `R&D <"report"> it's${'x'.repeat(12)}`];
const OPTION_TEXTS = [
  'I did not expect this message',
  'It asks for my password & <credentials>',
  `"Urgent" payment request – ${'long '.repeat(19)}`.slice(0, 124).concat('!'), // 125: a ShortString's most
  'Lien suspect — ça ressemble à du hameçonnage',
  "Sender's address looks wrong",
];
const MOVES = ['deleted_items', 'junk'] as const;
const MAILBOXES = [null, 'soc@contoso.example'];

interface Combination {
  buttonLabel: string;
  reportingOptions: string[];
  freeTextBox: boolean;
  moveTo: (typeof MOVES)[number];
  securityMailbox: string | null;
  countUnverified: boolean;
}

function combinations(): Combination[] {
  const out: Combination[] = [];
  for (const buttonLabel of LABELS)
    for (let n = 0; n <= 5; n++)
      for (const freeTextBox of [true, false])
        for (const moveTo of MOVES)
          for (const securityMailbox of MAILBOXES)
            for (const countUnverified of [false, true])
              out.push({
                buttonLabel,
                reportingOptions: OPTION_TEXTS.slice(0, n),
                freeTextBox,
                moveTo,
                securityMailbox,
                countUnverified,
              });
  return out;
}

let t: TestApp;
let admin: Session;
let clientId: string;
let azureAppId: string;
const dir = mkdtempSync(join(tmpdir(), 'baitwise-manifests-'));
const manifests: { combo: Combination; classic: string; integrated: string }[] = [];

beforeAll(async () => {
  t = await createTestApp({ env: { BAITWISE_PUBLIC_URL: PUBLIC_URL } });
  admin = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(admin, 'POST', '/api/v1/clients', { name: 'Contoso Ltd' })).json().id;
  azureAppId = (
    await t.as(admin, 'POST', `/api/v1/clients/${clientId}/azure-apps`, {
      name: 'Contoso tenant',
      azureClientId: '11111111-2222-4333-8444-555555555555',
      clientSecret: 'a-secret-value',
      tenant: '99999999-8888-4777-8666-555555555555',
    })
  ).json().id;
  for (const combo of combinations()) {
    const saved = await t.as(admin, 'PUT', `/api/v1/clients/${clientId}/report-addin`, { azureAppId, ...combo });
    expect(saved.statusCode, saved.body).toBe(200);
    const get = async (variant: string) => {
      const r = await t.as(admin, 'GET', `/api/v1/clients/${clientId}/report-addin/manifest?variant=${variant}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.body;
    };
    manifests.push({ combo, classic: await get('classic'), integrated: await get('integrated') });
  }
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs xmllint once over many files: each line of its report names a file. */
function xmllint(files: string[], schema: boolean): { status: number | null; output: string } {
  const args = ['--noout', '--nonet', ...(schema ? ['--schema', XSD] : []), ...files];
  const r = spawnSync('xmllint', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

it('has xmllint (libxml2-utils; scripts/test.sh installs it)', () => {
  expect(execFileSync('xmllint', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toBeDefined();
});

describe('the classic manifest', () => {
  it('validates against the Office add-in XSDs for every setting combination', () => {
    expect(manifests).toHaveLength(3 * 6 * 2 * 2 * 2 * 2);
    const files = manifests.map((m, i) => {
      const file = join(dir, `classic-${i}.xml`);
      writeFileSync(file, m.classic);
      return file;
    });
    const { status, output } = xmllint(files, true);
    expect(output.split('\n').filter((l) => l && !l.endsWith(' validates'))).toEqual([]);
    expect(status).toBe(0);
  });

  it('is refused by the XSDs when an element is out of order (the validation has teeth)', () => {
    const [first] = manifests;
    const swapped = (first?.classic ?? '').replace(
      /(<Version>[^<]*<\/Version>)(\s*)(<ProviderName>[^<]*<\/ProviderName>)/,
      '$3$2$1',
    );
    expect(swapped).not.toBe(first?.classic);
    const file = join(dir, 'out-of-order.xml');
    writeFileSync(file, swapped);
    expect(xmllint([file], true).status).not.toBe(0);
  });

  it('puts the label on a Report button that runs a function, beside a feedback task pane', () => {
    for (const { combo, classic } of manifests) {
      const doc = parseXml(classic);
      checkReferences(doc);
      const v10 = child(doc, 'VersionOverrides');
      const strings = resources(v10);
      expect(strings.short.get('Report.Label')).toBe(combo.buttonLabel);
      const surface = child(child(child(v10, 'Hosts'), 'Host'), 'DesktopFormFactor');
      const [point] = surface.children.filter((c) => c.name === 'ExtensionPoint');
      expect(point?.attrs['xsi:type']).toBe('MessageReadCommandSurface');
      const actions = [...walk(point as XmlElement)].filter((e) => e.name === 'Action').map((a) => a.attrs['xsi:type']);
      expect(actions).toEqual(['ExecuteFunction', 'ShowTaskpane']);
      expect(child(doc, 'Permissions').text).toBe('ReadWriteMailbox');
      expect([...walk(doc)].some((e) => e.attrs['xsi:type'] === 'ReportPhishingCommandSurface')).toBe(false);
    }
  });
});

/** The strings, URLs and images of a Resources block, by id. */
function resources(versionOverrides: XmlElement) {
  const res = child(versionOverrides, 'Resources');
  expect(childNames(res)).toEqual(['bt:Images', 'bt:Urls', 'bt:ShortStrings', 'bt:LongStrings']);
  const map = (name: string) =>
    new Map(child(res, name).children.map((c) => [c.attrs.id ?? '', c.attrs.DefaultValue ?? ''] as const));
  return { images: map('bt:Images'), urls: map('bt:Urls'), short: map('bt:ShortStrings'), long: map('bt:LongStrings') };
}

/**
 * What the XSDs do not check: every resid names a resource of the right kind in its own
 * VersionOverrides, ids are at most 32 characters, strings within Microsoft's lengths, and every
 * URL is https on Baitwise's public URL.
 */
function checkReferences(doc: XmlElement) {
  const blocks = [...walk(doc)].filter((e) => e.name === 'VersionOverrides');
  expect(blocks).toHaveLength(2);
  for (const block of blocks) {
    const r = resources(block);
    for (const [id, v] of r.short) {
      expect(id.length).toBeLessThanOrEqual(32);
      expect([...v].length).toBeLessThanOrEqual(125);
      expect(v.trim()).not.toBe('');
    }
    for (const [id, v] of r.long) {
      expect(id.length).toBeLessThanOrEqual(32);
      expect([...v].length).toBeLessThanOrEqual(250);
    }
    for (const v of [...r.urls.values(), ...r.images.values()]) expect(v.startsWith(`${PUBLIC_URL}/addin/`)).toBe(true);
    const own = [...walk(block)].filter((e) => !(e !== block && e.name === 'VersionOverrides'));
    const nested = [...walk(block)]
      .filter((e) => e !== block && e.name === 'VersionOverrides')
      .flatMap((e) => [...walk(e)]);
    for (const el of own.filter((e) => !nested.includes(e) && e.attrs.resid !== undefined)) {
      const id = el.attrs.resid ?? '';
      const kind = ['Label', 'Title', 'Option', 'FreeTextLabel', 'MoreInfoText'].includes(el.name)
        ? r.short
        : el.name === 'Description'
          ? r.long
          : el.name === 'bt:Image'
            ? r.images
            : r.urls;
      expect({ element: el.name, resid: id, found: kind.has(id) }).toEqual({
        element: el.name,
        resid: id,
        found: true,
      });
    }
  }
  for (const url of [
    child(doc, 'IconUrl').attrs.DefaultValue,
    child(doc, 'HighResolutionIconUrl').attrs.DefaultValue,
    child(doc, 'SupportUrl').attrs.DefaultValue,
    child(child(child(child(doc, 'FormSettings'), 'Form'), 'DesktopSettings'), 'SourceLocation').attrs.DefaultValue,
  ])
    expect(url?.startsWith(`${PUBLIC_URL}/addin/`)).toBe(true);
  expect(child(child(doc, 'AppDomains'), 'AppDomain').text).toBe('https://baitwise.example.com:8443');
}

describe('the integrated manifest', () => {
  it('keeps everything outside its VersionOverrides 1.1 valid against the XSDs (the classic fallback)', () => {
    const files = manifests.map((m, i) => {
      const file = join(dir, `integrated-without-1.1-${i}.xml`);
      const without = m.integrated.replace(
        /\s*<VersionOverrides xmlns="http:\/\/schemas\.microsoft\.com\/office\/mailappversionoverrides\/1\.1"[\s\S]*?<\/VersionOverrides>(?=\s*<\/VersionOverrides>)/,
        '',
      );
      expect(without).not.toBe(m.integrated);
      writeFileSync(file, without);
      return file;
    });
    const { status, output } = xmllint(files, true);
    expect(output.split('\n').filter((l) => l && !l.endsWith(' validates'))).toEqual([]);
    expect(status).toBe(0);
  });

  it('is well-formed XML for every combination', () => {
    const files = manifests.map((m, i) => {
      const file = join(dir, `integrated-${i}.xml`);
      writeFileSync(file, m.integrated);
      return file;
    });
    expect(xmllint(files, false)).toEqual({ status: 0, output: '' });
  });

  it('has the documented ReportPhishingCommandSurface structure for every combination', () => {
    for (const { combo, integrated } of manifests) checkIntegrated(integrated, combo);
  });

  it('shares the add-in id and version with the classic variant', () => {
    for (const { classic, integrated } of manifests) {
      const a = parseXml(classic);
      const b = parseXml(integrated);
      expect(child(b, 'Id').text).toBe(child(a, 'Id').text);
      expect(child(b, 'Version').text).toBe(child(a, 'Version').text);
    }
  });
});

function checkIntegrated(xml: string, combo: Combination) {
  const doc = parseXml(xml);
  checkReferences(doc);
  const v10 = child(doc, 'VersionOverrides');
  expect(v10.attrs['xsi:type']).toBe('VersionOverridesV1_0');
  // VersionOverrides 1.1 nests inside 1.0, after 1.0's own elements.
  expect(childNames(v10)).toEqual(['Requirements', 'Hosts', 'Resources', 'VersionOverrides']);
  const v11 = child(v10, 'VersionOverrides');
  expect(v11.attrs).toMatchObject({
    xmlns: 'http://schemas.microsoft.com/office/mailappversionoverrides/1.1',
    'xsi:type': 'VersionOverridesV1_1',
  });
  expect(childNames(v11)).toEqual(['Requirements', 'Hosts', 'Resources']);
  // Integrated spam reporting needs Mailbox 1.14.
  const sets = child(child(v11, 'Requirements'), 'bt:Sets');
  expect(sets.attrs.DefaultMinVersion).toBe('1.14');
  expect(child(sets, 'bt:Set').attrs.Name).toBe('Mailbox');
  const host = child(child(v11, 'Hosts'), 'Host');
  expect(host.attrs['xsi:type']).toBe('MailHost');
  // Runtimes come before DesktopFormFactor; one runtime (an HTML page) with a JavaScript override
  // for classic Outlook on Windows.
  expect(childNames(host)).toEqual(['Runtimes', 'DesktopFormFactor']);
  const runtime = child(child(host, 'Runtimes'), 'Runtime');
  const runtimeId = runtime.attrs.resid ?? '';
  expect(childNames(runtime)).toEqual(['Override']);
  expect(child(runtime, 'Override').attrs.type).toBe('javascript');
  const r = resources(v11);
  expect(r.urls.get(runtimeId)).toMatch(/\/addin\/commands\.html\?addin=/);
  expect(r.urls.get(child(runtime, 'Override').attrs.resid ?? '')).toMatch(/\/addin\/report\.js\?addin=/);

  const form = child(host, 'DesktopFormFactor');
  expect(form.children[0]?.name).toBe('FunctionFile');
  expect(form.children[0]?.attrs.resid).toBe(runtimeId);
  const points = form.children.filter((c) => c.name === 'ExtensionPoint');
  expect(childNames(form)).toEqual(['FunctionFile', ...points.map(() => 'ExtensionPoint')]);
  const report = points.filter((p) => p.attrs['xsi:type'] === 'ReportPhishingCommandSurface');
  expect(report).toHaveLength(1);

  // ReportPhishingCustomization: Control, PreProcessingDialog, SourceLocation — all required, in order.
  const custom = child(report[0] as XmlElement, 'ReportPhishingCustomization');
  expect(childNames(custom)).toEqual(['Control', 'PreProcessingDialog', 'SourceLocation']);
  // The SourceLocation must name the same resource as the browser runtime.
  expect(child(custom, 'SourceLocation').attrs.resid).toBe(runtimeId);
  const control = child(custom, 'Control');
  expect(control.attrs['xsi:type']).toBe('Button');
  expect(childNames(control)).toEqual(['Label', 'Supertip', 'Icon', 'Action']);
  expect(r.short.get(child(control, 'Label').attrs.resid ?? '')).toBe(combo.buttonLabel);
  const action = child(control, 'Action');
  expect(action.attrs['xsi:type']).toBe('ExecuteFunction');
  expect(child(action, 'FunctionName').text).toBe('onSpamReport');
  expect(child(control, 'Icon').children.map((i) => i.attrs.size)).toEqual(['16', '32', '80']);

  // PreProcessingDialog: Title and Description required; then, in the schema's order, the
  // optional ReportingOptions, FreeTextLabel and MoreInfo.
  const dialog = child(custom, 'PreProcessingDialog');
  const order = ['Title', 'Description', 'NeverShowAgainOption', 'ReportingOptions', 'FreeTextLabel', 'MoreInfo'];
  const names = childNames(dialog);
  expect(names.slice(0, 2)).toEqual(['Title', 'Description']);
  expect([...names].sort((a, b) => order.indexOf(a) - order.indexOf(b))).toEqual(names);
  expect(new Set(names).size).toBe(names.length);
  expect(r.short.has(child(dialog, 'Title').attrs.resid ?? '')).toBe(true);
  expect(r.long.has(child(dialog, 'Description').attrs.resid ?? '')).toBe(true);

  // ReportingOptions only with options: a Title, then one to five Options, in the client's order.
  if (combo.reportingOptions.length === 0) {
    expect(names).not.toContain('ReportingOptions');
  } else {
    const options = child(dialog, 'ReportingOptions');
    expect(childNames(options)).toEqual(['Title', ...combo.reportingOptions.map(() => 'Option')]);
    expect(options.children.length - 1).toBeLessThanOrEqual(5);
    expect(r.short.get(child(options, 'Title').attrs.resid ?? '')).toBeTruthy();
    expect(options.children.slice(1).map((o) => r.short.get(o.attrs.resid ?? ''))).toEqual(combo.reportingOptions);
  }
  expect(names.includes('FreeTextLabel')).toBe(combo.freeTextBox);
  if (combo.freeTextBox) expect(r.short.get(child(dialog, 'FreeTextLabel').attrs.resid ?? '')).toBeTruthy();
  const more = child(dialog, 'MoreInfo');
  expect(childNames(more)).toEqual(['MoreInfoText', 'MoreInfoUrl']);
  expect(r.urls.get(child(more, 'MoreInfoUrl').attrs.resid ?? '')).toMatch(/\/addin\/support\.html/);

  // A spam-reporting button cannot open a task pane: the feedback pane stays a ribbon button.
  const others = points.filter((p) => p !== report[0]);
  expect(others.map((p) => p.attrs['xsi:type'])).toEqual(['MessageReadCommandSurface']);
  const otherActions = [...walk(others[0] as XmlElement)].filter((e) => e.name === 'Action');
  expect(otherActions.map((a) => a.attrs['xsi:type'])).toEqual(['ShowTaskpane']);
}
