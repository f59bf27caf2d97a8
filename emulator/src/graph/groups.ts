// /groups, /groups/{id}, /groups/{id}/members and /transitiveMembers (+ the microsoft.graph.user
// cast). Members are directoryObjects tagged with @odata.type; without a user-read permission
// Graph returns only id + @odata.type for user members (MICROSOFT.md §1.3, §3.4).
import type { Group, User } from '../model.js';
import { GROUP_READ, hasAny, MEMBER_READ, requireDirectory, USER_READ_ALL } from './auth.js';
import { compileOptions, contextUrl, countMatches, ordered, project, readListOptions, takePage } from './collection.js';
import { badRequest, GraphError, resourceNotFound } from './errors.js';
import { checkQueryOptions, GROUPS_OPTIONS, MEMBERS_OPTIONS } from './options.js';
import { isEventual, type PropDef, parseSelect, schema } from './query.js';
import { CONTEXT_BASE, type GraphReq, type GraphRes, json, q } from './request.js';
import { USER_DEFAULTS, USER_SCHEMA } from './users.js';

const nul = () => null;
const nickname = (g: Group) => (g.mail ? g.mail.split('@')[0]! : g.displayName.replace(/[^A-Za-z0-9]/g, ''));

export const GROUP_PROPS: PropDef<Group>[] = [
  { name: 'id', type: 'string', get: (g) => g.id },
  { name: 'deletedDateTime', type: 'date', get: nul },
  { name: 'classification', type: 'string', get: nul },
  { name: 'createdDateTime', type: 'date', get: nul },
  { name: 'creationOptions', type: 'strings', get: () => [] },
  { name: 'description', type: 'string', get: (g) => g.description },
  { name: 'displayName', type: 'string', get: (g) => g.displayName },
  { name: 'expirationDateTime', type: 'date', get: nul },
  { name: 'groupTypes', type: 'strings', get: (g) => g.groupTypes },
  { name: 'isAssignableToRole', type: 'bool', get: nul },
  { name: 'mail', type: 'string', get: (g) => g.mail },
  { name: 'mailEnabled', type: 'bool', get: (g) => g.mailEnabled },
  { name: 'mailNickname', type: 'string', get: nickname },
  { name: 'membershipRule', type: 'string', get: nul },
  { name: 'membershipRuleProcessingState', type: 'string', get: nul },
  { name: 'onPremisesSyncEnabled', type: 'bool', get: nul },
  { name: 'preferredDataLocation', type: 'string', get: nul },
  { name: 'preferredLanguage', type: 'string', get: nul },
  { name: 'proxyAddresses', type: 'strings', get: (g) => (g.mail ? [`SMTP:${g.mail}`] : []) },
  { name: 'renewedDateTime', type: 'date', get: nul },
  { name: 'resourceBehaviorOptions', type: 'strings', get: () => [] },
  { name: 'resourceProvisioningOptions', type: 'strings', get: () => [] },
  { name: 'securityEnabled', type: 'bool', get: (g) => g.securityEnabled },
  { name: 'securityIdentifier', type: 'string', get: nul },
  { name: 'theme', type: 'string', get: nul },
  { name: 'visibility', type: 'string', get: (g) => (g.groupTypes.includes('Unified') ? 'Private' : null) },
];
export const GROUP_SCHEMA = schema(GROUP_PROPS);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function findGroup(req: GraphReq): Group {
  // Directory objects are addressed by GUID: anything else is refused before any lookup.
  if (!GUID.test(req.params.id!))
    throw badRequest(`Invalid object identifier '${req.params.id}'.`, 'Request_BadRequest');
  const id = req.params.id!.toLowerCase();
  const g = req.ctx.store.groups.get(id) ?? req.ctx.store.groups.get(req.params.id!);
  if (!g || g.tenantId !== req.principal.tenantId) throw resourceNotFound(req.params.id!);
  return g;
}

export function listGroups(req: GraphReq): GraphRes {
  requireDirectory(req.principal, GROUP_READ);
  checkQueryOptions(req, GROUPS_OPTIONS);
  const { opts, start, lastId } = readListOptions(req, 'groups');
  const c = compileOptions(req, opts, GROUP_SCHEMA, 'group', ['displayname']);
  const base = req.ctx.store.groupsByTenant.get(req.principal.tenantId) ?? [];
  const list = ordered(base, opts.orderby, GROUP_SCHEMA, req.ctx.store.seq);
  const page = takePage(req, 'groups', 'groups', list, c.pred, opts, start, lastId);
  const body: Record<string, unknown> = { '@odata.context': contextUrl('groups', c.select, opts.select) };
  if (c.withCount)
    body['@odata.count'] = countMatches(list, c.pred, JSON.stringify([opts.filter, opts.search]), req.ctx.store.seq);
  if (page.nextLink) body['@odata.nextLink'] = page.nextLink;
  body.value = page.items.map((g) => project(g, c.select, GROUP_PROPS));
  return json(body);
}

