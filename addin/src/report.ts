// The add-in's report runtime, bundled with MSAL.js into /addin/report.js (scripts/build-addin.ts).
// It runs in three places: the function file (commands.html: the classic Report button's
// ExecuteFunction `reportMessage`, and the integrated variant's `onSpamReport`), classic Outlook on
// Windows' JavaScript-only runtime (the same file as the manifest's Override; no DOM there), and
// the feedback task pane. Office.js is loaded by the page before it.
//
// Flow: ask Baitwise which Azure application this add-in (?addin=<id>) signs reporters in with;
// where Outlook offers nested app authentication, get a Graph token for the reporter (silent, then
// a popup); send Baitwise the message's REST id and its EML; finish with Baitwise's answer. Without
// a token the report goes as unverified (EML + mailbox), and Outlook moves the message.
import { createNestablePublicClientApplication } from '@azure/msal-browser';

// biome-ignore lint/suspicious/noExplicitAny: Office.js is a global without types in this bundle
declare const Office: any;

const SCOPES = ['User.Read', 'Mail.ReadWrite', 'Mail.Send'];
/** The roaming setting holding the last answer, for the task pane. */
const LAST_REPORT = 'baitwise.lastReport';
/** The report must answer within this, or the reporter is told to try again (Outlook's handler allows 5 minutes). */
const REPORT_TIMEOUT_MS = 60_000;

interface AddinInfo {
  addinId: string;
  azureClientId: string | null;
  authority: string | null;
  moveItemTo: string;
  reportingOptions: string[];
}

interface Answer {
  reportId: string;
  verified: boolean;
  recognised: boolean;
  title: string;
  message: string;
  moveItemTo: 'deletedItemsFolder' | 'junkFolder' | 'noMove';
}

// The page's address carries ?addin=<id> (every URL of the manifest does) and is Baitwise's origin.
// In classic Outlook on Windows' JavaScript-only runtime there is no page: Baitwise wrote both into
// the script it served (__BAITWISE__, modules/report-addin/pages.ts).
const boot = (globalThis as { __BAITWISE__?: { addinId: string; origin: string } }).__BAITWISE__;
const here = new URL(typeof location !== 'undefined' ? location.href : `${boot?.origin ?? 'https://invalid.invalid'}/`);
const addinId = here.searchParams.get('addin') ?? boot?.addinId ?? '';
const api = (path: string) => new URL(`/api/v1/${path}`, here).toString();

/**
 * fetch, with a sentence for the reporter when Baitwise cannot be reached or does not answer in
 * time: the browser's own errors ("Failed to fetch", "signal timed out") mean nothing to them.
 */
async function call(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REPORT_TIMEOUT_MS) });
  } catch (err) {
    const late = err instanceof DOMException && err.name === 'TimeoutError';
    throw new Error(
      late
        ? 'The report could not be sent: Baitwise did not answer in time. Try again in a moment.'
        : 'The report could not be sent: Baitwise could not be reached. Try again in a moment.',
    );
  }
}

async function addinInfo(): Promise<AddinInfo> {
  const res = await call(api(`report-addin/addins/${encodeURIComponent(addinId)}`));
  if (!res.ok) throw new Error('This report button is not set up correctly: ask your IT team to install it again.');
  return (await res.json()) as AddinInfo;
}

/** A Graph token for the reporter through nested app authentication, or null where Outlook has none. */
async function graphToken(info: AddinInfo, forceRefresh = false): Promise<string | null> {
  if (!info.azureClientId || !Office.context.requirements.isSetSupported('NestedAppAuth', '1.1')) return null;
  try {
    const pca = await createNestablePublicClientApplication({
      auth: { clientId: info.azureClientId, ...(info.authority ? { authority: info.authority } : {}) },
    });
    try {
      return (await pca.acquireTokenSilent({ scopes: SCOPES, forceRefresh })).accessToken;
    } catch {
      return (await pca.acquireTokenPopup({ scopes: SCOPES })).accessToken;
    }
  } catch {
    return null; // reported unverified: the client's policy decides whether it counts
  }
}

function emlOf(item: { getAsFileAsync?: (cb: (r: { status: string; value: string }) => void) => void }) {
  return new Promise<string | null>((resolve) => {
    if (!Office.context.requirements.isSetSupported('Mailbox', '1.14') || !item.getAsFileAsync) return resolve(null);
    item.getAsFileAsync((r) => resolve(r.status === 'succeeded' ? r.value : null));
  });
}

/** The option labels the reporter ticked: Outlook passes booleans by position (or the labels). */
function chosen(options: unknown, labels: string[]): string | undefined {
  if (!Array.isArray(options)) return undefined;
  const picked = options
    .map((o, i) => (o === true ? labels[i] : typeof o === 'number' ? labels[o] : typeof o === 'string' ? o : undefined))
    .filter((o): o is string => typeof o === 'string' && o !== '');
  return picked.length ? picked.join(', ').slice(0, 700) : undefined;
}

