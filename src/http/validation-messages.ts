// Ajv's findings as sentences a person can act on. The console shows an API error's message as
// it comes, so "body/clientId must match format \"uuid\"" would reach an operator; instead the
// field is named in words ("First name is longer than 200 characters.") and an id of a known
// kind that is not even an id says the thing does not exist. `details.field` keeps the exact
// path for forms and API clients.

export interface AjvIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** What an id field names, for "This … does not exist." */
const ID_OF: Record<string, string> = {
  clientId: 'client',
  clientIds: 'client',
  operatorId: 'operator',
  actorId: 'operator',
  recipientId: 'recipient',
  groupId: 'recipient group',
  groupIds: 'recipient group',
  targetGroupId: 'recipient group',
  azureAppId: 'Azure application',
  appId: 'Azure application',
  importId: 'directory import',
  runId: 'sync run',
  changeId: 'held change',
  tokenId: 'API token',
  profileId: 'sending profile',
  messageId: 'message',
  packageId: 'training package',
  campaignId: 'training campaign',
  enrolmentId: 'enrolment',
  incidentId: 'incident',
  reportId: 'report',
  webhookId: 'webhook',
  addinId: 'report add-in',
};

/** "clientIds.2" → the field path; with the offending property for required/unknown ones. */
export function fieldOf(issue: AjvIssue): string {
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const extra = (issue.params.missingProperty ?? issue.params.additionalProperty) as string | undefined;
  if (extra) return path ? `${path}.${extra}` : extra;
  return path;
}

/** The id kind a field holds ("groupIds.0" → recipient group), if it is one we know. */
export function idKindOf(field: string): string | undefined {
  const parts = field.split('.').filter((p) => !/^\d+$/.test(p));
  const last = parts.at(-1);
  return last ? ID_OF[last] : undefined;
}

/** "customHeaders.0.name" → "Custom headers #1 name". */
function label(field: string): string {
  const words = field
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? `#${Number(p) + 1}` : p.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()))
    .join(' ')
    .replace(/\bid\b/g, 'ID')
    .replace(/\bazure\b/g, 'Azure')
    .replace(/\b(smtp|dkim|csv|url|html)\b/g, (w) => w.toUpperCase());
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'The request';
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

const FORMAT_WORDS: Record<string, string> = {
  email: 'is not a valid email address',
  uri: 'must be a full URL, such as https://example.com/path',
  url: 'must be a full URL, such as https://example.com/path',
  'date-time': 'must be a date and time such as 2026-03-01T08:00:00Z',
  date: 'must be a date such as 2026-03-01',
  uuid: 'must be a GUID, such as 11111111-2222-3333-4444-555555555555',
  hostname: 'is not a valid host name',
  ipv4: 'is not a valid IPv4 address',
};

const plural = (n: unknown, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function phrase(issue: AjvIssue, alternatives: AjvIssue[]): string {
  const p = issue.params;
  switch (issue.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a field this request takes';
    case 'format':
      return FORMAT_WORDS[String(p.format)] ?? `is not in the ${String(p.format)} format`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `is shorter than ${plural(p.limit, 'character')}`;
    case 'maxLength':
      return `is longer than ${plural(p.limit, 'character')}`;
    case 'pattern':
      return p.pattern === '\\S' ? 'must not be blank' : 'is not in the expected form';
    case 'type': {
      const types = String(p.type).split(',');
      return `must be ${types.map((x) => TYPE_WORDS[x] ?? x).join(' or ')}`;
    }
    case 'minimum':
      return `must be at least ${p.limit}`;
    case 'maximum':
      return `must be at most ${p.limit}`;
    case 'exclusiveMinimum':
      return `must be more than ${p.limit}`;
    case 'exclusiveMaximum':
      return `must be less than ${p.limit}`;
    case 'minItems':
      return p.limit === 1 ? 'must not be empty' : `must list at least ${p.limit} items`;
    case 'maxItems':
      return `must list at most ${plural(p.limit, 'item')}`;
    case 'uniqueItems':
      return 'lists the same item twice';
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'const':
    case 'anyOf': {
      const allowed = alternatives.filter((a) => a.keyword === 'const').map((a) => String(a.params.allowedValue));
      if (allowed.length > 1) return `must be one of: ${allowed.join(', ')}`;
      if (allowed.length === 1) return `must be ${allowed[0]}`;
      const types = alternatives.filter((a) => a.keyword === 'type').map((a) => String(a.params.type));
      if (types.length > 0) return phrase({ ...issue, keyword: 'type', params: { type: types.join(',') } }, []);
      return 'is not valid';
    }
    default:
      return 'is not valid';
  }
}

/**
 * The sentence for a failed validation. `issues` are Ajv's for one request part; with a union
 * (anyOf) they are one per alternative, and the most telling is chosen: the one that is not just
 * "wrong type", else the list of allowed values.
 */
export function describeIssues(issues: AjvIssue[]): { field: string; message: string; idKind?: string } {
  const first = issues[0] as AjvIssue;
  const union = issues.find((i) => i.keyword === 'anyOf');
  const at = union?.instancePath ?? first.instancePath;
  const alternatives = issues.filter((i) => i.instancePath.startsWith(at) && i.keyword !== 'anyOf');
  const issue = union
    ? (alternatives.find((i) => i.keyword !== 'type' && i.keyword !== 'const') ?? { ...union, keyword: 'anyOf' })
    : first;
  const field = fieldOf(issue);
  const idKind = idKindOf(field);
  if (idKind && issue.keyword === 'format' && issue.params.format === 'uuid') {
    return { field, idKind, message: `This ${idKind} does not exist.` };
  }
  return { field, message: `${label(field)} ${phrase(issue, alternatives)}.` };
}
