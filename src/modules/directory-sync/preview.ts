// Before anything is written: how many users an import would bring in, with a sample, and the
// Entra group search behind the group picker. Both read Graph with the application's token.
import type { Db } from '../../db/connection.js';
import { ValidationError } from '../../lib/errors.js';
import type { GraphClient } from '../../microsoft/graph.js';
import { fromGraph } from '../../microsoft/graph-errors.js';
import { findApp } from '../azure-apps/repository.js';
import type { TokenService } from '../azure-apps/token-service.js';
import {
  DirectoryReader,
  GRAPH_MEMBERS,
  GRAPH_USERS,
  groupMembersUrl,
  groupSubject,
  usersUrl,
} from './graph-source.js';
import { type EntraUser, type Filters, inScope, mapUser } from './mapping.js';

export interface PreviewInput {
  azureAppId: string;
  source: 'all_users' | 'groups';
  groupIds: string[];
  filters: Filters;
}

const SAMPLE = 10;
// Group previews list the members (to count each person once across groups); beyond this many
// users the count is reported as a lower bound.
const GROUP_PREVIEW_LIMIT = 50_000;
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The filters as Graph $filter, so an all-users preview is one request however large the tenant. */
export function graphFilter(f: Filters): string {
  const parts: string[] = [];
  const anyOf = (prop: string, vs: string[]) =>
    vs.length > 0 ? parts.push(`(${vs.map((v) => `${prop} eq ${quote(v)}`).join(' or ')})`) : 0;
  anyOf('department', f.departments);
  anyOf('jobTitle', f.jobTitles);
  if (f.userType !== 'all') parts.push(`userType eq ${quote(f.userType)}`);
  if (f.enabledOnly) parts.push('accountEnabled eq true');
  return parts.join(' and ');
}

export class PreviewService {
  constructor(
    private readonly db: Db,
    private readonly tokens: TokenService,
    private readonly graph: GraphClient,
  ) {}

  private async reader(clientId: string, appId: string) {
    const app = await findApp(this.db, clientId, appId);
    if (!app) throw new ValidationError('azureAppId', 'No such Azure application for this client.');
    return new DirectoryReader(this.graph, this.tokens, { clientId, appId: app.id, cloud: app.cloud });
  }

  async preview(clientId: string, input: PreviewInput) {
    const reader = await this.reader(clientId, input.azureAppId);
    if (input.source === 'all_users') {
      const filter = graphFilter(input.filters);
      const url = `${usersUrl().replace('$top=999', `$top=${SAMPLE}`)}&$count=true${filter ? `&$filter=${encodeURIComponent(filter)}` : ''}`;
      const subject = {
        field: 'filters',
        what: "the users matching the import's filters",
        fix: 'Check the department and job title values.',
        permissions: GRAPH_USERS,
      };
      const r = await fromGraph(subject, () =>
        reader.get<{ value: EntraUser[]; '@odata.count'?: number }>(url, { consistencylevel: 'eventual' }),
      );
      return {
        count: r['@odata.count'] ?? r.value.length,
        exact: r['@odata.count'] !== undefined,
        sample: sample(r.value),
      };
    }
    if (input.groupIds.length === 0) throw new ValidationError('groupIds', 'Choose at least one Entra group.');
    const seen = new Map<string, EntraUser>();
    let exact = true;
    for (const [i, id] of input.groupIds.entries()) {
      const subject = groupSubject(`groupIds.${i}`, id);
      let next: string | undefined = groupMembersUrl(id);
      while (next) {
        const url: string = next;
        const r = await fromGraph(subject, () =>
          reader.get<{ value: EntraUser[]; '@odata.nextLink'?: string }>(url, { consistencylevel: 'eventual' }),
        );
        for (const u of r.value) if (inScope(u, input.filters) === true) seen.set(u.id, u);
        next = r['@odata.nextLink'];
        if (seen.size >= GROUP_PREVIEW_LIMIT) {
          exact = false;
          next = undefined;
        }
      }
    }
    return { count: seen.size, exact, sample: sample([...seen.values()]) };
  }

  /**
   * Every chosen group must exist in the client's tenant before an import is saved with it: an
   * unknown id is a 400 naming `entraGroups.N.id`, not a first run that fails later.
   */
  async checkGroups(clientId: string, appId: string, groups: { id: string; displayName: string }[]): Promise<void> {
    if (groups.length === 0) return;
    const reader = await this.reader(clientId, appId);
    for (const [i, g] of groups.entries()) {
      await fromGraph(groupSubject(`entraGroups.${i}.id`, g.id, g.displayName), () =>
        reader.get(`/groups/${encodeURIComponent(g.id)}?$select=id`),
      );
    }
  }

  /** Groups whose display name contains `search` (Graph $search, which needs ConsistencyLevel). */
  async searchGroups(clientId: string, appId: string, search: string) {
    const reader = await this.reader(clientId, appId);
    const term = search.replaceAll('"', '').trim();
    const q = term ? `&$search=${encodeURIComponent(`"displayName:${term}"`)}` : '';
    const subject = {
      field: 'search',
      what: 'the search for Entra groups',
      fix: 'Search with letters and digits only.',
      permissions: GRAPH_MEMBERS,
    };
    const r = await fromGraph(subject, () =>
      reader.get<{
        value: {
          id: string;
          displayName: string | null;
          description?: string | null;
          mail?: string | null;
          groupTypes?: string[];
        }[];
      }>(`/groups?$select=id,displayName,description,mail,groupTypes&$top=25&$count=true&$orderby=displayName${q}`, {
        consistencylevel: 'eventual',
      }),
    );
    return r.value.map((g) => ({
      id: g.id,
      displayName: g.displayName ?? '',
      description: g.description ?? null,
      mail: g.mail ?? null,
      unified: (g.groupTypes ?? []).includes('Unified'),
    }));
  }
}

function sample(users: EntraUser[]) {
  return users.slice(0, SAMPLE).flatMap((u) => {
    const m = mapUser(u);
    return m
      ? [
          {
            entraObjectId: m.entraObjectId,
            email: m.email,
            displayName: m.displayName,
            department: m.department,
            jobTitle: m.jobTitle,
            userType: m.userType,
            enabled: m.enabled === 1,
          },
        ]
      : [];
  });
}
