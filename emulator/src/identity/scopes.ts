// Scope strings → (resource, permission). The identity platform accepts Graph scopes bare or
// fully qualified, and a token can only ever be for one resource (MICROSOFT.md §1.4/§1.5).
// Grants store Graph scopes bare (User.Read) and other resources fully qualified, as model.ts says.
import { GRAPH_APP_ID, GRAPH_RESOURCE, OIDC_SCOPES, OUTLOOK_RESOURCE } from '../model.js';
import { delegatedScope, resourceAppId } from './permissions.js';

export type Resource = typeof GRAPH_RESOURCE | typeof OUTLOOK_RESOURCE;

export interface ParsedScope {
  raw: string;
  /** null for OIDC scopes (openid, profile, email, offline_access) */
  resource: Resource | null;
  name: string; // permission name without resource (User.Read, SMTP.Send, .default, openid)
}

export type ScopeParse = { ok: true; scopes: ParsedScope[] } | { ok: false; unknownResource: string };

const GRAPH_PREFIXES = [`${GRAPH_RESOURCE}/`, `${GRAPH_APP_ID}/`, 'https://graph.microsoft.com//'];
const OUTLOOK_PREFIXES = [`${OUTLOOK_RESOURCE}/`, 'https://outlook.office365.com/'];

export function parseScopes(scope: string | undefined): ScopeParse {
  const out: ParsedScope[] = [];
  for (const raw of (scope ?? '').split(/\s+/).filter(Boolean)) {
    const lower = raw.toLowerCase();
    if (OIDC_SCOPES.has(lower)) {
      out.push({ raw, resource: null, name: lower });
      continue;
    }
    const g = GRAPH_PREFIXES.find((p) => lower.startsWith(p.toLowerCase()));
    if (g) {
      out.push({ raw, resource: GRAPH_RESOURCE, name: raw.slice(g.length) });
      continue;
    }
    const o = OUTLOOK_PREFIXES.find((p) => lower.startsWith(p.toLowerCase()));
    if (o) {
      out.push({ raw, resource: OUTLOOK_RESOURCE, name: raw.slice(o.length) });
      continue;
    }
    if (raw.includes('/')) return { ok: false, unknownResource: raw.slice(0, raw.lastIndexOf('/')) };
    out.push({ raw, resource: GRAPH_RESOURCE, name: raw });
  }
  return { ok: true, scopes: out };
}

export type ScopeProblem =
  | { code: 650053; params: { scope: string; resource: string } }
  | { code: 70011; params: { scope: string } };

/**
 * What Entra refuses in a scope list before any consent question: a permission the resource does
 * not publish (AADSTS650053), and `/.default` beside other permissions of the same resource
 * (AADSTS70011). OIDC scopes may accompany `/.default`.
 */
export function scopeProblem(scopes: ParsedScope[], raw: string): ScopeProblem | null {
  const byResource = new Map<Resource, ParsedScope[]>();
  for (const s of scopes) {
    if (s.resource === null) continue;
    byResource.set(s.resource, [...(byResource.get(s.resource) ?? []), s]);
  }
  for (const list of byResource.values()) {
    if (list.some((s) => s.name.toLowerCase() === '.default') && list.length > 1) {
      return { code: 70011, params: { scope: raw } };
    }
  }
  for (const s of scopes) {
    if (s.resource === null || s.name.toLowerCase() === '.default') continue;
    if (!delegatedScope(s.resource, s.name)) {
      return { code: 650053, params: { scope: s.name, resource: resourceAppId(s.resource) } };
    }
  }
  return null;
}

/** The form stored in grants, codes and refresh tokens. */
export function grantKey(s: ParsedScope): string {
  if (s.resource === null || s.resource === GRAPH_RESOURCE) return s.name;
  return `${s.resource}/${s.name}`;
}

export function resourceOfKey(key: string): Resource | null {
  if (OIDC_SCOPES.has(key.toLowerCase())) return null;
  return key.toLowerCase().startsWith(`${OUTLOOK_RESOURCE}/`) ? OUTLOOK_RESOURCE : GRAPH_RESOURCE;
}

/** Permission name of a stored key, as it appears in an access token's `scp`. */
export function permissionOfKey(key: string): string {
  return key.toLowerCase().startsWith(`${OUTLOOK_RESOURCE}/`) ? key.slice(OUTLOOK_RESOURCE.length + 1) : key;
}

/**
 * Expands `/.default` into the app's statically configured permissions for that resource and
 * returns stored keys, de-duplicated case-insensitively, keeping the first spelling.
 */
export function expandToKeys(scopes: ParsedScope[], requiredScopes: string[]): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  const add = (k: string) => {
    if (!seen.has(k.toLowerCase())) {
      seen.add(k.toLowerCase());
      keys.push(k);
    }
  };
  for (const s of scopes) {
    if (s.name === '.default') {
      for (const r of requiredScopes) {
        const parsed = parseScopes(r);
        if (!parsed.ok) continue;
        for (const p of parsed.scopes) if (p.resource === s.resource) add(grantKey(p));
      }
    } else add(grantKey(s));
  }
  return keys;
}

export const isOidc = (key: string): boolean => OIDC_SCOPES.has(key.toLowerCase());

/** Human descriptions for the consent page (Entra's wording where known). */
const DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in',
  profile: 'View your basic profile',
  email: 'View your email address',
  offline_access: 'Maintain access to data you have given it access to',
  'user.read': 'Sign you in and read your profile',
  'user.readbasic.all': "Read all users' basic profiles",
  'user.read.all': "Read all users' full profiles",
  'user.readwrite.all': "Read and write all users' full profiles",
  'groupmember.read.all': 'Read group memberships',
  'group.read.all': 'Read all groups',
  'directory.read.all': 'Read directory data',
  'member.read.hidden': 'Read hidden memberships',
  'mail.read': 'Read your mail',
  'mail.read.shared': 'Read user and shared mail',
  'mail.readwrite': 'Read and write access to your mail',
  'mail.send': 'Send mail as you',
  'smtp.send': 'Send emails from mailboxes using SMTP AUTH',
};

export function describeScope(key: string): string {
  return DESCRIPTIONS[permissionOfKey(key).toLowerCase()] ?? permissionOfKey(key);
}
