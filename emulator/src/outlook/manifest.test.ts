import { describe, expect, it } from 'vitest';
import { fixtureManifest } from './fixtures.js';
import { checkManifest } from './manifest.js';

const HTTPS = 'https://addin.example/addin';
const strict = { allowLoopbackHttp: false };
const errorsOf = (xml: string, opts = strict) => {
  const r = checkManifest(xml, opts);
  return r.ok ? [] : r.errors;
};

describe('add-in manifest checks', () => {
  it('accepts the classic variant and renders its read-surface buttons from VersionOverrides 1.1', () => {
    const r = checkManifest(fixtureManifest({ base: HTTPS, variant: 'classic' }), strict);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.addin.versionOverrides).toBe('1.1');
    expect(r.addin.functionFile).toBe(`${HTTPS}/commands.html`);
    expect(r.addin.buttons.map((b) => [b.label, b.action])).toEqual([
      ['Report phishing', { kind: 'function', functionName: 'reportMessage' }],
      ['Report status', { kind: 'taskpane', url: `${HTTPS}/taskpane.html` }],
    ]);
    expect(r.addin.reportPhishing).toBeNull();
  });

  it('accepts the integrated variant: Report button, pre-processing dialog options and free text', () => {
    const xml = fixtureManifest({ base: HTTPS, variant: 'integrated', options: ['Phishing', 'Spam'], freeText: true });
    const r = checkManifest(xml, strict);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.addin.reportPhishing).toMatchObject({
      label: 'Report phishing',
      functionName: 'onSpamReport',
      sourceLocation: `${HTTPS}/commands.html`,
      dialog: {
        title: 'Report phishing',
        options: ['Phishing', 'Spam'],
        freeTextLabel: 'Anything else?',
        moreInfo: { text: 'How reporting works', url: `${HTTPS}/support.html` },
      },
    });
    // the ribbon keeps only the task pane button: the report button lives in Outlook's Report section
    expect(r.addin.buttons.map((b) => b.id)).toEqual(['feedbackButton']);
  });

  it('refuses XML that is not well-formed, naming the line', () => {
    const xml = fixtureManifest({ base: HTTPS, variant: 'classic' }).replace('</ProviderName>', '</Provider>');
    expect(errorsOf(xml)).toEqual([expect.stringMatching(/not well-formed.*does not match <ProviderName>.*line 5/)]);
    expect(errorsOf('<OfficeApp')[0]).toMatch(/not well-formed/);
    expect(
      errorsOf(fixtureManifest({ base: HTTPS, variant: 'classic' }).replace('Emulator tests', 'A & B'))[0],
    ).toMatch(/not well-formed.*&/);
  });

  it('refuses a manifest that is not a MailApp, or has a bad Id or Version', () => {
    const ok = fixtureManifest({ base: HTTPS, variant: 'classic' });
    expect(errorsOf(ok.replace('xsi:type="MailApp"', 'xsi:type="TaskPaneApp"'))[0]).toMatch(/MailApp/);
    expect(errorsOf(ok.replace(/<Id>[^<]+<\/Id>/, '<Id>not-a-guid</Id>'))).toEqual([
      expect.stringMatching(/Id 'not-a-guid' must be a GUID/),
    ]);
    expect(errorsOf(ok.replace('<Version>1.0.0.0</Version>', '<Version>one</Version>'))[0]).toMatch(/Version 'one'/);
  });

  it('refuses http URLs; loopback http only with the test flag', () => {
    const xml = fixtureManifest({ base: 'http://127.0.0.1:3000/addin', variant: 'integrated', options: ['Phishing'] });
    const errors = errorsOf(xml);
    expect(errors.length).toBeGreaterThan(3);
    expect(errors[0]).toMatch(/must use https \(http on loopback only when .*--outlook-allow-http-loopback\)/);
    expect(checkManifest(xml, { allowLoopbackHttp: true }).ok).toBe(true);
    const remote = fixtureManifest({ base: 'http://addin.example', variant: 'classic' });
    expect(errorsOf(remote, { allowLoopbackHttp: true }).length).toBeGreaterThan(0);
  });

  it('refuses a resid that matches no resource of its kind', () => {
    const xml = fixtureManifest({ base: HTTPS, variant: 'classic' }).replaceAll(
      '<SourceLocation resid="Taskpane.Url"/>',
      '<SourceLocation resid="Missing.Url"/>',
    );
    expect(errorsOf(xml)).toContainEqual(
      expect.stringMatching(/<SourceLocation resid="Missing.Url"> does not match any bt:Urls resource/),
    );
  });

  it('refuses ExecuteFunction without a FunctionFile', () => {
    const xml = fixtureManifest({ base: HTTPS, variant: 'classic' }).replaceAll(
      '<FunctionFile resid="Commands.Url"/>',
      '',
    );
    expect(errorsOf(xml)).toContainEqual(expect.stringMatching(/ExecuteFunction needs a FunctionFile/));
  });

  it('refuses more than five reporting options, and ReportPhishingCommandSurface below Mailbox 1.14', () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(errorsOf(fixtureManifest({ base: HTTPS, variant: 'integrated', options: six }))).toContainEqual(
      expect.stringMatching(/ReportingOptions has 6 options; at most 5/),
    );
    const low = fixtureManifest({ base: HTTPS, variant: 'integrated', options: ['a'] }).replace(
      'DefaultMinVersion="1.14"',
      'DefaultMinVersion="1.13"',
    );
    expect(errorsOf(low)).toContainEqual(expect.stringMatching(/needs the Mailbox 1.14 requirement set/));
  });

  it('refuses Mailbox requirement sets newer than this Outlook supports', () => {
    const xml = fixtureManifest({ base: HTTPS, variant: 'classic' }).replace('MinVersion="1.1"', 'MinVersion="1.99"');
    expect(errorsOf(xml)).toContainEqual(expect.stringMatching(/Mailbox 1.99 is not supported/));
  });
});
