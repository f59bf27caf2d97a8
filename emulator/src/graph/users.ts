// /users, /users/{id|upn}, /users/$count and /me.
import type { User } from '../model.js';
import { requireDirectory, signedInUser, USER_READ_ALL } from './auth.js';
import { compileOptions, contextUrl, countMatches, ordered, project, readListOptions, takePage } from './collection.js';
import { GraphError, resourceNotFound } from './errors.js';
import { checkQueryOptions, USERS_COUNT_OPTIONS, USERS_OPTIONS } from './options.js';
import { isEventual, type PropDef, parseSelect, schema } from './query.js';
import { CONTEXT_BASE, type GraphReq, type GraphRes, json, q } from './request.js';

const nul = () => null;
const empty = () => [];
const local = (u: User) => u.userPrincipalName.split('@')[0] ?? u.userPrincipalName;

/** Deterministic SID-like value derived from the object id (Entra's securityIdentifier shape). */
function sid(u: User): string {
  const hex = u.id.replaceAll('-', '');
  const parts = [0, 8, 16, 24].map((o) => Number.parseInt(hex.slice(o, o + 8), 16) >>> 0);
  return `S-1-12-1-${parts.join('-')}`;
}

export const USER_PROPS: PropDef<User>[] = [
  { name: 'businessPhones', type: 'strings', get: (u) => u.businessPhones },
  { name: 'displayName', type: 'string', get: (u) => u.displayName },
  { name: 'givenName', type: 'string', get: (u) => u.givenName },
  { name: 'jobTitle', type: 'string', get: (u) => u.jobTitle },
  { name: 'mail', type: 'string', get: (u) => u.mail },
  { name: 'mobilePhone', type: 'string', get: (u) => u.mobilePhone },
  { name: 'officeLocation', type: 'string', get: (u) => u.officeLocation },
  { name: 'preferredLanguage', type: 'string', get: (u) => u.preferredLanguage },
  { name: 'surname', type: 'string', get: (u) => u.surname },
  { name: 'userPrincipalName', type: 'string', get: (u) => u.userPrincipalName },
  { name: 'id', type: 'string', get: (u) => u.id },
  { name: 'accountEnabled', type: 'bool', get: (u) => u.accountEnabled },
  { name: 'department', type: 'string', get: (u) => u.department },
  { name: 'userType', type: 'string', get: (u) => u.userType },
  { name: 'createdDateTime', type: 'date', get: (u) => u.createdDateTime },
  { name: 'mailNickname', type: 'string', get: local },
  { name: 'otherMails', type: 'strings', get: empty },
  { name: 'proxyAddresses', type: 'strings', get: (u) => (u.mail ? [`SMTP:${u.mail}`] : []) },
  { name: 'imAddresses', type: 'strings', get: (u) => (u.mail ? [u.mail] : []) },
  { name: 'securityIdentifier', type: 'string', get: sid },
  { name: 'onPremisesSyncEnabled', type: 'bool', get: nul },
  { name: 'onPremisesImmutableId', type: 'string', get: nul },
  { name: 'onPremisesSamAccountName', type: 'string', get: nul },
  { name: 'onPremisesDistinguishedName', type: 'string', get: nul },
  { name: 'onPremisesDomainName', type: 'string', get: nul },
  { name: 'onPremisesLastSyncDateTime', type: 'date', get: nul },
  { name: 'companyName', type: 'string', get: nul },
  { name: 'employeeId', type: 'string', get: nul },
  { name: 'employeeType', type: 'string', get: nul },
  { name: 'employeeHireDate', type: 'date', get: nul },
  { name: 'city', type: 'string', get: nul },
  { name: 'country', type: 'string', get: nul },
  { name: 'state', type: 'string', get: nul },
  { name: 'streetAddress', type: 'string', get: nul },
  { name: 'postalCode', type: 'string', get: nul },
  { name: 'usageLocation', type: 'string', get: nul },
  { name: 'faxNumber', type: 'string', get: nul },
  { name: 'ageGroup', type: 'string', get: nul },
  { name: 'creationType', type: 'string', get: nul },
  { name: 'externalUserState', type: 'string', get: nul },
  { name: 'externalUserStateChangeDateTime', type: 'date', get: nul },
  { name: 'deletedDateTime', type: 'date', get: nul },
  { name: 'lastPasswordChangeDateTime', type: 'date', get: (u) => u.createdDateTime },
  { name: 'passwordPolicies', type: 'string', get: nul },
  { name: 'showInAddressList', type: 'bool', get: nul },
  { name: 'aboutMe', type: 'string', get: nul, singleOnly: true },
  { name: 'birthday', type: 'date', get: () => '0001-01-01T08:00:00Z', singleOnly: true },
  { name: 'hireDate', type: 'date', get: () => '0001-01-01T08:00:00Z', singleOnly: true },
  { name: 'interests', type: 'strings', get: empty, singleOnly: true },
  { name: 'mySite', type: 'string', get: nul, singleOnly: true },
  { name: 'pastProjects', type: 'strings', get: empty, singleOnly: true },
  { name: 'preferredName', type: 'string', get: nul, singleOnly: true },
  { name: 'responsibilities', type: 'strings', get: empty, singleOnly: true },
  { name: 'schools', type: 'strings', get: empty, singleOnly: true },
  { name: 'skills', type: 'strings', get: empty, singleOnly: true },
];

