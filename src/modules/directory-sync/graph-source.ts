// Reading Entra users page by page: the full listing (/users, or each selected group's transitive
// user members), and /users/delta. A cursor names the next page to fetch, so a run resumes from
// its last committed page. Tokens come from the Azure application's token service; 429/503 are
// retried after Retry-After by the Graph client (lib/outbound.ts).
import type { Cloud } from '../../microsoft/clouds.js';
import { type GraphClient, GraphError } from '../../microsoft/graph.js';
import type { GraphSubject } from '../../microsoft/graph-errors.js';
import type { TokenService } from '../azure-apps/token-service.js';
import { type EntraUser, USER_SELECT } from './mapping.js';

/** The next page of a run: a Graph URL, and for group imports which group it belongs to. */
export type Cursor =
  | { kind: 'users'; url: string; fresh?: boolean }
  | { kind: 'groups'; group: number; url: string }
  | { kind: 'delta'; url: string };

export interface Page {
  users: EntraUser[];
  next: Cursor | null;
  deltaLink?: string;
  count?: number;
}

interface Collection {
  value?: EntraUser[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  '@odata.count'?: number;
}

const EVENTUAL = { consistencylevel: 'eventual' };
// Graph's delta pages default to 100 users; ask for the largest page, as $top=999 does for /users.
const DELTA_PAGE = { prefer: 'odata.maxpagesize=999' };
const enc = encodeURIComponent;

export const usersUrl = (extra = '') => `/users?$select=${USER_SELECT}&$top=999${extra}`;
export const groupMembersUrl = (groupId: string, top = 999) =>
  `/groups/${enc(groupId)}/transitiveMembers/microsoft.graph.user?$count=true&$select=${USER_SELECT}&$top=${top}`;

/** The delegated permissions (any of) that reading users and group members needs. */
export const GRAPH_USERS = ['User.Read.All'] as const;
export const GRAPH_MEMBERS = ['GroupMember.Read.All'] as const;

/** A chosen Entra group as the subject of a Graph call (graph-errors.ts): its field, and what to do. */
export const groupSubject = (field: string, id: string, name?: string): GraphSubject => ({
  field,
  what: name ? `the Entra group '${name}' (${id})` : `the Entra group '${id}'`,
  fix: 'Pick the group again with the group search, or remove it from the selection.',
  permissions: GRAPH_MEMBERS,
});

/** Graph's answer to an expired or unknown delta token (MICROSOFT.md §3.3): start a full listing. */
export const isResyncError = (err: unknown): boolean =>
  err instanceof GraphError &&
  (err.status === 410 ||
    (err.status === 400 && /syncStateNotFound|resyncRequired|badRequest/i.test(err.code)) ||
    /syncStateNotFound|resyncRequired/i.test(err.code));

export class DirectoryReader {
  constructor(
    private readonly graph: GraphClient,
    private readonly tokens: TokenService,
    private readonly app: { clientId: string; appId: string; cloud: Cloud },
  ) {}

  async get<T>(url: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<T> {
    const { clientId, appId, cloud } = this.app;
    const token = await this.tokens.accessToken(clientId, appId, 'graph');
    try {
      return await this.graph.get<T>(cloud, token, url, headers, signal);
    } catch (err) {
      // An access token revoked before its expiry: forget it and refresh once.
      if (!(err instanceof GraphError) || err.status !== 401) throw err;
      this.tokens.forget(appId);
      return this.graph.get<T>(cloud, await this.tokens.accessToken(clientId, appId, 'graph'), url, headers, signal);
    }
  }

  /** A deltaLink for "now", taken before a full listing so changes made during it are replayed later. */
  async latestDeltaLink(): Promise<string | undefined> {
    const r = await this.get<Collection>(`/users/delta?$deltatoken=latest&$select=${USER_SELECT}`);
    return r['@odata.deltaLink'];
  }

  /** Number of users in the tenant, for the progress estimate; undefined when Graph will not say. */
  async countUsers(): Promise<number | undefined> {
    try {
      const r = await this.get<Collection>('/users?$count=true&$top=1&$select=id', EVENTUAL);
      return r['@odata.count'];
    } catch {
      return undefined;
    }
  }

  /** One page; `signal` stops it, Retry-After waits included (a sync's slice or shutdown). */
  async page(cursor: Cursor, groupIds: string[], signal?: AbortSignal): Promise<Page> {
    const headers = cursor.kind === 'groups' ? EVENTUAL : cursor.kind === 'delta' ? DELTA_PAGE : {};
    const r = await this.get<Collection>(cursor.url, headers, signal);
    const users = r.value ?? [];
    const nextLink = r['@odata.nextLink'];
    if (cursor.kind === 'groups') {
      let next: Cursor | null = nextLink ? { ...cursor, url: nextLink } : null;
      const following = groupIds[cursor.group + 1];
      if (!next && following) next = { kind: 'groups', group: cursor.group + 1, url: groupMembersUrl(following) };
      return { users, next, count: r['@odata.count'] };
    }
    return {
      users,
      next: nextLink ? { ...cursor, url: nextLink } : null,
      deltaLink: r['@odata.deltaLink'],
      count: r['@odata.count'],
    };
  }
}
