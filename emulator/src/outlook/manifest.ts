// Installing an Outlook add-in from its XML ("add-in only") manifest, checked the way Outlook
// checks it before it accepts the file: well-formed XML, an OfficeApp of type MailApp with a GUID
// Id and a four-part Version, https URLs, Mailbox requirement sets Outlook on the web supports
// (up to 1.14 here), every resid resolving to a resource of the right kind within Microsoft's
// length limits, ExecuteFunction only with a FunctionFile, ShowTaskpane only with a
// SourceLocation, and the ReportPhishingCommandSurface structure of integrated spam reporting
// (Mailbox 1.14; a pre-processing dialog with at most five options). The result is what the
// emulated Outlook renders: ribbon buttons on the read surface and the Report button.
import { attr, child, childrenOf, parseXml, type XmlElement, XmlError, xsiType } from './xml.js';

export const NS = {
  officeApp: 'http://schemas.microsoft.com/office/appforoffice/1.1',
  bt: 'http://schemas.microsoft.com/office/officeappbasictypes/1.0',
  vo10: 'http://schemas.microsoft.com/office/mailappversionoverrides',
  vo11: 'http://schemas.microsoft.com/office/mailappversionoverrides/1.1',
};

/** Highest Mailbox requirement set the emulated Outlook on the web supports. */
export const MAILBOX_MAX = '1.14';
const PERMISSIONS = ['Restricted', 'ReadItem', 'ReadWriteItem', 'ReadWriteMailbox'];
const SHORT_MAX = 125;
const LONG_MAX = 250;
const RESID_MAX = 32;
export const MAX_REPORTING_OPTIONS = 5;

export type ButtonAction = { kind: 'function'; functionName: string } | { kind: 'taskpane'; url: string };

export interface RibbonButton {
  id: string;
  label: string;
  tooltip: string;
  icon: string | null;
  action: ButtonAction;
}

export interface ReportPhishing {
  controlId: string;
  label: string;
  icon: string | null;
  functionName: string;
  /** the page the handler runs in (ReportPhishingCustomization/SourceLocation) */
  sourceLocation: string;
  dialog: {
    title: string;
    description: string;
    optionsTitle: string | null;
    options: string[];
    freeTextLabel: string | null;
    moreInfo: { text: string; url: string } | null;
  };
}

export interface AddinDefinition {
  id: string; // lower-case GUID
  version: string;
  displayName: string;
  providerName: string;
  description: string;
  iconUrl: string;
  permissions: string;
  appDomains: string[];
  /** which VersionOverrides Outlook uses: the newest one whose requirements it meets */
  versionOverrides: '1.0' | '1.1' | null;
  functionFile: string | null;
  groupLabel: string | null;
  buttons: RibbonButton[];
  reportPhishing: ReportPhishing | null;
  /** FormSettings ItemRead SourceLocation (the add-in's default task pane) */
  taskpaneUrl: string | null;
}

export type ManifestCheck = { ok: true; addin: AddinDefinition } | { ok: false; errors: string[] };

