// HTML of the emulated sign-in experience. Field names and button ids follow the real Entra pages
// (loginfmt, passwd, idSIButton9) so browser tests read like tests against Microsoft. Every
// interpolated value goes through esc(): user names, app names and URIs are attacker-controlled.
import type { AadError } from './errors.js';

export const esc = (s: unknown): string =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const STYLE = `body{font-family:"Segoe UI",Arial,sans-serif;background:#f2f2f2;margin:0}
main{background:#fff;max-width:440px;margin:60px auto;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:16px 0}.logo{font-weight:600;color:#737373}
input[type=email],input[type=password],input[type=text],textarea{width:100%;padding:6px 0;border:0;border-bottom:1px solid #666;font-size:15px;margin:8px 0}
button{background:#0067b8;color:#fff;border:0;padding:6px 24px;font-size:15px;cursor:pointer;margin:12px 8px 0 0}
button.secondary{background:#ccc;color:#000}.error{color:#e81123}.small{font-size:13px;color:#555}
ul.perms li{margin:6px 0}.link{background:none;color:#0067b8;padding:0;margin:0}`;

export function layout(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body><main><div class="logo">Microsoft (emulated)</div>${body}</main></body></html>`;
}

const hidden = (flowId: string, action: string) =>
  `<input type="hidden" name="flow" value="${esc(flowId)}"><input type="hidden" name="action" value="${esc(action)}">`;

export function errorPage(e: AadError): string {
  return layout(
    'Sign in to your account',
    `<h1>Sorry, but we're having trouble signing you in.</h1>
<p id="error-line" class="error">${esc(e.line)}</p>
<div class="small"><p>Troubleshooting details</p>
<p>Request Id: ${esc(e.traceId)}<br>Correlation Id: ${esc(e.correlationId)}<br>Timestamp: ${esc(e.timestamp)}<br>
Message: ${esc(e.line)}</p></div>`,
  );
}

export interface FormTarget {
  action: string; // POST URL
  flowId: string;
}

export function signInPage(t: FormTarget, o: { appName: string; loginHint?: string; error?: string }): string {
  return layout(
    'Sign in to your account',
    `<h1>Sign in</h1><p class="small">to continue to ${esc(o.appName)}</p>
${o.error ? `<p class="error" id="usernameError">${esc(o.error)}</p>` : ''}
<form method="post" action="${esc(t.action)}">${hidden(t.flowId, 'username')}
<input type="email" name="loginfmt" id="i0116" placeholder="Email, phone, or Skype" value="${esc(o.loginHint ?? '')}" required autofocus>
<button type="submit" id="idSIButton9">Next</button></form>`,
  );
}

export function passwordPage(t: FormTarget, o: { username: string; error?: string }): string {
  return layout(
    'Sign in to your account',
    `<p>${esc(o.username)}</p><h1>Enter password</h1>
${o.error ? `<p class="error" id="passwordError">${esc(o.error)}</p>` : ''}
<form method="post" action="${esc(t.action)}">${hidden(t.flowId, 'password')}
<input type="password" name="passwd" id="i0118" placeholder="Password" required autofocus>
<button type="submit" id="idSIButton9">Sign in</button></form>`,
  );
}

export function mfaPage(t: FormTarget, o: { username: string; code: string; error?: string }): string {
  return layout(
    'Verify your identity',
    `<p>${esc(o.username)}</p><h1>Verify your identity</h1>
<p>Approve sign in request: enter the code from your authenticator app.</p>
<p class="small">Emulator: the code is <strong id="mfa-code">${esc(o.code)}</strong></p>
${o.error ? `<p class="error">${esc(o.error)}</p>` : ''}
<form method="post" action="${esc(t.action)}">${hidden(t.flowId, 'mfa')}
<input type="text" name="otc" id="idTxtBx_SAOTCC_OTC" inputmode="numeric" placeholder="Code" required autofocus>
<button type="submit" id="idSubmit_SAOTCC_Continue">Verify</button></form>`,
  );
}

export function accountPickerPage(t: FormTarget, accounts: { id: string; upn: string; name: string }[]): string {
  const items = accounts
    .map(
      (a) => `<form method="post" action="${esc(t.action)}">${hidden(t.flowId, 'pick')}
<input type="hidden" name="account" value="${esc(a.id)}">
<button type="submit" class="secondary" data-upn="${esc(a.upn)}">${esc(a.name)} — ${esc(a.upn)}</button></form>`,
    )
    .join('');
  return layout(
    'Pick an account',
    `<h1>Pick an account</h1>${items}
<form method="post" action="${esc(t.action)}">${hidden(t.flowId, 'another')}
<button type="submit" class="link" id="otherTile">Use another account</button></form>`,
  );
}

export interface PermissionLine {
  key: string;
  description: string;
}

export function consentPage(
  t: FormTarget,
  o: { appName: string; username: string; perms: PermissionLine[]; orgCheckbox: boolean; forOrganization: boolean },
): string {
  const items = o.perms
    .map((p) => `<li data-scope="${esc(p.key)}">${esc(p.description)} <span class="small">(${esc(p.key)})</span></li>`)
    .join('');
  const org = o.forOrganization
    ? '<p>Accepting these permissions grants this app access for all users in your organization.</p>'
    : o.orgCheckbox
      ? '<p><label><input type="checkbox" name="ConsentForOrganization" value="true" id="consentForOrg"> Consent on behalf of your organization</label></p>'
      : '';
  return layout(
    'Permissions requested',
    `<p>${esc(o.username)}</p><h1>Permissions requested</h1>
<p><strong>${esc(o.appName)}</strong><br><span class="small">unverified</span></p>
<p>This app would like to:</p><ul class="perms">${items}</ul>
<form method="post" action="${esc(t.action)}">${hidden(t.flowId, 'consent')}${org}
<p class="small">Accepting these permissions means that you allow this app to use your data as specified in their terms of service and privacy statement.</p>
<button type="submit" name="decision" value="accept" id="idBtn_Accept">Accept</button>
<button type="submit" name="decision" value="cancel" class="secondary" id="idBtn_Back">Cancel</button></form>`,
  );
}

const returnLink = (href: string) =>
  `<p><a href="${esc(href)}" id="returnToApp">Return to the application without granting consent</a></p>`;

export function needAdminApprovalPage(t: FormTarget, o: { appName: string; line: string; returnUrl: string }): string {
  return layout(
    'Need admin approval',
    `<h1>Need admin approval</h1><p><strong>${esc(o.appName)}</strong></p>
<p>${esc(o.appName)} needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>
<form method="post" action="${esc(t.action)}">${hidden(t.flowId, 'another')}
<p>Have an admin account? <button type="submit" class="link" id="adminSignIn">Sign in with that account</button></p></form>
${returnLink(o.returnUrl)}
<p class="small" id="error-line">${esc(o.line)}</p>`,
  );
}

export function approvalRequiredPage(
  t: FormTarget,
  o: { appName: string; perms: PermissionLine[]; line: string; returnUrl: string },
): string {
  const items = o.perms
    .map((p) => `<li>${esc(p.description)} <span class="small">(${esc(p.key)})</span></li>`)
    .join('');
  return layout(
    'Approval required',
    `<h1>Approval required</h1><p><strong>${esc(o.appName)}</strong></p>
<p>This app requires your admin's approval to:</p><ul class="perms">${items}</ul>
<form method="post" action="${esc(t.action)}">${hidden(t.flowId, 'request-approval')}
<label for="justification">Enter justification for requesting this app</label>
<textarea name="justification" id="justification" rows="3"></textarea>
<button type="submit" id="requestApproval">Request approval</button></form>
${returnLink(o.returnUrl)}<p class="small" id="error-line">${esc(o.line)}</p>`,
  );
}

export function requestSentPage(o: { appName: string; returnUrl: string; alreadyPending: boolean }): string {
  return layout(
    'Request sent',
    `<h1>Request sent</h1>
<p>${o.alreadyPending ? 'You already requested approval for' : 'Your request for'} <strong>${esc(o.appName)}</strong> ${
      o.alreadyPending ? 'and it is still waiting for review.' : 'has been sent to your admin for review.'
    }</p>
<p>You will get an email once your request is reviewed. Return to the app to try again afterwards.</p>${returnLink(o.returnUrl)}`,
  );
}

/** response_mode=form_post: the browser POSTs the result to the redirect URI by itself. */
export function formPostPage(uri: string, params: Record<string, string>): string {
  const inputs = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return `<!DOCTYPE html><html><head><title>Working...</title></head><body onload="document.forms[0].submit()">
<form method="POST" name="hiddenform" action="${esc(uri)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript></form></body></html>`;
}
