// The HTML of the emulated Outlook on the web: sign-in, the mailbox (folders, message list,
// reading pane with the add-ins' buttons) and the add-in management page. The behaviour lives in
// client/host.js; the page hands it its data as JSON. data-testid attributes are for tests.
import type { MailMessage, User } from '../model.js';
import type { InstalledAddin } from './state.js';

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** JSON inside <script type="application/json">: '<' escaped so no tag can end the element. */
const jsonScript = (id: string, v: unknown) =>
  `<script id="${id}" type="application/json">${JSON.stringify(v).replace(/</g, '\\u003c')}</script>`;

const STYLE = `
body{font-family:"Segoe UI",system-ui,sans-serif;margin:0;color:#242424;font-size:14px}
header{background:#0f6cbd;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center}
header a{color:#fff} main{display:flex;height:calc(100vh - 40px)}
nav{width:170px;border-right:1px solid #ddd;padding:8px} nav a{display:block;padding:4px 6px;color:#242424;text-decoration:none}
nav a.current{background:#e6f0fa;font-weight:600}
#list{width:320px;border-right:1px solid #ddd;overflow:auto} #list a{display:block;padding:8px;border-bottom:1px solid #eee;color:#242424;text-decoration:none}
#list a.current{background:#e6f0fa} #reading{flex:1;padding:12px;overflow:auto;display:flex;flex-direction:column}
#ribbon{display:flex;gap:8px;flex-wrap:wrap;padding:6px 0;border-bottom:1px solid #ddd;margin-bottom:8px}
#ribbon button{padding:4px 10px} .group{border:1px solid #ddd;padding:2px 6px;display:flex;gap:6px;align-items:center}
.group span{color:#666;font-size:12px} #infobar div{background:#fff4ce;padding:6px;margin:4px 0}
#taskpane{width:340px;border-left:1px solid #ddd;display:none;flex-direction:column} #taskpane.open{display:flex}
#taskpane iframe{flex:1;border:0} .dialog{position:fixed;inset:0;background:rgba(0,0,0,.35);display:flex;align-items:center;justify-content:center}
.dialog>div{background:#fff;padding:20px;width:420px;box-shadow:0 4px 20px rgba(0,0,0,.3)} iframe.body{border:0;width:100%;flex:1;min-height:300px}
.error{color:#a4262c}`;

function layout(title: string, body: string, extraHead = ''): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style>${extraHead}</head><body>${body}</body></html>`;
}

export function signInPage(o: { error?: string; login?: string }): string {
  return layout(
    'Sign in - Outlook',
    `<header><strong>Outlook</strong></header><div style="padding:24px;max-width:360px">
<h1>Sign in</h1>${o.error ? `<p class="error" data-testid="signin-error">${esc(o.error)}</p>` : ''}
<form method="post" action="/_outlook/login">
<p><label>Email, phone, or Skype<br><input name="loginfmt" type="email" value="${esc(o.login ?? '')}" autofocus required></label></p>
<p><label>Password<br><input name="passwd" type="password" required></label></p>
<p><button type="submit">Sign in</button></p></form></div>`,
  );
}

export const FOLDERS: [string, string][] = [
  ['inbox', 'Inbox'],
  ['junkemail', 'Junk Email'],
  ['deleteditems', 'Deleted Items'],
  ['sentitems', 'Sent Items'],
];

export interface MailboxView {
  user: User;
  folder: string;
  messages: MailMessage[];
  counts: Record<string, number>;
  item: MailMessage | null;
  addins: InstalledAddin[];
  nestedAppAuth: boolean;
}

function readingPane(v: MailboxView): string {
  const m = v.item;
  if (!m) return '<p data-testid="no-item">Select an item to read</p>';
  const integrated = v.addins.find((a) => a.addin.reportPhishing);
  const report = integrated?.addin.reportPhishing
    ? `<button data-testid="report-button" data-addin="${esc(integrated.addin.id)}" data-action="report-phishing">${esc(integrated.addin.reportPhishing.label)}</button>`
    : '<button data-testid="report-button" data-action="native-report">Report</button>';
  const groups = v.addins
    .filter((a) => a.addin.buttons.length)
    .map(
      (a) =>
        `<div class="group" data-testid="addin-group"><span>${esc(a.addin.groupLabel ?? a.addin.displayName)}</span>${a.addin.buttons
          .map(
            (b) =>
              `<button data-testid="addin-button" data-addin="${esc(a.addin.id)}" data-control="${esc(b.id)}" title="${esc(b.tooltip)}">${esc(b.label)}</button>`,
          )
          .join('')}</div>`,
    )
    .join('');
  const from = m.from ? `${m.from.name ? `${m.from.name} ` : ''}&lt;${esc(m.from.address)}&gt;` : '';
  const bodyDoc = m.body.contentType === 'html' ? m.body.content : `<pre>${esc(m.body.content)}</pre>`;
  return `<div id="ribbon" data-testid="ribbon">${report}${groups}</div><div id="infobar" data-testid="infobar"></div>