export interface CheckOptions {
  /** accept http://127.0.0.1, http://localhost and http://[::1] URLs (emulator test flag; Outlook never does) */
  allowLoopbackHttp: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSION = /^\d{1,5}(\.\d{1,5}){0,3}$/;

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let k = 0; k < Math.max(pa.length, pb.length); k++) {
    const d = (pa[k] ?? 0) - (pb[k] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

type Kind = 'Images' | 'Urls' | 'ShortStrings' | 'LongStrings';

/** Which resource list an element's resid points into. */
function residKind(el: XmlElement): Kind {
  switch (el.local) {
    case 'Image':
      return 'Images';
    case 'SourceLocation':
    case 'FunctionFile':
    case 'Runtime':
    case 'Override':
    case 'MoreInfoUrl':
      return 'Urls';
    case 'Description':
      return 'LongStrings';
    default:
      return 'ShortStrings';
  }
}

class Checker {
  errors: string[] = [];
  constructor(private readonly opts: CheckOptions) {}

  err(el: XmlElement | null, msg: string): void {
    this.errors.push(el ? `${msg} (line ${el.line})` : msg);
  }

  url(el: XmlElement, value: string | undefined, what: string): string {
    if (!value) {
      this.err(el, `${what} needs a URL`);
      return '';
    }
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      this.err(el, `${what} '${value}' is not a valid URL`);
      return value;
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
    if (u.protocol === 'https:') return value;
    if (u.protocol === 'http:' && loopback && this.opts.allowLoopbackHttp) return value;
    this.err(
      el,
      `${what} '${value}' must use https${loopback ? ' (http on loopback only when the emulator runs with --outlook-allow-http-loopback)' : ''}`,
    );
    return value;
  }
}

interface Resources {
  map: Record<Kind, Map<string, string>>;
}

function readResources(c: Checker, vo: XmlElement): Resources {
  const res = child(vo, 'Resources');
  const map: Resources['map'] = {
    Images: new Map(),
    Urls: new Map(),
    ShortStrings: new Map(),
    LongStrings: new Map(),
  };
  if (!res) return { map };
  const lists: [Kind, string][] = [
    ['Images', 'Image'],
    ['Urls', 'Url'],
    ['ShortStrings', 'String'],
    ['LongStrings', 'String'],
  ];
  for (const [kind, item] of lists) {
    for (const el of childrenOf(child(res, kind), item)) {
      const id = attr(el, 'id') ?? '';
      const value = attr(el, 'DefaultValue') ?? '';
      if (!id) c.err(el, `bt:${item} in bt:${kind} needs an id`);
      if (id.length > RESID_MAX) c.err(el, `resource id '${id}' is longer than ${RESID_MAX} characters`);
      if (map[kind].has(id)) c.err(el, `resource id '${id}' is defined twice in bt:${kind}`);
      if (kind === 'ShortStrings' && value.length > SHORT_MAX)
        c.err(el, `bt:ShortStrings '${id}' is longer than ${SHORT_MAX} characters`);
      if (kind === 'LongStrings' && value.length > LONG_MAX)
        c.err(el, `bt:LongStrings '${id}' is longer than ${LONG_MAX} characters`);
      if (kind === 'Images' || kind === 'Urls') c.url(el, value, `bt:${item} '${id}'`);
      map[kind].set(id, value);
    }
  }
  return { map };
}

/** The elements of one VersionOverrides block, without the block nested in it. */
function* ownElements(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of el.children) if (c.local !== 'VersionOverrides') yield* ownElements(c);
}

function resolveResids(c: Checker, vo: XmlElement, res: Resources): void {
  for (const el of ownElements(vo)) {
    const id = attr(el, 'resid');
    if (id === undefined) continue;
    const kind = residKind(el);
    if (!res.map[kind].has(id)) c.err(el, `<${el.local} resid="${id}"> does not match any bt:${kind} resource`);
  }
}

function minVersionOf(vo: XmlElement): string | null {
  const sets = child(child(vo, 'Requirements'), 'Sets');
  if (!sets) return null;
  const mailbox = childrenOf(sets, 'Set').find((s) => attr(s, 'Name') === 'Mailbox');
  return attr(mailbox ?? sets, 'MinVersion') ?? attr(sets, 'DefaultMinVersion') ?? null;
}

function text(res: Resources, el: XmlElement | undefined): string {
  if (!el) return '';
  const id = attr(el, 'resid') ?? '';
  return res.map[residKind(el)].get(id) ?? '';
}

function readButton(c: Checker, res: Resources, ctl: XmlElement, hasFunctionFile: boolean): RibbonButton | null {
  if (xsiType(ctl) !== 'Button') return null; // menus are not rendered by the emulator
  const id = attr(ctl, 'id') ?? '';
  const action = child(ctl, 'Action');
  const image = child(child(ctl, 'Icon'), 'Image');
  const base = {
    id,
    label: text(res, child(ctl, 'Label')),
    tooltip: text(res, child(child(ctl, 'Supertip'), 'Description')),
    icon: image ? (res.map.Images.get(attr(image, 'resid') ?? '') ?? null) : null,
  };
  if (!child(ctl, 'Label')) c.err(ctl, `Control '${id}' needs a Label`);
  if (!action) {
    c.err(ctl, `Control '${id}' needs an Action`);
    return null;
  }
  const type = xsiType(action);
  if (type === 'ExecuteFunction') {
    const fn = child(action, 'FunctionName')?.text.trim() ?? '';
    if (!fn) c.err(action, `Control '${id}': ExecuteFunction needs a FunctionName`);
    if (!hasFunctionFile) c.err(action, `Control '${id}': ExecuteFunction needs a FunctionFile in DesktopFormFactor`);
    return { ...base, action: { kind: 'function', functionName: fn } };
  }
  if (type === 'ShowTaskpane') {
    const loc = child(action, 'SourceLocation');
    if (!loc) {
      c.err(action, `Control '${id}': ShowTaskpane needs a SourceLocation`);
      return null;
    }
    return { ...base, action: { kind: 'taskpane', url: text(res, loc) } };
  }
  c.err(action, `Control '${id}': unknown Action type '${type ?? ''}'`);
  return null;
}

function readReportPhishing(c: Checker, res: Resources, ep: XmlElement, voMin: string | null): ReportPhishing | null {
  if (!voMin || compareVersions(voMin, '1.14') < 0) {
    c.err(ep, 'ReportPhishingCommandSurface needs the Mailbox 1.14 requirement set in its VersionOverrides');
  }
  const custom = child(ep, 'ReportPhishingCustomization');
  if (!custom) {
    c.err(ep, 'ReportPhishingCommandSurface needs a ReportPhishingCustomization element');
    return null;
  }
  const ctl = child(custom, 'Control');
  const dialog = child(custom, 'PreProcessingDialog');
  const source = child(custom, 'SourceLocation');
  if (!ctl) c.err(custom, 'ReportPhishingCustomization needs a Control');
  if (!dialog) c.err(custom, 'ReportPhishingCustomization needs a PreProcessingDialog');
  if (!source) c.err(custom, 'ReportPhishingCustomization needs a SourceLocation');
  if (!ctl || !dialog || !source) return null;
  // The handler runs in the SourceLocation page, not in the FunctionFile.
  const button = readButton(c, res, ctl, true);
  if (!button) return null;
  if (button.action.kind !== 'function') {
    c.err(ctl, 'the ReportPhishingCustomization button must use an ExecuteFunction action');
    return null;
  }
  if (!child(dialog, 'Title')) c.err(dialog, 'PreProcessingDialog needs a Title');
  if (!child(dialog, 'Description')) c.err(dialog, 'PreProcessingDialog needs a Description');
  const ro = child(dialog, 'ReportingOptions');
  const options = childrenOf(ro, 'Option');
  if (ro && !child(ro, 'Title')) c.err(ro, 'ReportingOptions needs a Title');
  if (ro && options.length === 0) c.err(ro, 'ReportingOptions needs at least one Option');
  if (options.length > MAX_REPORTING_OPTIONS) {
    c.err(ro ?? dialog, `ReportingOptions has ${options.length} options; at most ${MAX_REPORTING_OPTIONS} are allowed`);
  }
  const more = child(dialog, 'MoreInfo');
  if (more && (!child(more, 'MoreInfoText') || !child(more, 'MoreInfoUrl'))) {
    c.err(more, 'MoreInfo needs MoreInfoText and MoreInfoUrl');
  }
  const free = child(dialog, 'FreeTextLabel');
  return {
    controlId: button.id,
    label: button.label,
    icon: button.icon,
    functionName: button.action.functionName,
    sourceLocation: text(res, source),
    dialog: {
      title: text(res, child(dialog, 'Title')),
      description: text(res, child(dialog, 'Description')),
      optionsTitle: ro ? text(res, child(ro, 'Title')) : null,
      options: options.map((o) => text(res, o)),
      freeTextLabel: free ? text(res, free) : null,
      moreInfo: more
        ? { text: text(res, child(more, 'MoreInfoText')), url: text(res, child(more, 'MoreInfoUrl')) }
        : null,
    },
  };
}

/** One VersionOverrides block: resources, resid resolution, then its read-surface extension points. */
/** What a VersionOverrides block contributes to the add-in. */
type Overrides = Pick<AddinDefinition, 'functionFile' | 'groupLabel' | 'buttons' | 'reportPhishing'>;

function readOverrides(c: Checker, vo: XmlElement): Overrides {
  const res = readResources(c, vo);
  resolveResids(c, vo, res);
  const voMin = minVersionOf(vo);
  const out: Overrides = {
    functionFile: null,
    groupLabel: null,
    buttons: [],
    reportPhishing: null,
  };
  const hosts = childrenOf(child(vo, 'Hosts'), 'Host').filter((h) => xsiType(h) === 'MailHost');
  if (hosts.length === 0) c.err(vo, 'VersionOverrides needs a Host of type MailHost');
  const desktop = child(hosts[0], 'DesktopFormFactor');
  if (hosts[0] && !desktop) c.err(hosts[0], 'MailHost needs a DesktopFormFactor');
  if (!desktop) return out;
  const ff = child(desktop, 'FunctionFile');
  out.functionFile = ff ? text(res, ff) : null;
  for (const ep of childrenOf(desktop, 'ExtensionPoint')) {
    const type = xsiType(ep);
    if (type === 'MessageReadCommandSurface') {
      for (const tab of [...childrenOf(ep, 'OfficeTab'), ...childrenOf(ep, 'CustomTab')]) {
        for (const group of childrenOf(tab, 'Group')) {
          out.groupLabel ??= text(res, child(group, 'Label'));
          for (const ctl of childrenOf(group, 'Control')) {
            const b = readButton(c, res, ctl, Boolean(ff));
            if (b) out.buttons.push(b);
          }
        }
      }
    } else if (type === 'ReportPhishingCommandSurface') {
      out.reportPhishing = readReportPhishing(c, res, ep, voMin);
    }
  }
  return out;
}

export function checkManifest(xml: string, opts: CheckOptions): ManifestCheck {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    if (e instanceof XmlError) return { ok: false, errors: [`The manifest is not well-formed XML: ${e.message}`] };
    throw e;
  }
  const c = new Checker(opts);
  if (root.local !== 'OfficeApp' || root.ns !== NS.officeApp) {
    return { ok: false, errors: [`The root element must be OfficeApp in the namespace ${NS.officeApp}`] };
  }
  if (xsiType(root) !== 'MailApp') {
    return { ok: false, errors: ['OfficeApp must have xsi:type="MailApp" to be an Outlook add-in'] };
  }
  const need = (local: string): XmlElement | undefined => {
    const el = child(root, local);
    if (!el) c.err(root, `OfficeApp needs a ${local} element`);
    return el;
  };
  const idEl = need('Id');
  const id = idEl?.text.trim() ?? '';
  if (idEl && !GUID.test(id)) c.err(idEl, `Id '${id}' must be a GUID`);
  const versionEl = need('Version');
  const version = versionEl?.text.trim() ?? '';
  if (versionEl && !VERSION.test(version)) c.err(versionEl, `Version '${version}' must look like 1.0.0.0`);
  const provider = need('ProviderName')?.text.trim() ?? '';
  need('DefaultLocale');
  const displayName = attr(need('DisplayName') ?? root, 'DefaultValue') ?? '';
  const description = attr(need('Description') ?? root, 'DefaultValue') ?? '';
  const iconEl = need('IconUrl');
  const iconUrl = iconEl ? c.url(iconEl, attr(iconEl, 'DefaultValue'), 'IconUrl') : '';
  for (const name of ['HighResolutionIconUrl', 'SupportUrl']) {
    const el = child(root, name);
    if (el) c.url(el, attr(el, 'DefaultValue'), name);
  }
  const appDomains = childrenOf(child(root, 'AppDomains'), 'AppDomain').map((d) =>
    c.url(d, d.text.trim(), 'AppDomain'),
  );
  const hosts = childrenOf(child(root, 'Hosts'), 'Host');
  if (!hosts.some((h) => attr(h, 'Name') === 'Mailbox')) c.err(root, 'Hosts must contain <Host Name="Mailbox"/>');
  const sets = childrenOf(child(child(root, 'Requirements'), 'Sets'), 'Set');
  const mailboxSet = sets.find((s) => attr(s, 'Name') === 'Mailbox');
  if (!mailboxSet) c.err(root, 'Requirements must name the Mailbox requirement set');
  const minVersion = mailboxSet ? (attr(mailboxSet, 'MinVersion') ?? '1.1') : '1.1';
  if (compareVersions(minVersion, MAILBOX_MAX) > 0) {
    c.err(mailboxSet ?? root, `Mailbox ${minVersion} is not supported by this Outlook (highest: ${MAILBOX_MAX})`);
  }
  for (const s of sets) {
    if (attr(s, 'Name') !== 'Mailbox') c.err(s, `requirement set '${attr(s, 'Name')}' is not supported in Outlook`);
  }
  const form = childrenOf(child(root, 'FormSettings'), 'Form').find((f) => xsiType(f) === 'ItemRead');
  const formSource = child(child(form, 'DesktopSettings'), 'SourceLocation');
  const taskpaneUrl = formSource
    ? c.url(formSource, attr(formSource, 'DefaultValue'), 'FormSettings SourceLocation')
    : null;
  const permEl = need('Permissions');
  const permissions = permEl?.text.trim() ?? '';
  if (permEl && !PERMISSIONS.includes(permissions)) {
    c.err(permEl, `Permissions must be one of ${PERMISSIONS.join(', ')}`);
  }

  // Outlook uses the newest VersionOverrides whose requirements it meets; the 1.1 block nests in 1.0.
  const vo10 = childrenOf(root, 'VersionOverrides').find((v) => v.ns === NS.vo10);
  const vo11 = childrenOf(vo10, 'VersionOverrides').find((v) => v.ns === NS.vo11);
  let which: AddinDefinition['versionOverrides'] = null;
  // Without VersionOverrides the add-in has no ribbon commands, only its FormSettings task pane.
  let overrides: Overrides = { functionFile: null, groupLabel: null, buttons: [], reportPhishing: null };
  if (vo10) {
    const min10 = minVersionOf(vo10) ?? '1.1';
    if (compareVersions(min10, MAILBOX_MAX) > 0) c.err(vo10, `VersionOverrides needs Mailbox ${min10}`);
    const first = readOverrides(c, vo10);
    let chosen = vo10;
    which = '1.0';
    overrides = first;
    if (vo11) {
      const second = readOverrides(c, vo11);
      if (compareVersions(minVersionOf(vo11) ?? '1.1', MAILBOX_MAX) <= 0) {
        chosen = vo11;
        which = '1.1';
        overrides = second;
      }
    }
    if (first.reportPhishing && chosen === vo10) {
      c.err(vo10, 'ReportPhishingCommandSurface is only allowed in VersionOverrides 1.1');
    }
  }
  if (c.errors.length) return { ok: false, errors: c.errors };
  return {
    ok: true,
    addin: {
      id: id.toLowerCase(),
      version,
      displayName,
      providerName: provider,
      description,
      iconUrl,
      permissions,
      appDomains,
      versionOverrides: which,
      taskpaneUrl,
      ...overrides,
    },
  };
}
