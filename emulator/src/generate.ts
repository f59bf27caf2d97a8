// Deterministic directory data: the same seed always yields the same tenant GUID, users, groups
// and passwords, so demos and tests can hard-code nothing and still be reproducible.
import { createApplication } from './apps.js';
import { DEPARTMENTS, GIVEN_NAMES, LANGUAGES, OFFICES, PARTNER_DOMAINS, PROJECTS, SURNAMES } from './generate-names.js';
import type { Application, Group, Store, Tenant, User } from './model.js';

/** mulberry32: tiny, fast, good enough for test data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, to turn seed strings into PRNG seeds. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: string) {
    this.next = mulberry32(hashString(seed));
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  hex(chars: number): string {
    let s = '';
    while (s.length < chars) s += ((this.next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, chars);
  }
  /** A version-4-shaped GUID drawn from the seed. */
  guid(): string {
    const h = this.hex(32);
    const variant = ((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

export interface GenerateOptions {
  name: string;
  domain?: string;
  users: number;
  groups: number;
  seed: string;
}

export interface KnownAccount {
  id: string;
  userPrincipalName: string;
  displayName: string;
  password: string;
  isAdmin: boolean;
}

export interface GeneratedTenant {
  tenant: Tenant;
  admin: KnownAccount;
  user: KnownAccount;
  /** password of every other generated account */
  defaultPassword: string;
  users: number;
  groups: number;
}

function push<T>(m: Map<string, T[]>, key: string, v: T): void {
  const list = m.get(key);
  if (list) list.push(v);
  else m.set(key, [v]);
}

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');

/** Creates a tenant with `users` accounts (one admin and one regular user among them) and `groups` groups. */
export function generateTenant(store: Store, o: GenerateOptions): GeneratedTenant {
  const rng = new Rng(`${o.seed}|${o.name}|${o.domain ?? ''}`);
  const domain = (o.domain ?? `${slug(o.name).replace(/-/g, '') || 'tenant'}.onmicrosoft.com`).toLowerCase();
  let id = rng.guid();
  while (store.tenants.has(id)) id = rng.guid(); // same seed twice: still a fresh tenant
  const tenant = store.addTenant({
    id,
    displayName: o.name,
    domains: [domain],
    adminConsentWorkflow: { enabled: false, reviewerIds: [] },
    smtpAuthEnabled: true,
  });
  const defaultPassword = `Welcome-${rng.hex(6)}!`;
  const started = Date.UTC(2015, 0, 1);
  const span = Date.UTC(2025, 0, 1) - started;
  const taken = new Map<string, number>();
  const uniqueLocal = (base: string) => {
    const n = taken.get(base) ?? 0;
    taken.set(base, n + 1);
    return n === 0 ? base : `${base}${n + 1}`;
  };

  const base = (over: Partial<User> & Pick<User, 'userPrincipalName' | 'displayName'>): Omit<User, 'changeSeq'> => ({
    id: rng.guid(),
    tenantId: tenant.id,
    mail: over.userPrincipalName,
    givenName: null,
    surname: null,
    jobTitle: null,
    department: null,
    officeLocation: null,
    mobilePhone: null,
    businessPhones: [],
    preferredLanguage: 'en-US',
    accountEnabled: true,
    userType: 'Member',
    password: defaultPassword,
    isAdmin: false,
    mfaRequired: false,
    hasMailbox: true,
    createdDateTime: new Date(started + Math.floor(rng.float() * span)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...over,
  });

  const adminPassword = `Admin-${rng.hex(8)}!`;
  const admin = store.addUser(
    base({
      userPrincipalName: `admin@${domain}`,
      displayName: `${o.name} Administrator`,
      givenName: o.name,
      surname: 'Administrator',
      jobTitle: 'Global Administrator',
      department: 'IT',
      isAdmin: true,
      password: adminPassword,
    }),
  );
  uniqueLocal('admin');

  const members: User[] = [];
  const byDept = new Map<string, User[]>();
  const byOffice = new Map<string, User[]>();
  const total = Math.max(2, o.users);
  for (let i = 1; i < total; i++) {
    const given = rng.pick(GIVEN_NAMES);
    const surname = rng.pick(SURNAMES);
    const dept = rng.pick(DEPARTMENTS);
    const office = rng.pick(OFFICES);
    const local = uniqueLocal(`${given}.${surname}`.toLowerCase());
    // The first generated account is the known regular user: enabled member with a mailbox.
    const kind = i === 1 ? 0.5 : rng.float();
    const guest = kind < 0.03;
    const disabled = !guest && kind > 0.95;
    const noMailbox = !guest && kind >= 0.91 && kind <= 0.95;
    const partner = rng.pick(PARTNER_DOMAINS);
    const external = `${local}@${partner}`; // local is unique, so guest UPNs are too
    const upn = guest ? `${external.replace('@', '_')}#EXT#@${domain}` : `${local}@${domain}`;
    const user = store.addUser(
      base({
        userPrincipalName: upn,
        mail: guest ? external : noMailbox ? null : upn,
        displayName: guest ? `${given} ${surname} (${partner})` : `${given} ${surname}`,
        givenName: given,
        surname,
        jobTitle: guest ? null : rng.pick(dept.titles),
        department: guest ? null : dept.name,
        officeLocation: guest ? null : office.name,
        businessPhones: guest ? [] : [`${office.phone} ${String(1000 + rng.int(9000))}`],
        mobilePhone: !guest && rng.chance(0.4) ? `+1 555 01${String(rng.int(100)).padStart(2, '0')}` : null,
        preferredLanguage: rng.pick(LANGUAGES),
        accountEnabled: !disabled,
        userType: guest ? 'Guest' : 'Member',
        hasMailbox: !guest && !noMailbox,
        ...(i === 1 ? { password: `User-${rng.hex(8)}!` } : {}),
      }),
    );
    if (guest) continue;
    members.push(user);
    push(byDept, dept.name, user);
    push(byOffice, office.name, user);
  }
  const regular = members[0] as User;
  members.unshift(admin);

  const groupCount = generateGroups(store, rng, tenant, domain, o.groups, members, byDept, byOffice);
  const known = (u: User): KnownAccount => ({
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    password: u.password,
    isAdmin: u.isAdmin,
  });
  return { tenant, admin: known(admin), user: known(regular), defaultPassword, users: total, groups: groupCount };
}

function generateGroups(
  store: Store,
  rng: Rng,
  tenant: Tenant,
  domain: string,
  count: number,
  members: User[],
  byDept: Map<string, User[]>,
  byOffice: Map<string, User[]>,
): number {
  if (count <= 0) return 0;
  type Spec = Omit<Group, 'changeSeq' | 'id' | 'tenantId'> & { kind: string; key: string };
  const specs: Spec[] = [];
  const unified = (displayName: string, description: string, kind: string, key: string): Spec => ({
    displayName,
    description,
    mail: `${slug(displayName).replace(/-+/g, '')}@${domain}`,
    mailEnabled: true,
    securityEnabled: false,
    groupTypes: ['Unified'],
    memberUserIds: [],
    memberGroupIds: [],
    kind,
    key,
  });
  const security = (displayName: string, description: string, kind: string, key: string): Spec => ({
    displayName,
    description,
    mail: null,
    mailEnabled: false,
    securityEnabled: true,
    groupTypes: [],
    memberUserIds: [],
    memberGroupIds: [],
    kind,
    key,
  });
  specs.push(unified('All Staff', 'Everyone in the organization', 'all', ''));
  specs.push(security('All Departments', 'Nested: every department group', 'departments', ''));
  for (const d of DEPARTMENTS) specs.push(security(`${d.name} Team`, `Members of ${d.name}`, 'dept', d.name));
  const regions = [...new Set(OFFICES.map((x) => x.region))];
  for (const r of regions) specs.push(security(`${r} Offices`, `Nested: offices in ${r}`, 'region', r));
  for (const off of OFFICES)
    specs.push(security(`Office - ${off.name}`, `Staff based in ${off.name}`, 'office', off.name));
  for (let i = 0; specs.length < count; i++) {
    const p = `${PROJECTS[i % PROJECTS.length]}${i >= PROJECTS.length ? ` ${Math.floor(i / PROJECTS.length) + 1}` : ''}`;
    specs.push(unified(`Project ${p}`, `Project ${p} working group`, 'project', p));
  }
  const chosen = specs.slice(0, count);
  const groups = chosen.map((s) => {
    const { kind: _k, key: _key, ...g } = s;
    return { spec: s, group: store.addGroup({ ...g, id: rng.guid(), tenantId: tenant.id }) };
  });
  const enabled = members.filter((u) => u.accountEnabled).map((u) => u.id);
  const depts = groups.filter((g) => g.spec.kind === 'dept');
  for (const { spec, group } of groups) {
    if (spec.kind === 'all') group.memberUserIds = enabled;
    if (spec.kind === 'dept') group.memberUserIds = (byDept.get(spec.key) ?? []).map((u) => u.id);
    if (spec.kind === 'office') group.memberUserIds = (byOffice.get(spec.key) ?? []).map((u) => u.id);
    if (spec.kind === 'departments') group.memberGroupIds = depts.map((d) => d.group.id);
    if (spec.kind === 'region') {
      const offices = OFFICES.filter((x) => x.region === spec.key).map((x) => x.name);
      group.memberGroupIds = groups
        .filter((g) => g.spec.kind === 'office' && offices.includes(g.spec.key))
        .map((g) => g.group.id);
    }
    if (spec.kind === 'project') {
      const size = Math.min(members.length, 3 + rng.int(25));
      const ids = new Set<string>();
      for (let i = 0; i < size; i++) ids.add((members[rng.int(members.length)] as User).id);
      group.memberUserIds = [...ids];
      // Some project groups sit inside a department group, so nesting also appears outside the hubs.
      if (depts.length > 0 && rng.chance(0.5)) rng.pick(depts).group.memberGroupIds.push(group.id);
    }
  }
  return groups.length;
}

const demoSeeds = new WeakMap<Store, GeneratedTenant[]>();

/** Two demo tenants (Contoso, Fabrikam), each with a known admin and a known regular user. */
export function seedDemo(store: Store, seed: string): GeneratedTenant[] {
  const out = [
    generateTenant(store, { name: 'Contoso', domain: 'contoso.onmicrosoft.com', users: 200, groups: 20, seed }),
    generateTenant(store, { name: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com', users: 200, groups: 20, seed }),
  ];
  demoSeeds.set(store, out);
  return out;
}

/** What seedDemo created for this store (the CLI prints it). */
export function demoTenants(store: Store): GeneratedTenant[] {
  return demoSeeds.get(store) ?? [];
}

/** The permissions Baitwise asks for (MICROSOFT.md §1.3). */
export const BAITWISE_SCOPES = ['User.Read', 'User.Read.All', 'GroupMember.Read.All', 'Mail.ReadWrite', 'Mail.Send'];

/** An app registration with a secret derived from the tenant, for `npm run demo`. */
export function registerDemoApp(
  store: Store,
  tenantId: string,
  redirectUri: string,
): { app: Application; clientSecret: string } {
  const rng = new Rng(`demo-app|${tenantId}`);
  const clientId = rng.guid();
  const existing = store.apps.get(clientId);
  if (existing) {
    if (!existing.redirectUris.some((r) => r.uri === redirectUri))
      existing.redirectUris.push({ uri: redirectUri, type: 'web' });
    return { app: existing, clientSecret: (existing.secrets[0] as { value: string }).value };
  }
  const value = `Dem8Q~${rng.hex(34)}`;
  const { app } = createApplication(store, {
    tenantId,
    clientId,
    displayName: 'Baitwise (demo)',
    redirectUris: [redirectUri],
    requiredScopes: BAITWISE_SCOPES,
    secrets: [{ value, keyId: rng.guid() }],
  });
  return { app, clientSecret: value };
}
