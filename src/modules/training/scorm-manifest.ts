// What Baitwise needs from a SCORM package's imsmanifest.xml: the SCORM version, the title of the
// default organization, the file the player launches, and the language and description where the
// metadata gives them. Element names are compared without their namespace prefix, as packaging
// tools differ in the prefixes they write (imscp:, adlcp:, none).
//
// htmlparser2 in XML mode reads no DTD and expands no external entity, so a manifest cannot make
// the server fetch or read anything.
import { DomUtils, parseDocument } from 'htmlparser2';
import { PackageRejectedError } from './scorm-zip.js';

// htmlparser2's node types, without importing its domhandler dependency by name
type ChildNode = ReturnType<typeof parseDocument>['children'][number];
type Element = Extract<ChildNode, { attribs: Record<string, string> }>;
const { isTag, isText } = DomUtils;

export interface ManifestInfo {
  version: '1.2' | '2004';
  title: string;
  description: string | null;
  language: string | null;
  /** relative to the package root, maybe with a query string (?…) the player keeps */
  launchHref: string;
  /** the file part of launchHref, to check it is in the zip */
  launchFile: string;
}

const local = (name: string) => name.slice(name.indexOf(':') + 1).toLowerCase();
const kids = (el: Element, name?: string): Element[] =>
  el.children.filter((c): c is Element => isTag(c) && (name === undefined || local(c.name) === name));
const kid = (el: Element | undefined, name: string): Element | undefined => (el ? kids(el, name)[0] : undefined);
const text = (el: Element | undefined): string =>
  el
    ? el.children
        .map((c: ChildNode) => (isText(c) ? c.data : isTag(c) ? text(c) : ''))
        .join('')
        .replace(/\s+/g, ' ')
        .trim()
    : '';
const attr = (el: Element, name: string): string | undefined => {
  for (const [k, v] of Object.entries(el.attribs)) if (local(k) === name) return v;
  return undefined;
};
function* descendants(el: Element): Generator<Element> {
  for (const c of kids(el)) {
    yield c;
    yield* descendants(c);
  }
}

const invalid = (problem: string) => new PackageRejectedError('manifest_invalid', `imsmanifest.xml ${problem}`);

export function readManifest(xml: string): ManifestInfo {
  const doc = parseDocument(xml, { xmlMode: true });
  const root = doc.children.find((c): c is Element => isTag(c));
  if (!root || local(root.name) !== 'manifest') throw invalid('has no <manifest> root element.');

  const metadata = kid(root, 'metadata');
  const version = scormVersion(root, text(kid(metadata, 'schemaversion')));

  const organizations = kid(root, 'organizations');
  const orgs = organizations ? kids(organizations, 'organization') : [];
  const defaultId = organizations ? attr(organizations, 'default') : undefined;
  const org = orgs.find((o) => attr(o, 'identifier') === defaultId) ?? orgs[0];
  if (!org) throw invalid('has no <organization> (SCORM needs one to know what to launch).');
  const title = text(kid(org, 'title'));
  if (!title) throw invalid('gives the organization no <title>.');
  if (title.length > 200) throw invalid('gives a title longer than 200 characters.');

  const resources = kid(root, 'resources');
  const byId = new Map((resources ? kids(resources, 'resource') : []).map((r) => [attr(r, 'identifier'), r]));
  let launch: Element | undefined;
  for (const item of descendants(org)) {
    if (local(item.name) !== 'item') continue;
    const ref = attr(item, 'identifierref');
    if (ref === undefined) continue;
    launch = byId.get(ref);
    if (!launch) throw invalid(`names resource "${ref}" in an item, but no <resource> has that identifier.`);
    break;
  }
  if (!launch) throw invalid('has no item that refers to a resource, so there is nothing to launch.');
  const href = attr(launch, 'href');
  if (!href) throw invalid(`gives the launch resource "${attr(launch, 'identifier')}" no href.`);
  const base = `${(resources && attr(resources, 'base')) ?? ''}${attr(launch, 'base') ?? ''}`;
  const launchHref = `${base}${href}`;
  const launchFile = safeDecode(launchHref.replace(/[?#].*$/, ''));
  if (!launchFile || /^[a-z][a-z0-9+.-]*:/i.test(launchHref) || launchFile.startsWith('/') || launchFile.includes('\\'))
    throw invalid(`launches "${launchHref}", which is not a file inside the package.`);
  if (launchFile.split('/').some((s) => s === '..' || s === '.'))
    throw invalid(`launches "${launchHref}", which leaves the package folder.`);

  const general = kid(kid(metadata, 'lom'), 'general');
  const language = text(kid(general, 'language')) || null;
  const description = text(kid(general, 'description')).slice(0, 2000) || null;
  return {
    version,
    title,
    description,
    language: language && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(language) ? language : null,
    launchHref,
    launchFile,
  };
}

function scormVersion(root: Element, schemaversion: string): '1.2' | '2004' {
  if (schemaversion === '1.2') return '1.2';
  if (/^(2004|CAM 1\.3)/i.test(schemaversion)) return '2004';
  if (schemaversion) throw invalid(`says schemaversion "${schemaversion}": SCORM 1.2 and 2004 are supported.`);
  // No <schemaversion>: the namespaces still tell (adlcp_rootv1p2 for 1.2, adlcp_v1p3 for 2004).
  const namespaces = Object.values(root.attribs).join(' ');
  if (namespaces.includes('adlcp_rootv1p2')) return '1.2';
  if (namespaces.includes('adlcp_v1p3')) return '2004';
  throw invalid('does not say its SCORM version (<metadata><schemaversion>1.2 or 2004 …).');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
