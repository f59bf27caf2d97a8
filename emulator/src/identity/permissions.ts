// The permissions each emulated resource publishes: delegated scopes (oauth2PermissionScopes) and
// application permissions (appRoles). Entra refuses a scope a resource does not publish
// (AADSTS650053) instead of consenting it, so every scope a request names is checked here.
// The lists hold the permissions a Baitwise-like app can plausibly ask for, with Microsoft's
// spelling; names are compared case-insensitively, as Entra does.
import { GRAPH_APP_ID, GRAPH_RESOURCE, OUTLOOK_RESOURCE } from '../model.js';
import type { Resource } from './scopes.js';

/** Office 365 Exchange Online's app id: what Entra names in errors about outlook.office.com scopes. */
export const EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';

const GRAPH_DELEGATED = [
  'User.Read',
  'User.ReadWrite',
  'User.ReadBasic.All',
  'User.Read.All',
  'User.ReadWrite.All',
  'User.Invite.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'GroupMember.Read.All',
  'GroupMember.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Directory.AccessAsUser.All',
  'Member.Read.Hidden',
  'Mail.Read',
  'Mail.ReadBasic',
  'Mail.ReadWrite',
  'Mail.Read.Shared',
  'Mail.ReadWrite.Shared',
  'Mail.Send',
  'Mail.Send.Shared',
  'MailboxSettings.Read',
  'MailboxSettings.ReadWrite',
  'Calendars.Read',
  'Calendars.ReadWrite',
  'Contacts.Read',
  'Contacts.ReadWrite',
  'Files.Read',
  'Files.ReadWrite',
  'Files.Read.All',
  'Files.ReadWrite.All',
  'Sites.Read.All',
  'People.Read',
  'Organization.Read.All',
  'Domain.Read.All',
  'AuditLog.Read.All',
  'Reports.Read.All',
  'Application.Read.All',
];

const GRAPH_APP_ROLES = [
  'User.Read.All',
  'User.ReadBasic.All',
  'User.ReadWrite.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'GroupMember.Read.All',
  'GroupMember.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Member.Read.Hidden',
  'Mail.Read',
  'Mail.ReadBasic',
  'Mail.ReadBasic.All',
  'Mail.ReadWrite',
  'Mail.Send',
  'MailboxSettings.Read',
  'MailboxSettings.ReadWrite',
  'Calendars.Read',
  'Contacts.Read',
  'Files.Read.All',
  'Sites.Read.All',
  'Organization.Read.All',
  'Domain.Read.All',
  'AuditLog.Read.All',
  'Reports.Read.All',
  'Application.Read.All',
];

const OUTLOOK_DELEGATED = [
  'SMTP.Send',
  'IMAP.AccessAsUser.All',
  'POP.AccessAsUser.All',
  'EWS.AccessAsUser.All',
  'Mail.Read',
  'Mail.ReadWrite',
  'Mail.Send',
];

const OUTLOOK_APP_ROLES = ['SMTP.SendAsApp', 'IMAP.AccessAsApp', 'POP.AccessAsApp', 'full_access_as_app'];

const index = (names: string[]) => new Map(names.map((n) => [n.toLowerCase(), n]));

const CATALOGUE: Record<Resource, { delegated: Map<string, string>; roles: Map<string, string> }> = {
  [GRAPH_RESOURCE]: { delegated: index(GRAPH_DELEGATED), roles: index(GRAPH_APP_ROLES) },
  [OUTLOOK_RESOURCE]: { delegated: index(OUTLOOK_DELEGATED), roles: index(OUTLOOK_APP_ROLES) },
};

/** The app id Entra names as the resource in AADSTS650053. */
export function resourceAppId(resource: Resource): string {
  return resource === GRAPH_RESOURCE ? GRAPH_APP_ID : EXCHANGE_APP_ID;
}

/** Microsoft's spelling of a delegated scope of the resource, or undefined if it publishes none such. */
export function delegatedScope(resource: Resource, name: string): string | undefined {
  return CATALOGUE[resource].delegated.get(name.toLowerCase());
}

/** Microsoft's spelling of an application permission (app role) of the resource, or undefined. */
export function appRole(resource: Resource, name: string): string | undefined {
  return CATALOGUE[resource].roles.get(name.toLowerCase());
}
