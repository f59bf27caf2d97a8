import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureManifest } from './fixtures.js';
import { type OutlookKit, startOutlookKit } from './testkit.js';

describe('Outlook on the web: sign-in, mailbox and the control API', () => {
  let kit: OutlookKit;
  let tenant: Awaited<ReturnType<OutlookKit['tenant']>>;

  beforeAll(async () => {
    kit = await startOutlookKit();
    tenant = await kit.tenant();
  });
  afterAll(() => kit.close());

  const form = (body: Record<string, string>, cookie = '') =>
    fetch(`${kit.base}/_outlook/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams(body).toString(),
    });

  it('signs in with the password form and shows the inbox with mail delivered by the control API', async () => {
    const upn = tenant.user.userPrincipalName;
    const wrong = await form({ loginfmt: upn, passwd: 'nope' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('Your account or password is incorrect');
    const ok = await form({ loginfmt: upn, passwd: tenant.user.password });
    expect(ok.status).toBe(303);
    const cookie = ok.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    expect(cookie).toMatch(/ESTSAUTH=.*OWA_USER=/);
    await kit.control('POST', `/mailboxes/${upn}/messages`, {
      from: 'a@b.example',
      subject: 'Quarterly <numbers>',
      text: 'x',
    });
    const page = await (await fetch(`${kit.base}/_outlook/`, { headers: { cookie } })).text();
    expect(page).toContain('data-subject="Quarterly &lt;numbers&gt;"');
    const anonymous = await fetch(`${kit.base}/_outlook/`, { redirect: 'manual' });
    expect(anonymous.headers.get('location')).toBe('/_outlook/login');
  });

  it('sign-in links work once', async () => {
    const { url } = (await (
      await kit.control('POST', '/outlook/sign-in', { userPrincipalName: tenant.user.userPrincipalName })
    ).json()) as { url: string };
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(400);
    expect((await kit.control('POST', '/outlook/sign-in', { userPrincipalName: 'nobody@x.example' })).status).toBe(404);
  });

  it('install: 201 with what Outlook renders, 400 with every problem, 404 for an unknown tenant; list and remove', async () => {
    const manifestXml = fixtureManifest({
      base: 'https://addin.example',
      variant: 'integrated',
      options: ['Phishing'],
    });
    const ok = await kit.control('POST', '/outlook/install', { tenant: tenant.domain, manifestXml });
    expect(ok.status).toBe(201);
    const body = (await ok.json()) as { id: string; reportPhishing: { functionName: string } };
    expect(body.reportPhishing.functionName).toBe('onSpamReport');
    const bad = await kit.control('POST', '/outlook/install', {
      tenant: tenant.id,
      manifestXml: manifestXml.replace('6f1c2a9e-4b7d-4c3e-9a51-0d2e8f7b6c11', 'x'),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: 'manifestXml: the manifest was refused',
      errors: [expect.stringMatching(/^Id 'x' must be a GUID \(line \d+\)$/)],
    });
    expect((await kit.control('POST', '/outlook/install', { tenant: 'nowhere.example', manifestXml })).status).toBe(
      404,
    );
    const list = (await (await kit.control('GET', `/outlook/addins?tenant=${tenant.id}`)).json()) as {
      value: unknown[];
    };
    expect(list.value).toHaveLength(1);
    expect((await kit.control('DELETE', `/outlook/addins/${body.id}?tenant=${tenant.id}`)).status).toBe(204);
    expect((await kit.control('DELETE', `/outlook/addins/${body.id}?tenant=${tenant.id}`)).status).toBe(404);
  });

  it("item API: EML of the signed-in user's own message only", async () => {
    const other = await kit.tenant();
    const mine = await kit.signIn(tenant.user.userPrincipalName);
    const theirs = (await (
      await kit.control('POST', `/mailboxes/${other.user.userPrincipalName}/messages`, {
        from: 'a@b.example',
        subject: 'Private',
        text: 'x',
      })
    ).json()) as { ewsId: string };
    const res = await kit.api(mine, 'item/eml', { itemId: theirs.ewsId });
    expect(res.status).toBe(404);
    const own = await kit.api(await kit.signIn(other.user.userPrincipalName), 'item/eml', { itemId: theirs.ewsId });
    expect(Buffer.from(((await own.json()) as { value: string }).value, 'base64').toString()).toContain(
      'Subject: Private',
    );
  });
});
