// API shapes of the reporting mailbox (TypeBox: the one source of each shape's type), and the
// Graph permissions each way of reaching the mailbox needs — shown on the console page as they are
// written here, so the page, the README and the run log's guidance say the same.
import { type Static, Type } from '@sinclair/typebox';
import { Strict, Uuid } from '../../http/schemas.js';
import type { RunRow, SettingsRow } from './repository.js';

export const DEFAULT_SOURCE_FOLDER = 'inbox';
export const DEFAULT_PROCESSED_FOLDER = 'Baitwise processed';

export const AccessMode = Type.Union([Type.Literal('delegated'), Type.Literal('application')], {
  description:
    "delegated: the account that authorized the Azure application reads its own mailbox; application: the application's own permission, restricted to the reporting mailbox",
});
export type AccessMode = Static<typeof AccessMode>;

/** What each access mode needs in Entra and Exchange Online (the console page lists it). */
export const ACCESS_REQUIREMENTS: Record<AccessMode, { permissions: string[]; steps: string[] }> = {
  delegated: {
    permissions: ['Mail.ReadWrite (delegated)', 'Mail.ReadWrite.Shared (delegated, for a shared mailbox)'],
    steps: [
      'Either the reporting mailbox is the mailbox of the account that authorized the Azure application (Mail.ReadWrite), or that account has Full Access to it (a shared mailbox: Add-MailboxPermission -Identity <reporting mailbox> -User <authorizing account> -AccessRights FullAccess) and the authorization granted Mail.ReadWrite.Shared.',
      'Both are among the permissions Baitwise requests when you click Authorize (an application authorized before Mail.ReadWrite.Shared was requested must be authorized again to read a shared mailbox).',
    ],
  },
  application: {
    permissions: ['Mail.ReadWrite (application, admin consent)'],
    steps: [
      'In Entra, add the application permission Microsoft Graph › Mail.ReadWrite to the app registration and grant admin consent.',
      'Restrict it to the reporting mailbox in Exchange Online: New-ApplicationAccessPolicy -AppId <application (client) id> -PolicyScopeGroupId <a mail-enabled security group holding the reporting mailbox> -AccessRight RestrictAccess (or an RBAC for Applications role assignment scoped to that mailbox). Without a restriction the permission reaches every mailbox of the tenant.',
    ],
  },
};

export const SettingsInput = Strict({
  enabled: Type.Boolean(),
  azureAppId: Uuid,
  mailbox: Type.String({ minLength: 3, maxLength: 254, description: "the reporting mailbox's address (UPN)" }),
  accessMode: AccessMode,
  sourceFolder: Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: `the folder read; default "${DEFAULT_SOURCE_FOLDER}"` }),
  ),
  processedFolder: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: `the folder handled submissions are moved to, created if missing; default "${DEFAULT_PROCESSED_FOLDER}"`,
    }),
  ),
});
export type SettingsInput = Static<typeof SettingsInput>;

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const RunSchema = Type.Object({
  id: Type.String(),
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('manual')]),
  status: Type.Union([
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
  ]),
  ingested: Type.Integer(),
  duplicates: Type.Integer(),
  refused: Type.Integer(),
  restarted: Type.Boolean(),
  refusals: Type.Array(Type.Object({ sender: Nullable(Type.String()), reason: Type.String() })),
  error: Nullable(Type.String()),
  errorCode: Nullable(Type.String()),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type RunView = Static<typeof RunSchema>;

export const SettingsSchema = Type.Object({
  clientId: Type.String(),
  configured: Type.Boolean(),
  enabled: Type.Boolean(),
  azureAppId: Nullable(Type.String()),
  mailbox: Nullable(Type.String()),
  accessMode: AccessMode,
  sourceFolder: Type.String(),
  processedFolder: Type.String(),
  intervalMinutes: Type.Integer(),
  nextRunAt: Nullable(Type.String()),
  requirements: Type.Record(
    Type.String(),
    Type.Object({ permissions: Type.Array(Type.String()), steps: Type.Array(Type.String()) }),
  ),
  lastRun: Type.Union([RunSchema, Type.Null()]),
  updatedAt: Nullable(Type.String()),
});
export type SettingsView = Static<typeof SettingsSchema>;

export const RunsSchema = Type.Object({ items: Type.Array(RunSchema) });

export function runView(r: RunRow): RunView {
  return {
    id: r.id,
    trigger: r.trigger,
    status: r.status,
    ingested: r.ingested,
    duplicates: r.duplicates,
    refused: r.refused,
    restarted: r.restarted === 1,
    refusals: JSON.parse(r.refusals) as RunView['refusals'],
    error: r.error,
    errorCode: r.error_code,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    createdAt: r.created_at,
  };
}

export function settingsView(
  clientId: string,
  row: SettingsRow | undefined,
  lastRun: RunRow | undefined,
  intervalMinutes: number,
): SettingsView {
  return {
    clientId,
    configured: row !== undefined,
    enabled: row?.enabled === 1,
    azureAppId: row?.azure_app_id ?? null,
    mailbox: row?.mailbox ?? null,
    accessMode: row?.access_mode ?? 'delegated',
    sourceFolder: row?.source_folder ?? DEFAULT_SOURCE_FOLDER,
    processedFolder: row?.processed_folder ?? DEFAULT_PROCESSED_FOLDER,
    intervalMinutes,
    nextRunAt: row?.next_run_at ?? null,
    requirements: ACCESS_REQUIREMENTS,
    lastRun: lastRun ? runView(lastRun) : null,
    updatedAt: row?.updated_at ?? null,
  };
}
