// Azure applications (one Entra app registration per row, owned by one client) and the
// short-lived OAuth authorization requests started by the Authorize button.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('azure_apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('cloud', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull()) // GUID, resolved from a domain if one was entered
    .addColumn('tenant_domain', 'text') // what was typed, when it was a domain
    .addColumn('azure_client_id', 'text', (c) => c.notNull())
    .addColumn('client_secret', 'text', (c) => c.notNull()) // envelope-encrypted
    .addColumn('secret_expires_at', 'text')
    .addColumn('smtp_sending', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text') // JSON {key, aadsts, error, description}
    .addColumn('refresh_token', 'text') // envelope-encrypted
    .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('granted_scopes', 'text')
    .addColumn('missing_scopes', 'text')
    .addColumn('last_authorization', 'text') // JSON: outcome of the last Authorize, with guidance key
    .addColumn('authorized_by', 'text', (c) => c.references('operators.id').onDelete('set null'))
    .addColumn('authorized_at', 'text')
    .addColumn('ms_oid', 'text')
    .addColumn('ms_upn', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('azure_apps_client_idx').on('azure_apps').column('client_id').execute();
  await db.schema.createIndex('azure_apps_name_idx').on('azure_apps').columns(['client_id', 'name']).unique().execute();

  await db.schema
    .createTable('oauth_requests')
    .addColumn('id', 'text', (c) => c.primaryKey()) // sha256 of the state parameter
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('azure_app_id', 'text', (c) => c.notNull().references('azure_apps.id').onDelete('cascade'))
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('operator_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull()) // admin_consent | authorize
    .addColumn('code_verifier', 'text', (c) => c.notNull()) // envelope-encrypted
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('oauth_requests_client_idx').on('oauth_requests').column('client_id').execute();
}
