// API shapes of the report add-in's settings (TypeBox: the one source of each shape's type) and
// the limits Microsoft's manifest puts on them.
import { type Static, Type } from '@sinclair/typebox';
import { Email, Strict, Uuid } from '../../http/schemas.js';
import type { SettingsRow } from './repository.js';

/**
 * Every text of the manifest is a resource string: a ShortString holds at most 125 characters.
 * The button label is held shorter: it is a ribbon button (and, in the integrated variant, the
 * Report button itself), where Outlook cuts long labels.
 */
export const LIMITS = { buttonLabel: 32, option: 125, options: 5 } as const;
export const DEFAULT_LABEL = 'Report phishing';

export const MoveTo = Type.Union([Type.Literal('deleted_items'), Type.Literal('junk')], {
  description: 'where Outlook puts a reported message: Deleted Items or Junk Email',
});

export const SettingsInput = Strict({
  azureAppId: Uuid,
  buttonLabel: Type.Optional(Type.String({ maxLength: LIMITS.buttonLabel, description: `default "${DEFAULT_LABEL}"` })),
  reportingOptions: Type.Optional(
    Type.Array(Type.String({ maxLength: LIMITS.option }), {
      maxItems: LIMITS.options,
      description: 'the pre-report dialog’s reasons to tick (integrated variant), up to five; default none',
    }),
  ),
  freeTextBox: Type.Optional(Type.Boolean({ description: 'a free-text box in the pre-report dialog; default true' })),
  moveTo: Type.Optional(MoveTo),
  securityMailbox: Type.Optional(Type.Union([Email, Type.Null()])),
  countUnverified: Type.Optional(Type.Boolean({ description: 'unverified reports count; default false' })),
});
export type SettingsInput = Static<typeof SettingsInput>;

export const SettingsSchema = Type.Object({
  clientId: Type.String(),
  /** false until the settings are first saved: no add-in id exists yet and no manifest can be made */
  configured: Type.Boolean(),
  addinId: Type.Union([Type.String(), Type.Null()]),
  manifestVersion: Type.Union([Type.String(), Type.Null()]),
  azureAppId: Type.Union([Type.String(), Type.Null()]),
  buttonLabel: Type.String(),
  reportingOptions: Type.Array(Type.String()),
  freeTextBox: Type.Boolean(),
  moveTo: MoveTo,
  securityMailbox: Type.Union([Type.String(), Type.Null()]),
  countUnverified: Type.Boolean(),
  /** the single-page-application redirect URI the Azure application needs for nested app authentication */
  nestedAppAuthRedirectUri: Type.String(),
  /** the manifest needs Baitwise on https (Outlook loads no add-in over http); null when it is */
  manifestBlocker: Type.Union([Type.String(), Type.Null()]),
  limits: Type.Object({ buttonLabel: Type.Integer(), option: Type.Integer(), options: Type.Integer() }),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});
export type SettingsView = Static<typeof SettingsSchema>;

export const manifestVersion = (revision: number): string => `1.0.${revision}.0`;

export function settingsView(
  clientId: string,
  row: SettingsRow | undefined,
  extra: Pick<SettingsView, 'nestedAppAuthRedirectUri' | 'manifestBlocker'>,
): SettingsView {
  return {
    clientId,
    configured: row !== undefined,
    addinId: row?.addin_id ?? null,
    manifestVersion: row ? manifestVersion(row.revision) : null,
    azureAppId: row?.azure_app_id ?? null,
    buttonLabel: row?.button_label ?? DEFAULT_LABEL,
    reportingOptions: row ? (JSON.parse(row.reporting_options) as string[]) : [],
    freeTextBox: row ? row.free_text === 1 : true,
    moveTo: row?.move_to ?? 'deleted_items',
    securityMailbox: row?.security_mailbox ?? null,
    countUnverified: row ? row.count_unverified === 1 : false,
    limits: { ...LIMITS },
    updatedAt: row?.updated_at ?? null,
    ...extra,
  };
}