export function getGroup(req: GraphReq): GraphRes {
  requireDirectory(req.principal, GROUP_READ);
  const g = findGroup(req);
  const raw = q(req, '$select');
  const select = parseSelect(raw, GROUP_SCHEMA, 'group');
  const ctxUrl = select ? `${contextUrl('groups', select, raw)}/$entity` : `${CONTEXT_BASE}#groups/$entity`;
  return json({ '@odata.context': ctxUrl, ...project(g, select, GROUP_PROPS) });
}

type Member = { id: string; user?: User; group?: Group };

function memberList(req: GraphReq, g: Group, transitive: boolean): Member[] {
  const { store } = req.ctx;
  const out: Member[] = [];
  const seen = new Set<string>();
  const queue: Group[] = [g];
  const visited = new Set<string>([g.id]);
  while (queue.length) {
    const cur = queue.shift()!;
    for (const uid of cur.memberUserIds) {
      const u = store.users.get(uid);
      if (u && u.tenantId === g.tenantId && !seen.has(uid)) {
        seen.add(uid);
        out.push({ id: uid, user: u });
      }
    }
    for (const gid of cur.memberGroupIds) {
      const child = store.groups.get(gid);
      if (!child || child.tenantId !== g.tenantId) continue;
      if (!seen.has(gid)) {
        seen.add(gid);
        out.push({ id: gid, group: child });
      }
      // nested groups are flattened for transitiveMembers; cycles are cut by `visited`
      if (transitive && !visited.has(gid)) {
        visited.add(gid);
        queue.push(child);
      }
    }
    if (!transitive) break;
  }
  return out;
}

/** A schema over members: a property is selectable if users or groups have it. */
const MEMBER_SCHEMA = schema<Member>(
  [...new Set([...USER_SCHEMA.keys(), ...GROUP_SCHEMA.keys()])].map((k) => {
    const ud = USER_SCHEMA.get(k);
    const gd = GROUP_SCHEMA.get(k);
    const def = (ud ?? gd)!;
    return {
      name: def.name,
      type: def.type,
      get: (m: Member) => (m.user ? ud?.get(m.user) : m.group ? gd?.get(m.group) : undefined),
    };
  }),
);

export function listMembers(req: GraphReq, transitive: boolean, castUsers: boolean): GraphRes {
  requireDirectory(req.principal, MEMBER_READ);
  checkQueryOptions(req, MEMBERS_OPTIONS);
  const g = findGroup(req);
  const kind = `${transitive ? 'transitiveMembers' : 'members'}${castUsers ? '/user' : ''}:${g.id}`;
  const { opts, start, lastId } = readListOptions(req, kind);
  if (castUsers && (!isEventual(req.headers) || !opts.count)) {
    // OData casts are advanced queries (MICROSOFT.md §3.4)
    throw new GraphError(
      400,
      'Request_UnsupportedQuery',
      "The OData cast 'microsoft.graph.user' is only supported with the 'ConsistencyLevel: eventual' header and '$count=true'. Refer to https://aka.ms/graph-docs/advanced-queries for more information",
    );
  }
  const c = compileOptions(req, opts, MEMBER_SCHEMA, 'directoryObject');
  let list: readonly Member[] = memberList(req, g, transitive);
  if (castUsers) list = list.filter((m) => m.user);
  list = ordered(list, opts.orderby, MEMBER_SCHEMA, req.ctx.store.seq);
  const seg = `groups/${req.params.id}/${transitive ? 'transitiveMembers' : 'members'}${castUsers ? '/microsoft.graph.user' : ''}`;
  const page = takePage(req, kind, seg, list, c.pred, opts, start, lastId);
  const fullUsers = hasAny(req.principal, USER_READ_ALL);
  const selKeys = c.select?.map((d) => d.name.toLowerCase()) ?? null;
  const value = page.items.map((m) => {
    const out: Record<string, unknown> = castUsers
      ? {}
      : { '@odata.type': m.user ? '#microsoft.graph.user' : '#microsoft.graph.group' };
    if (m.user) {
      if (!fullUsers) return { ...out, id: m.id };
      const sel = selKeys ? selKeys.map((k) => USER_SCHEMA.get(k)).filter((d) => d !== undefined) : null;
      return { ...out, ...project(m.user, sel, USER_DEFAULTS) };
    }
    const sel = selKeys ? selKeys.map((k) => GROUP_SCHEMA.get(k)).filter((d) => d !== undefined) : null;
    return { ...out, ...project(m.group!, sel, GROUP_PROPS) };
  });
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(castUsers ? 'users' : 'directoryObjects', c.select, opts.select),
  };
  if (c.withCount)
    body['@odata.count'] = countMatches(list, c.pred, JSON.stringify([opts.filter, opts.search]), req.ctx.store.seq);
  if (page.nextLink) body['@odata.nextLink'] = page.nextLink;
  body.value = value;
  return json(body);
}
