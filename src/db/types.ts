// Table types for Kysely. Timestamps are ISO-8601 UTC text and ids UUID text on both SQLite and
// PostgreSQL; flags are nullable timestamps (archived_at, disabled_at) so no boolean type differs
// between the two engines.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface OperatorsTable {
  id: string;
  email: string; // stored lower-case; unique
  name: string;
  role: 'system_admin' | 'client_admin';
  password_hash: string;
  disabled_at: string | null;
  last_login_at: string | null;
  password_changed_at: string;
  created_at: string;
  updated_at: string;
}

/** Recent sign-in failures per (account, source), for the lockout (modules/auth/login-throttle.ts). */
export interface LoginFailuresTable {
  key: string; // sha256 of the account hash and the source address (IPv6: its /64)
  account: string; // sha256 of the lower-cased email address, known operator or not
  failures: number;
  last_failure_at: string;
  locked_until: string | null;
}

export interface SessionsTable {
  id: string; // sha256 of the cookie value; the value itself is never stored
  operator_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
  revoked_at: string | null;
}

export interface ApiTokensTable {
  id: string;
  operator_id: string;
  name: string;
  prefix: string; // first characters, to recognise a token in the list
  token_hash: string; // sha256; unique
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface ClientsTable {
  id: string;
  name: string;
  name_key: string; // lower-cased name, unique: "Acme" and "acme" are the same client
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Client-owned: which client administrators administer which client. */
export interface ClientAdministratorsTable {
  client_id: string;
  operator_id: string;
  created_at: string;
}

export interface AuditLogTable {
  id: string;
  seq: Generated<number>; // insertion order for cursor paging (ids are random)
  at: string;
  actor_id: string | null;
  actor_email: string | null;
  client_id: string | null; // null for system-level actions (operators, settings)
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: string | null; // JSON
  user_agent: string | null; // of the request that made the change, cut to 400 characters
  target_name: string | null; // the target's name when the entry was written
}

/** The source addresses an API token has been used from (first use from a new one is audited). */
export interface ApiTokenSourcesTable {
  token_id: string;
  source: string; // an IPv4 address, or an IPv6 address's /64 (modules/auth/login-throttle.ts sourceOf)
  first_seen_at: string;
}

export interface SetupTokensTable {
  id: string; // sha256 of the one-time setup token
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface JobsTable {
  id: string;
  queue: string;
  payload: string; // JSON
  singleton_key: string | null;
  state: 'queued' | 'active' | 'completed' | 'failed';
  attempts: number;
  max_attempts: number;
  run_after: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export type AzureAppStatus = 'not_authorized' | 'connected' | 'reauth_required' | 'error';

/** Client-owned. client_secret and refresh_token are envelope-encrypted (lib/crypto.ts). */
export interface AzureAppsTable {
  id: string;
  client_id: string;
  name: string;
  cloud: 'global' | 'usgov' | 'china';
  tenant_id: string;
  tenant_domain: string | null;
  azure_client_id: string;
  client_secret: string;
  secret_expires_at: string | null;
  smtp_sending: number; // 0/1
  status: AzureAppStatus;
  status_reason: string | null;
  refresh_token: string | null;
  token_version: number;
  granted_scopes: string | null;
  missing_scopes: string | null;
  last_authorization: string | null;
  authorized_by: string | null;
  authorized_at: string | null;
  ms_oid: string | null;
  ms_upn: string | null;
  /** why this Entra tenant is also connected by another client (the operator's words) */
  shared_tenant_reason: string | null;
  last_used_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Client-owned. One Authorize click: single use, 10 minutes, bound to the session and app. */
export interface OauthRequestsTable {
  id: string;
  client_id: string;
  azure_app_id: string;
  session_id: string;
  operator_id: string;
  mode: 'admin_consent' | 'authorize';
  code_verifier: string;
  nonce: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Client-owned. */
export interface RecipientGroupsTable {
  id: string;
  client_id: string;
  name: string;
  name_key: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

/** Client-owned. Entra users are keyed by entra_object_id; email_key is unique per client. */
export interface RecipientsTable {
  id: string;
  client_id: string;
  email: string;
  email_key: string;
  first_name: string | null;
  last_name: string | null;
  display_name: string | null;
  department: string | null;
  job_title: string | null;
  office_location: string | null;
  entra_object_id: string | null;
  user_type: string | null;
  enabled: number; // 0/1
  source: 'manual' | 'csv' | 'entra';
  /** IANA name, NULL when not known; never written by directory sync (migration 0024) */
  time_zone: string | null;
  created_at: string;
  updated_at: string;
}

/** Client-owned. */
export interface RecipientGroupMembersTable {
  client_id: string;
  group_id: string;
  recipient_id: string;
  created_at: string;
  /**
   * The recipient's display name, for a group's pages in list order (migration 0029), kept by
   * triggers. Only directory sync gives it on insert: the name it writes to the recipient in the
   * same transaction. Never updated by code: a rename reaches it by trigger.
   */
  display_name: ColumnType<string | null, string | null | undefined, never>;
}

/** Client-owned. One import of Entra users into a recipient group, and its sync settings. */
export interface DirectoryImportsTable {
  id: string;
  client_id: string;
  name: string;
  azure_app_id: string;
  target_group_id: string;
  source: 'all_users' | 'groups';
  entra_groups: string; // JSON [{id, displayName}]
  filters: string; // JSON
  sync_enabled: number; // 0/1
  sync_interval_minutes: number;
  new_user_policy: 'add' | 'hold';
  removed_user_policy: 'delete' | 'keep' | 'hold';
  /** more removals than this in one run are held for approval (deletion_threshold_unit: users | percent) */
  deletion_threshold_unit: 'users' | 'percent';
  deletion_threshold: number;
  delta_link: string | null;
  status: 'active' | 'paused';
  status_reason: string | null; // JSON {code, message, at}
  initialized_at: string | null;
  next_sync_at: string | null;
  lock_owner: string | null;
  lock_until: string | null;
  created_at: string;
  updated_at: string;
}

/** Client-owned. One run of an import (full listing or delta). */
export interface DirectorySyncRunsTable {
  id: string;
  client_id: string;
  import_id: string;
  trigger: 'create' | 'manual' | 'schedule' | 'cli';
  kind: 'full' | 'delta' | null;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'paused';
  cursor: string | null;
  pending_delta_link: string | null;
  total: number | null;
  pages: number;
  users_seen: number;
  added: number;
  updated: number;
  removed: number;
  held: number;
  skipped: number;
  /** listed by Graph, outside the import's filters */
  filtered: number;
  skipped_users: string; // JSON [{entraObjectId, displayName, email, reason}], at most 200
  removals_held: string | null; // JSON {removals, members, unit, threshold}
  errors: string; // JSON
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Client-owned. Which Entra users an import brought in (and in which run it last saw them). */
export interface DirectoryImportMembersTable {
  client_id: string;
  import_id: string;
  entra_object_id: string;
  recipient_id: string;
  last_seen_run_id: string | null;
  /** the run that saw the user leave: its removals are counted against the threshold at completion */
  leaving_run_id: string | null;
  leaving_reason: string | null;
}

/** Client-owned. A new or removed user held for an administrator's decision. */
export interface DirectoryHeldChangesTable {
  id: string;
  client_id: string;
  import_id: string;
  run_id: string | null;
  kind: 'add' | 'remove';
  entra_object_id: string;
  display_name: string | null;
  email: string | null;
  reason: string;
  payload: string | null;
  status: 'pending' | 'approved' | 'rejected' | 'superseded';
  decided_by: string | null;
  decided_at: string | null;
  created_at: string;
  updated_at: string;
}

export type SendingProfileKind = 'smtp' | 'office365' | 'graph';

/** Client-owned. How a client's mail leaves; smtp_password and dkim_private_key are encrypted. */
export interface SendingProfilesTable {
  id: string;
  client_id: string;
  name: string;
  kind: SendingProfileKind;
  from_address: string | null;
  from_name: string | null;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_security: 'none' | 'starttls' | 'tls' | null;
  smtp_tls_verify: number | null;
  smtp_username: string | null;
  smtp_password: string | null;
  dkim_domain: string | null;
  dkim_selector: string | null;
  dkim_private_key: string | null;
  custom_headers: string;
  azure_app_id: string | null;
  mailbox: string | null;
  per_minute: number;
  per_day: number;
  concurrency: number;
  learned_per_minute: number | null;
  next_slot_at: string;
  day: string;
  day_recipients: number;
  paused_until: string | null;
  pause_reason: string | null;
  throttled_count: number;
  in_doubt_count: number;
  created_at: string;
  updated_at: string;
}

/** Client-owned. Templates a batch of outbox messages renders from. */
export interface OutboxContentsTable {
  id: string;
  client_id: string;
  subject: string;
  html: string | null;
  text: string | null;
  created_at: string;
}

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'expired' | 'cancelled';

/** Client-owned. One message to send: the only way mail leaves Baitwise. */
export interface OutboxMessagesTable {
  id: string;
  client_id: string;
  profile_id: string;
  content_id: string;
  recipient_id: string | null;
  to_address: string;
  to_name: string | null;
  variables: string;
  purpose: string;
  ref_type: string | null;
  ref_id: string | null;
  message_id: string;
  token_hash: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  not_after: string | null;
  lease_until: string | null;
  in_doubt: number;
  last_error: string | null;
  provider_id: string | null;
  sent_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Client-owned. Random keys per client and purpose (message tokens); `secret` is encrypted. */
export interface ClientKeysTable {
  id: string;
  client_id: string;
  purpose: string;
  secret: string;
  created_at: string;
}

export type ReportMoveTarget = 'deleted_items' | 'junk';

/** Client-owned, one row per client: the Outlook report add-in (modules/report-addin). */
export interface ReportAddinSettingsTable {
  client_id: string;
  addin_id: string; // the manifest's <Id>: generated once, never changed
  revision: number; // bumped on each change; the manifest's <Version> is 1.0.<revision>.0
  azure_app_id: string | null; // null once the chosen application was deleted
  button_label: string;
  reporting_options: string; // JSON string[] (0 to 5)
  free_text: number; // 0 | 1
  move_to: ReportMoveTarget;
  security_mailbox: string | null;
  count_unverified: number; // 0 | 1
  created_at: string;
  updated_at: string;
}

/** Client-owned: where a client's reporting mailbox is and how Baitwise reads it (0018). */
export interface ReportingMailboxSettingsTable {
  client_id: string;
  enabled: number; // 0 | 1
  azure_app_id: string | null;
  mailbox: string | null;
  access_mode: 'delegated' | 'application';
  source_folder: string;
  processed_folder: string;
  processed_folder_id: string | null;
  /** the Graph nextLink or deltaLink to fetch next; null: start a full round */
  delta_cursor: string | null;
  next_run_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Client-owned: one reading of a client's reporting mailbox (0018). */
export interface ReportingMailboxRunsTable {
  id: string;
  client_id: string;
  trigger: 'schedule' | 'manual';
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  ingested: number;
  duplicates: number;
  refused: number;
  restarted: number; // 0 | 1
  refusals: string; // JSON {sender, reason}[]
  error: string | null;
  error_code: string | null;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
}

/** A message an employee reported with the Outlook add-in (modules/report-addin/intake.ts). */
export interface ReportedMessagesTable {
  id: string;
  client_id: string;
  reporter_address: string; // lower-cased
  reporter_object_id: string | null;
  verified: number; // 0 | 1
  source: 'graph' | 'addin' | 'mailbox'; // fetched from the mailbox with the reporter's token | the add-in's EML | a reporting mailbox
  graph_message_id: string | null;
  internet_message_id: string;
  subject: string | null;
  from_address: string | null;
  from_name: string | null;
  received_at: string | null;
  size_bytes: number;
  sha256: string;
  eml_path: string; // relative to the data directory
  reporting_option: string | null;
  free_text: string | null;
  outbox_message_id: string | null;
  outbox_purpose: string | null;
  outbox_ref_type: string | null;
  outbox_ref_id: string | null;
  counted: number; // 0 | 1
  moved_to: 'deleteditems' | 'junkemail' | null;
  forward_status: 'none' | 'sent' | 'failed' | 'too_large';
  status: 'new';
  created_at: string;
  updated_at: string;
  incident_id: string | null; // set by the analysis (modules/incidents)
  analysis: string | null; // JSON: the parsed summary (modules/incidents/analysis.ts)
  analysed_at: string | null;
  raw_deleted_at: string | null; // retention deleted the raw message; the summary stays
}

/** The incidents inbox (modules/incidents): reports of one message grouped. */
export interface IncidentsTable {
  id: string;
  client_id: string;
  content_key: string; // sha256(sender | subject | sorted URLs)
  subject: string | null;
  from_address: string | null;
  from_name: string | null;
  from_domain: string | null;
  search_text: string; // lower-cased subject and sender
  status: 'new' | 'in_review' | 'resolved';
  verdict: 'phishing' | 'spam' | 'clean' | 'simulation' | null;
  assignee_id: string | null;
  report_count: number;
  first_reported_at: string;
  last_reported_at: string;
  outbox_ref_type: string | null;
  outbox_ref_id: string | null;
  classified_at: string | null;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface IncidentEventsTable {
  id: string;
  client_id: string;
  incident_id: string;
  type: 'reported' | 'viewed' | 'classified' | 'assigned' | 'noted' | 'resolved' | 'reopened' | 'replied';
  actor_id: string | null;
  detail: string | null; // JSON
  created_at: string;
}

export interface IncidentSettingsTable {
  client_id: string;
  retention_days: number;
  updated_at: string;
}

/** Reporter feedback (modules/incident-feedback): one row per client. */
export interface IncidentFeedbackSettingsTable {
  client_id: string;
  enabled: number; // 0/1
  profile_id: string | null;
  templates: string; // JSON {verdict: {subject, body}}: the verdicts changed from the defaults
  updated_at: string;
}

/** One reporter told of one verdict of one incident (never twice). */
export interface IncidentFeedbackRepliesTable {
  id: string;
  client_id: string;
  incident_id: string;
  verdict: string;
  reporter_address: string;
  created_at: string;
}

/** A client's webhook endpoint (modules/webhooks). */
export interface WebhooksTable {
  id: string;
  client_id: string;
  name: string;
  url: string;
  events: string; // JSON array of event names
  enabled: number; // 0/1
  secret: string; // encrypted signing secret
  secret_rotated_at: string;
  created_at: string;
  updated_at: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed' | 'cancelled';

/** One event sent (or being sent) to one webhook. */
export interface WebhookDeliveriesTable {
  id: string;
  client_id: string;
  webhook_id: string;
  event: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  lease_until: string | null;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  response_excerpt: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * Training (modules/training). `client_id` NULL: the shared library, published by a system
 * administrator to every client; reads filter `client_id = :client OR client_id IS NULL`.
 */
export interface TrainingPackagesTable {
  id: string;
  client_id: string | null;
  title: string;
  description: string | null;
  language: string | null;
  scorm_version: '1.2' | '2004';
  launch_href: string;
  file_count: number;
  size_bytes: number;
  uploaded_by: string | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export type TrainingCampaignStatus = 'draft' | 'scheduled' | 'running' | 'completed' | 'cancelled';

/** Client-owned. JSON columns: see migrations/0010_training.ts and modules/training/README.md. */
export interface TrainingCampaignsTable {
  id: string;
  client_id: string;
  name: string;
  status: TrainingCampaignStatus;
  content_ref: string;
  content_title: string;
  language: string;
  profile_id: string | null;
  audience: string;
  auto_enrol: number;
  invite_subject: string;
  invite_html: string;
  reminder_subject: string;
  reminder_html: string;
  time_zone: string;
  /** 1: spread and date each learner's mail in their own time zone where known (migration 0024) */
  recipient_time_zones: number;
  starts_at: string | null;
  window: string | null;
  due_at: string;
  reminders: string;
  pass_mark: number | null;
  link_days_after_due: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  launched_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
}

/** Client-owned. One learner in one campaign. */
export interface TrainingEnrolmentsTable {
  id: string;
  client_id: string;
  campaign_id: string;
  recipient_id: string;
  due_at: string;
  invite_at: string;
  invite_message_id: string | null;
  revoked_at: string | null;
  opened_at: string | null;
  clicked_at: string | null;
  started_at: string | null;
  last_seen_at: string | null;
  progress: number;
  state: string | null;
  completed_at: string | null;
  completed_by: string | null;
  score: number | null;
  passed: number | null;
  time_spent_seconds: number;
  reminders_sent: number;
  next_reminder_at: string | null;
  /** the latest invitation's outbox status, kept in step by a trigger (0013_training_results) */
  invite_status: string | null;
  /** the recipient's department, kept in step by a trigger (0013_training_results) */
  department: string | null;
  created_at: string;
  updated_at: string;
}

export interface Database {
  training_packages: TrainingPackagesTable;
  training_campaigns: TrainingCampaignsTable;
  training_enrolments: TrainingEnrolmentsTable;
  report_addin_settings: ReportAddinSettingsTable;
  reporting_mailbox_settings: ReportingMailboxSettingsTable;
  reporting_mailbox_runs: ReportingMailboxRunsTable;
  reported_messages: ReportedMessagesTable;
  incidents: IncidentsTable;
  incident_events: IncidentEventsTable;
  incident_settings: IncidentSettingsTable;
  incident_feedback_settings: IncidentFeedbackSettingsTable;
  incident_feedback_replies: IncidentFeedbackRepliesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  sending_profiles: SendingProfilesTable;
  outbox_contents: OutboxContentsTable;
  outbox_messages: OutboxMessagesTable;
  client_keys: ClientKeysTable;
  directory_imports: DirectoryImportsTable;
  directory_sync_runs: DirectorySyncRunsTable;
  directory_import_members: DirectoryImportMembersTable;
  directory_held_changes: DirectoryHeldChangesTable;
  recipient_groups: RecipientGroupsTable;
  recipients: RecipientsTable;
  recipient_group_members: RecipientGroupMembersTable;
  azure_apps: AzureAppsTable;
  oauth_requests: OauthRequestsTable;
  operators: OperatorsTable;
  login_failures: LoginFailuresTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  clients: ClientsTable;
  client_administrators: ClientAdministratorsTable;
  audit_log: AuditLogTable;
  api_token_sources: ApiTokenSourcesTable;
  setup_tokens: SetupTokensTable;
  jobs: JobsTable;
}

export type Operator = Selectable<OperatorsTable>;
export type NewOperator = Insertable<OperatorsTable>;
export type OperatorUpdate = Updateable<OperatorsTable>;
export type Client = Selectable<ClientsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AzureAppRow = Selectable<AzureAppsTable>;
