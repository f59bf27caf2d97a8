// Test helpers: drive the emulated sign-in pages with fetch (no browser) the way a user would —
// follow the forms, keep the session cookie — and hand back where the browser would be sent.
// Used by the emulator's own tests; usable by any server test that needs an authorization code.

export class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (!pair || i <= 0) continue;
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface Step {
  /** final redirect target when the emulator sent the browser back to the app */
  location?: string;
  /** the page shown otherwise */
  html?: string;
  status: number;
}

export class FormBrowser {
  readonly jar = new CookieJar();
  constructor(private readonly origin: string) {}

  private async toStep(res: Response): Promise<Step> {
    this.jar.store(res);
    const location = res.headers.get('location');
    if (location) return { location: new URL(location, this.origin).toString(), status: res.status };
    return { html: await res.text(), status: res.status };
  }

  async get(url: string): Promise<Step> {
    const res = await fetch(new URL(url, this.origin), { redirect: 'manual', headers: { cookie: this.jar.header() } });
    return this.toStep(res);
  }

  /** Submits the page's form whose hidden `action` matches, with extra fields. */
  async submit(page: Step, action: string, fields: Record<string, string> = {}): Promise<Step> {
    const html = page.html ?? '';
    const forms = [...html.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form = forms.find((m) => m[2]?.includes(`name="action" value="${action}"`));
    if (!form) throw new Error(`no form with action ${action} on page:\n${html.slice(0, 2000)}`);
    const hidden: Record<string, string> = {};
    for (const m of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      hidden[m[1] as string] = unescapeHtml(m[2] as string);
    }
    const res = await fetch(new URL(unescapeHtml(form[1] as string), this.origin), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hidden, ...fields }).toString(),
    });
    return this.toStep(res);
  }

  /**
   * Full interactive sign-in: GET the authorize URL, enter username and password, pass MFA if
   * asked, then accept (optionally for the organization) or cancel the consent page if shown.
   */
  async signIn(
    authorizeUrl: string,
    o: { username: string; password: string; consent?: 'accept' | 'accept-org' | 'cancel' },
  ): Promise<Step> {
    let page = await this.get(authorizeUrl);
    for (let i = 0; i < 8 && page.html; i++) {
      const h = page.html;
      if (h.includes('value="username"')) page = await this.submit(page, 'username', { loginfmt: o.username });
      else if (h.includes('value="password"')) page = await this.submit(page, 'password', { passwd: o.password });
      else if (h.includes('value="mfa"')) {
        const code = /id="mfa-code">(\d+)</.exec(h)?.[1] ?? '';
        page = await this.submit(page, 'mfa', { otc: code });
      } else if (h.includes('value="consent"')) {
        const decision = o.consent === 'cancel' ? 'cancel' : 'accept';
        const fields: Record<string, string> = { decision };
        if (o.consent === 'accept-org') fields.ConsentForOrganization = 'true';
        page = await this.submit(page, 'consent', fields);
      } else break;
    }
    return page;
  }
}

export function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The AADSTS line of an emulated error page, e.g. "AADSTS50011: The redirect URI …". */
export function aadstsLine(html: string | undefined): string | undefined {
  return /AADSTS\d+:[^<]*/.exec(html ?? '')?.[0];
}
