// Which OData system query options each Graph collection takes. Graph refuses the ones a
// resource does not support instead of ignoring them (`/users?$skip=5` is 400, not page 1), so
// a client that relies on an ignored option must fail here as it would against Microsoft.
// Options Graph supports but the emulator does not implement answer 501, never silently.
import { GraphError } from './errors.js';
import type { GraphReq } from './request.js';

export interface OptionRules {
  /** options the handler implements (lower case, with `$`) */
  allowed: string[];
  /** options Graph supports on this resource that the emulator does not implement */
  notImplemented?: string[];
  /** what the emulator calls the resource in its 501 message */
  resource: string;
  workload: 'directory' | 'mail';
}

export function checkQueryOptions(req: GraphReq, rules: OptionRules): void {
  for (const key of new Set([...req.query.keys()].map((k) => k.toLowerCase()))) {
    if (!key.startsWith('$') || rules.allowed.includes(key)) continue;
    if (rules.notImplemented?.includes(key)) {
      throw new GraphError(501, 'NotImplemented', `The emulator does not implement '${key}' on ${rules.resource}.`);
    }
    // Entra's directory answers unsupported options with Request_BadRequest ("'$skip' is not
    // supported by the service."); Exchange's answer for mail is inferred.
    if (rules.workload === 'directory') {
      throw new GraphError(400, 'Request_BadRequest', `'${key}' is not supported by the service.`);
    }
    throw new GraphError(400, 'BadRequest', `The query parameter '${key}' is not supported.`);
  }
}

const DIRECTORY_LIST = ['$select', '$filter', '$search', '$count', '$orderby', '$top', '$skiptoken'];

export const USERS_OPTIONS: OptionRules = {
  allowed: DIRECTORY_LIST,
  notImplemented: ['$expand'],
  resource: 'users',
  workload: 'directory',
};
export const GROUPS_OPTIONS: OptionRules = { ...USERS_OPTIONS, resource: 'groups' };
export const MEMBERS_OPTIONS: OptionRules = { ...USERS_OPTIONS, resource: 'group members' };
export const USERS_COUNT_OPTIONS: OptionRules = {
  allowed: ['$filter', '$search'],
  resource: 'users/$count',
  workload: 'directory',
};
export const DELTA_OPTIONS: OptionRules = {
  allowed: ['$select', '$filter', '$deltatoken', '$skiptoken'],
  notImplemented: ['$expand'],
  resource: 'users/delta',
  workload: 'directory',
};
export const MESSAGES_OPTIONS: OptionRules = {
  allowed: ['$select', '$filter', '$top', '$skip', '$orderby'],
  notImplemented: ['$search', '$count', '$expand'],
  resource: 'messages',
  workload: 'mail',
};
