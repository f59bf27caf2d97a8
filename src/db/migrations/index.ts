// One ordered list of migrations for SQLite and PostgreSQL. Each receives the dialect for the
// few places where the engines differ (auto-increment keys).
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_azure_apps.js';
import * as m0003 from './0003_recipients.js';
import * as m0004 from './0004_directory_sync.js';
import * as m0005 from './0005_recipients_extra.js';
import * as m0006 from './0006_recipients_write_cost.js';
import * as m0007 from './0007_login_failures.js';
import * as m0008 from './0008_mail_delivery.js';
import * as m0009 from './0009_report_addin.js';
import * as m0010 from './0010_training.js';
import * as m0011 from './0011_recipient_search.js';
import * as m0012 from './0012_reported_messages.js';
import * as m0013 from './0013_training_results.js';
import * as m0014 from './0014_outbox_claim_index.js';
import * as m0015 from './0015_incidents.js';
import * as m0016 from './0016_incident_analysis.js';
import * as m0017 from './0017_incident_feedback_webhooks.js';
import * as m0018 from './0018_reporting_mailbox.js';
import * as m0019 from './0019_recipient_filter_indexes.js';
import * as m0020 from './0020_safer_sync.js';
import * as m0021 from './0021_audit_security.js';
import * as m0022 from './0022_email_keys.js';
import * as m0024 from './0024_recipient_time_zone.js';
import * as m0025 from './0025_search_pending_triggers.js';
import * as m0027 from './0027_search_pending_reused_rowid.js';
import * as m0028 from './0028_search_fold_names.js';
import * as m0029 from './0029_group_member_names.js';
import * as m0030 from './0030_pg_search_text.js';

export type Dialect = 'sqlite' | 'postgres';

// biome-ignore lint/suspicious/noExplicitAny: see 0001_foundation.ts
type Up = (db: Kysely<any>, dialect: Dialect) => Promise<void>;
const MIGRATIONS: [string, Up][] = [
  ['0001_foundation', m0001.up],
  ['0002_azure_apps', m0002.up],
  ['0003_recipients', m0003.up],
  ['0004_directory_sync', m0004.up],
  ['0005_recipients_extra', m0005.up],
  ['0006_recipients_write_cost', m0006.up],
  ['0007_login_failures', m0007.up],
  ['0008_mail_delivery', m0008.up],
  ['0009_report_addin', m0009.up],
  ['0010_training', m0010.up],
  ['0011_recipient_search', m0011.up],
  ['0012_reported_messages', m0012.up],
  ['0013_training_results', m0013.up],
  ['0014_outbox_claim_index', m0014.up],
  ['0015_incidents', m0015.up],
  ['0016_incident_analysis', m0016.up],
  ['0017_incident_feedback_webhooks', m0017.up],
  ['0018_reporting_mailbox', m0018.up],
  ['0019_recipient_filter_indexes', m0019.up],
  ['0020_safer_sync', m0020.up],
  ['0021_audit_security', m0021.up],
  ['0022_email_keys', m0022.up],
  ['0024_recipient_time_zone', m0024.up],
  ['0025_search_pending_triggers', m0025.up],
  ['0027_search_pending_reused_rowid', m0027.up],
  ['0028_search_fold_names', m0028.up],
  ['0029_group_member_names', m0029.up],
  ['0030_pg_search_text', m0030.up],
];

class CodeProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(MIGRATIONS.map(([name, up]) => [name, { up: (db) => up(db, this.dialect) }]));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new CodeProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