<h2 data-testid="item-subject">${esc(m.subject)}</h2><p data-testid="item-from">${from}</p>
<p>${esc(new Date(m.receivedDateTime).toUTCString())}</p>
<iframe class="body" sandbox="" data-testid="item-body" srcdoc="${esc(bodyDoc)}"></iframe>`;
}

export function mailboxPage(v: MailboxView, data: unknown): string {
  const nav = FOLDERS.map(
    ([k, label]) =>
      `<a href="/_outlook/?folder=${k}" class="${k === v.folder ? 'current' : ''}" data-testid="folder-${k}">${esc(label)} <span>${v.counts[k] ?? 0}</span></a>`,
  ).join('');
  const list = v.messages
    .map(
      (m) =>
        `<a href="/_outlook/?folder=${v.folder}&amp;item=${encodeURIComponent(m.restId)}" class="${m.id === v.item?.id ? 'current' : ''}" data-testid="message" data-subject="${esc(m.subject)}"><strong>${esc(m.from?.name || m.from?.address || '')}</strong><br>${esc(m.subject || '(no subject)')}</a>`,
    )
    .join('');
  return layout(
    `Mail - ${v.user.displayName} - Outlook`,
    `<header><strong>Outlook</strong><span data-testid="user">${esc(v.user.displayName)} (${esc(v.user.mail ?? v.user.userPrincipalName)})</span>
<a href="/_outlook/addins">Add-ins</a><a href="/_outlook/logout">Sign out</a></header>
<main><nav>${nav}</nav><div id="list" data-testid="message-list">${list || '<p style="padding:8px">Nothing in this folder</p>'}</div>
<div id="reading">${readingPane(v)}</div><aside id="taskpane" data-testid="taskpane"><div style="display:flex;justify-content:space-between;padding:4px 8px"><strong id="taskpane-title"></strong><button data-action="close-taskpane">×</button></div></aside></main>
<div id="frames" hidden></div>${jsonScript('owa-data', data)}<script src="/_outlook/host.js"></script>`,
  );
}

export function addinsPage(o: { user: User; addins: InstalledAddin[]; errors?: string[]; installed?: string }): string {
  const rows = o.addins
    .map(
      (a) =>
        `<li data-testid="installed-addin">${esc(a.addin.displayName)} ${esc(a.addin.version)} <code>${esc(a.addin.id)}</code>${a.addin.reportPhishing ? ' (integrated spam reporting)' : ''}
<form method="post" action="/_outlook/addins/${esc(a.addin.id)}/remove" style="display:inline"><button>Remove</button></form></li>`,
    )
    .join('');
  const errors = o.errors?.length
    ? `<div class="error" data-testid="install-errors"><p>This add-in can't be installed. The manifest file doesn't conform to the schema definition.</p><ul>${o.errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></div>`
    : '';
  return layout(
    'Add-ins - Outlook',
    `<header><strong>Outlook</strong><a href="/_outlook/">Mail</a></header><div style="padding:16px">
<h1>Add-ins for ${esc(o.user.displayName)}</h1>${o.installed ? `<p data-testid="install-ok">Installed ${esc(o.installed)}.</p>` : ''}${errors}
<ul>${rows || '<li>No add-ins installed</li>'}</ul>
<h2>Add a custom add-in from file</h2>
<form method="post" action="/_outlook/addins"><p><input type="file" accept=".xml" data-action="manifest-file"></p>
<p><textarea name="manifestXml" rows="10" cols="90" data-testid="manifest-xml"></textarea></p><p><button type="submit" data-testid="install">Install</button></p></form></div>
<script src="/_outlook/host.js"></script>`,
  );
}