export const USER_SCHEMA = schema(USER_PROPS);
/** Graph's default user property set (MICROSOFT.md §3.2), in its response order. */
export const USER_DEFAULTS = USER_PROPS.slice(0, 11);

export function findUser(req: GraphReq, idOrUpn: string): User {
  const u = req.ctx.store.userByIdOrUpn(req.principal.tenantId, idOrUpn);
  if (!u) throw resourceNotFound(idOrUpn);
  return u;
}

export function listUsers(req: GraphReq): GraphRes {
  requireDirectory(req.principal, USER_READ_ALL);
  checkQueryOptions(req, USERS_OPTIONS);
  const { opts, start, lastId } = readListOptions(req, 'users');
  const c = compileOptions(req, opts, USER_SCHEMA, 'user', ['displayname', 'userprincipalname']);
  const base = req.ctx.store.usersByTenant.get(req.principal.tenantId) ?? [];
  const list = ordered(base, opts.orderby, USER_SCHEMA, req.ctx.store.seq);
  const page = takePage(req, 'users', 'users', list, c.pred, opts, start, lastId);
  const body: Record<string, unknown> = { '@odata.context': contextUrl('users', c.select, opts.select) };
  if (c.withCount) {
    body['@odata.count'] = countMatches(list, c.pred, JSON.stringify([opts.filter, opts.search]), req.ctx.store.seq);
  }
  if (page.nextLink) body['@odata.nextLink'] = page.nextLink;
  body.value = page.items.map((u) => project(u, c.select, USER_DEFAULTS));
  return json(body);
}

export function countUsers(req: GraphReq): GraphRes {
  requireDirectory(req.principal, USER_READ_ALL);
  checkQueryOptions(req, USERS_COUNT_OPTIONS);
  if (!isEventual(req.headers)) {
    throw new GraphError(
      400,
      'Request_UnsupportedQuery',
      "Raw count (/$count) is not supported because the 'ConsistencyLevel:eventual' header is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information",
    );
  }
  const opts = {
    select: null,
    filter: q(req, '$filter'),
    search: q(req, '$search'),
    orderby: null,
    top: 100,
    count: true,
  };
  const c = compileOptions(req, opts, USER_SCHEMA, 'user');
  const list = req.ctx.store.usersByTenant.get(req.principal.tenantId) ?? [];
  const n = countMatches(list, c.pred, JSON.stringify([opts.filter, opts.search]), req.ctx.store.seq);
  return { status: 200, body: String(n), contentType: 'text/plain' };
}

function singleUser(req: GraphReq, u: User): GraphRes {
  const rawSelect = q(req, '$select');
  const select = parseSelect(rawSelect, USER_SCHEMA, 'user');
  const ctxUrl = select ? `${contextUrl('users', select, rawSelect)}/$entity` : `${CONTEXT_BASE}#users/$entity`;
  return json({ '@odata.context': ctxUrl, ...project(u, select, USER_DEFAULTS) });
}

export function getMe(req: GraphReq): GraphRes {
  const u = signedInUser(req.ctx, req.principal);
  if (!req.principal.permissions.has('user.read') && !req.principal.permissions.has('user.readwrite')) {
    requireDirectory(req.principal, USER_READ_ALL);
  }
  return singleUser(req, u);
}

export function getUser(req: GraphReq): GraphRes {
  const u = findUser(req, req.params.id!);
  const self = u.id === req.principal.userId;
  if (!(self && (req.principal.permissions.has('user.read') || req.principal.permissions.has('user.readwrite')))) {
    requireDirectory(req.principal, USER_READ_ALL);
  }
  return singleUser(req, u);
}
