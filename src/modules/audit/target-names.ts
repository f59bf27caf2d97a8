// The name an audit entry gives its target, read when the entry is written: a person reading the
// log later must see the client, application or recipient as it was called then, not an id and
// not today's name. Looked up here, from the target's type, rather than passed by each of the
// hundred places that record an entry, so no entry can forget it.
//
// A deleted target is no longer there to read (entries are written after the change, in its
// transaction): it keeps the name of its latest entry, or else the name its details carry.
import type { Db } from '../../db/connection.js';

/** A recipient (or a learner) as a person recognises them: "Pat Doe <pat@example.com>". */
const personLabel = (r: { display_name: string | null; email: string }): string =>
  r.display_name?.trim() ? `${r.display_name.trim()} <${r.email}>` : r.email;

type Lookup = (db: Db, clientId: string | null, id: string) => Promise<string | null | undefined>;

/** Tables a client owns and whose name is one column: read with the client in the filter. */
const clientOwned = (
  table:
    | 'azure_apps'
    | 'recipient_groups'
    | 'directory_imports'
    | 'sending_profiles'
    | 'training_campaigns'
    | 'webhooks',
): Lookup => {
  return async (db, clientId, id) => {
    if (!clientId) return undefined;
    const row = await db
      .selectFrom(table)
      .select('name')
      .where('client_id', '=', clientId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.name;
  };
};

const LOOKUPS: Record<string, Lookup> = {
  client: async (db, _clientId, id) =>
    (await db.selectFrom('clients').select('name').where('id', '=', id).executeTakeFirst())?.name,
  // Operators and their tokens belong to no client.
  operator: async (db, _clientId, id) =>
    (await db.selectFrom('operators').select('email').where('id', '=', id).executeTakeFirst())?.email,
  api_token: async (db, _clientId, id) =>
    (await db.selectFrom('api_tokens').select('name').where('id', '=', id).executeTakeFirst())?.name,
  azure_app: clientOwned('azure_apps'),
  recipient_group: clientOwned('recipient_groups'),
  directory_import: clientOwned('directory_imports'),
  sending_profile: clientOwned('sending_profiles'),
  training_campaign: clientOwned('training_campaigns'),
  webhook: clientOwned('webhooks'),
  recipient: async (db, clientId, id) => {
    if (!clientId) return undefined;
    const r = await db
      .selectFrom('recipients')
      .select(['display_name', 'email'])
      .where('client_id', '=', clientId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && personLabel(r);
  },
  training_enrolment: async (db, clientId, id) => {
    if (!clientId) return undefined;
    const r = await db
      .selectFrom('training_enrolments as e')
      .innerJoin('recipients as r', (j) =>
        j.onRef('r.id', '=', 'e.recipient_id').onRef('r.client_id', '=', 'e.client_id'),
      )
      .select(['r.display_name', 'r.email'])
      .where('e.client_id', '=', clientId)
      .where('e.id', '=', id)
      .executeTakeFirst();
    return r && personLabel(r);
  },
  // Built-in and shared packages have no client; a client's own package has one.
  training_package: async (db, clientId, id) =>
    (
      await db
        .selectFrom('training_packages')
        .select('title')
        .where((eb) => (clientId ? eb('client_id', '=', clientId) : eb('client_id', 'is', null)))
        .where('id', '=', id)
        .executeTakeFirst()
    )?.title,
  incident: async (db, clientId, id) => {
    if (!clientId) return undefined;
    const r = await db
      .selectFrom('incidents')
      .select('subject')
      .where('client_id', '=', clientId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && (r.subject ?? '(no subject)');
  },
  reported_message: async (db, clientId, id) => {
    if (!clientId) return undefined;
    const r = await db
      .selectFrom('reported_messages')
      .select('subject')
      .where('client_id', '=', clientId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && (r.subject ?? '(no subject)');
  },
};

/** What details of a deletion name their target by (each module records one of these). */
const NAME_KEYS = ['name', 'title', 'email'] as const;

export async function targetNameOf(
  db: Db,
  e: { clientId: string | null; targetType?: string; targetId?: string; details?: Record<string, unknown> },
): Promise<string | null> {
  if (!e.targetType || !e.targetId) return null;
  const live = await LOOKUPS[e.targetType]?.(db, e.clientId, e.targetId);
  if (live) return live.slice(0, 400);
  const earlier = await db
    .selectFrom('audit_log')
    .select('target_name')
    .where('target_type', '=', e.targetType)
    .where('target_id', '=', e.targetId)
    .where((eb) => (e.clientId ? eb('client_id', '=', e.clientId) : eb('client_id', 'is', null)))
    .where('target_name', 'is not', null)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (earlier?.target_name) return earlier.target_name;
  for (const key of NAME_KEYS) {
    const v = e.details?.[key];
    if (typeof v === 'string' && v.trim()) return v.trim().slice(0, 400);
  }
  return null;
}
