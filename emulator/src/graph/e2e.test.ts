// The whole path Baitwise takes, through the identity platform rather than minted tokens:
// admin consent → code flow (openid-client) → Graph with the access token → refresh for
// https://outlook.office.com/SMTP.Send → SMTP XOAUTH2 (nodemailer).
import nodemailer from 'nodemailer';
import * as client from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { control, type Fixture, setupTenant } from '../identity/fixtures.js';
import { FormBrowser } from '../identity/testkit.js';
import { type Emulator, startEmulator } from '../server.js';

let emu: Emulator;
let f: Fixture;
let config: client.Configuration;

beforeAll(async () => {
  emu = await startEmulator();
  f = await setupTenant(emu, 'Contoso', 'e2e');
  await control(emu, 'POST', '/grants', {
    tenantId: f.tid,
    clientId: f.clientId,
    userId: null,
    scopes: [
      'User.Read',
      'User.Read.All',
      'GroupMember.Read.All',
      'Mail.ReadWrite',
      'Mail.Send',
      'https://outlook.office.com/SMTP.Send',
    ],
  });
  config = await client.discovery(
    new URL(`${emu.urls.authority}/${f.tid}/v2.0`),
    f.clientId,
    f.clientSecret,
    undefined,
    {
      execute: [client.allowInsecureRequests],
    },
  );
});
afterAll(() => emu.close());

it('signs in, lists users, sends over Graph and over SMTP with tokens from the identity platform', async () => {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: f.redirectUri,
    scope: 'openid offline_access User.Read User.Read.All GroupMember.Read.All Mail.ReadWrite Mail.Send',
    state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const done = await new FormBrowser(emu.urls.authority).signIn(url.href, {
    username: f.admin.userPrincipalName,
    password: f.admin.password,
  });
  const tokens = await client.authorizationCodeGrant(config, new URL(done.location!), {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  const auth = { authorization: `Bearer ${tokens.access_token}` };
  const graph = `${emu.urls.graph}/v1.0`;

  const me = (await (await fetch(`${graph}/me`, { headers: auth })).json()) as { id: string };
  expect(me.id).toBe(f.admin.id);
  const users = (await (await fetch(`${graph}/users?$top=999&$select=id`, { headers: auth })).json()) as {
    value: unknown[];
  };
  expect(users.value).toHaveLength(20);

  const sent = await fetch(`${graph}/me/sendMail`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      message: { subject: 'via Graph', toRecipients: [{ emailAddress: { address: f.user.userPrincipalName } }] },
    }),
  });
  expect(sent.status).toBe(202);

  const outlook = await client.refreshTokenGrant(config, tokens.refresh_token!, {
    scope: 'https://outlook.office.com/SMTP.Send offline_access',
  });
  // the Graph token is refused by SMTP, the Outlook one is accepted
  const smtp = (accessToken: string) =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: emu.urls.smtp.port,
      requireTLS: true,
      tls: { ca: emu.urls.caPem },
      auth: { type: 'OAuth2', user: f.admin.userPrincipalName, accessToken },
    });
  await expect(
    smtp(tokens.access_token).sendMail({ from: f.admin.userPrincipalName, to: f.user.userPrincipalName, text: 'x' }),
  ).rejects.toMatchObject({
    responseCode: 535,
  });
  await smtp(outlook.access_token).sendMail({
    from: f.admin.userPrincipalName,
    to: f.user.userPrincipalName,
    subject: 'via SMTP',
    text: 'hello',
  });

  const inbox = (await (
    await fetch(`${emu.urls.control}/mailboxes/${f.user.userPrincipalName}/messages?folder=inbox`)
  ).json()) as {
    value: { subject: string }[];
  };
  expect(inbox.value.map((m) => m.subject).sort()).toEqual(['via Graph', 'via SMTP']);
});
