// Shapes of the report add-in API (src/modules/report-addin/view.ts and routes.ts).

export type ReportMoveTarget = 'deleted_items' | 'junk';
export type ManifestVariant = 'classic' | 'integrated';

export interface ReportAddinSettings {
  clientId: string;
  /** false until first saved: no add-in id and no manifest yet */
  configured: boolean;
  addinId: string | null;
  manifestVersion: string | null;
  azureAppId: string | null;
  buttonLabel: string;
  reportingOptions: string[];
  freeTextBox: boolean;
  moveTo: ReportMoveTarget;
  securityMailbox: string | null;
  countUnverified: boolean;
  nestedAppAuthRedirectUri: string;
  /** why no manifest can be downloaded on this installation (http public URL), or null */
  manifestBlocker: string | null;
  limits: { buttonLabel: number; option: number; options: number };
  updatedAt: string | null;
}

export interface ReportAddinInput {
  azureAppId: string;
  buttonLabel: string;
  reportingOptions: string[];
  freeTextBox: boolean;
  moveTo: ReportMoveTarget;
  securityMailbox: string | null;
  countUnverified: boolean;
}