export async function report(choice: { options?: unknown; freeText?: string } = {}): Promise<Answer> {
  const mailbox = Office.context.mailbox;
  const item = mailbox.item;
  const info = await addinInfo();
  const [token, eml] = await Promise.all([graphToken(info), emlOf(item)]);
  let restId: string | undefined;
  try {
    restId = mailbox.convertToRestId(item.itemId, Office.MailboxEnums.RestVersion.v2_0);
  } catch {
    restId = undefined; // not on mobile; the EML carries the message
  }
  const option = chosen(choice.options, info.reportingOptions);
  const body = {
    addinId,
    ...(restId ? { restId } : {}),
    ...(eml ? { eml } : {}),
    mailbox: mailbox.userProfile.emailAddress,
    ...(option ? { option } : {}),
    ...(choice.freeText ? { freeText: choice.freeText.slice(0, 2000) } : {}),
  };
  const send = (bearer: string | null) =>
    call(api('report-addin/reports'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify(body),
    });
  let res = await send(token);
  // A token that expired on its way (a stale cache, a device clock that is off) is not the
  // reporter's fault: ask Microsoft for a fresh one, once, and send again.
  if (res.status === 401 && token) {
    const code = (
      (await res
        .clone()
        .json()
        .catch(() => null)) as { error?: { code?: string } } | null
    )?.error?.code;
    if (code === 'reporter_token_expired') {
      const fresh = await graphToken(info, true);
      if (fresh) res = await send(fresh);
    }
  }
  const answer = (await res.json().catch(() => null)) as (Answer & { error?: { message?: string } }) | null;
  if (!res.ok || !answer) throw new Error(answer?.error?.message ?? 'The report could not be sent. Try again.');
  await remember(answer, item.subject);
  return answer;
}

/**
 * The task pane shows the last answer (the classic button can only show a short notification).
 * It is kept in the add-in's roaming settings — per user and add-in, in the mailbox — because the
 * add-in's frames are cross-site to Outlook and browsers partition or block their localStorage.
 */
async function remember(a: Answer, subject: string | undefined) {
  const settings = Office.context.roamingSettings;
  if (!settings) return;
  try {
    settings.set(LAST_REPORT, {
      title: a.title,
      message: a.message,
      subject: subject ?? '',
      at: new Date().toISOString(),
    });
    await new Promise<void>((resolve) => settings.saveAsync(() => resolve()));
  } catch {
    // not kept: the pane shows no previous answer, the report itself stands
  }
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : 'The report could not be sent. Try again.');

/** Classic variant: the ribbon's Report button (ExecuteFunction). */
// biome-ignore lint/suspicious/noExplicitAny: Office's event object
async function reportMessage(event: any) {
  const item = Office.context.mailbox.item;
  let text: string;
  try {
    text = (await report()).message;
  } catch (err) {
    text = errorText(err);
  }
  item.notificationMessages.replaceAsync(
    'baitwise-report',
    { type: 'informationalMessage', message: text.slice(0, 150), icon: 'Icon.16', persistent: false },
    () => event.completed(),
  );
}

/** Integrated variant: Outlook's own Report button (ReportPhishingCommandSurface). */
// biome-ignore lint/suspicious/noExplicitAny: Office's SpamReportingEventArgs
async function onSpamReport(event: any) {
  try {
    const a = await report({ options: event.options, freeText: event.freeText });
    event.completed({
      onErrorDeleteItem: false,
      moveItemTo: a.moveItemTo,
      showPostProcessingDialog: { title: a.title, description: a.message },
    });
  } catch (err) {
    event.completed({
      onErrorDeleteItem: false,
      moveItemTo: 'noMove',
      showPostProcessingDialog: { title: 'Not reported', description: errorText(err) },
    });
  }
}

/** The task pane: a Report button and the last answer. */
function taskpane() {
  const out = document.getElementById('result');
  const button = document.getElementById('report') as HTMLButtonElement | null;
  if (!out || !button) return;
  const show = (title: string, message: string, about?: string) => {
    out.replaceChildren();
    const h = document.createElement('h2');
    h.textContent = title;
    const p = document.createElement('p');
    p.textContent = message;
    out.append(h, p);
    if (about) {
      const a = document.createElement('p');
      a.className = 'about';
      a.textContent = `Your last report: “${about}”`;
      out.append(a);
    }
  };
  const last = Office.context.roamingSettings?.get(LAST_REPORT) as
    | { title?: unknown; message?: unknown; subject?: unknown }
    | undefined;
  if (last && typeof last.title === 'string' && typeof last.message === 'string')
    show(last.title, last.message, typeof last.subject === 'string' && last.subject ? last.subject : undefined);
  button.disabled = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    show('Reporting…', 'Sending the message to your security team.');
    try {
      const a = await report();
      show(a.title, a.message);
    } catch (err) {
      show('Not reported', errorText(err));
      button.disabled = false;
    }
  });
}

Office.onReady(() => {
  Office.actions.associate('reportMessage', reportMessage);
  Office.actions.associate('onSpamReport', onSpamReport);
  if (typeof document !== 'undefined') taskpane();
});
