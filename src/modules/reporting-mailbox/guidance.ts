// A failed reading of the reporting mailbox in plain words, with what to do: the run log shows it
// to the client's administrator. Decided on status and code (never Microsoft's text), except the
// application-access-policy refusal, which Exchange tells apart only in its message.
import { AppError } from '../../lib/errors.js';
import { OutboundError } from '../../lib/outbound.js';
import { MicrosoftAuthError } from '../../microsoft/entra.js';
import { GraphError } from '../../microsoft/graph.js';
import { guidanceFor } from '../../microsoft/guidance.js';
import { MissingAppError, SharedScopeMissingError } from './mailbox-graph.js';
import type { AccessMode } from './view.js';

export interface RunFailure {
  code: string;
  message: string;
}

export function explain(err: unknown, ctx: { mailbox: string; mode: AccessMode; folder: string }): RunFailure {
  const { mailbox, mode } = ctx;
  if (err instanceof GraphError) {
    if (err.status === 403 && /AccessPolicy/i.test(err.message)) {
      return {
        code: err.code,
        message: `Microsoft refused the Azure application access to ${mailbox} (${err.code}): an application access policy (or RBAC for Applications scope) in Exchange Online does not include this mailbox. Add the mailbox to the policy's group (New-ApplicationAccessPolicy … -AccessRight RestrictAccess), wait for it to apply (up to an hour), then click Sync now.`,
      };
    }
    if (err.status === 403) {
      return {
        code: err.code,
        message:
          mode === 'delegated'
            ? `Microsoft refused access to ${mailbox} (${err.code}). In delegated mode Baitwise reads the mailbox of the account that authorized the Azure application (delegated permission Mail.ReadWrite), or a shared mailbox that account has Full Access to (delegated permission Mail.ReadWrite.Shared). Give the authorizing account Full Access to ${mailbox} in Exchange Online (Add-MailboxPermission -AccessRights FullAccess), or authorize the application again signed in as ${mailbox}, or switch to application access.`
            : `Microsoft refused the Azure application access to ${mailbox} (${err.code}). Application access needs the application permission Mail.ReadWrite on Microsoft Graph with admin consent: add it to the app registration in Entra, click "Grant admin consent", then click Sync now.`,
      };
    }
    if (err.status === 401) {
      return {
        code: err.code,
        message: `Microsoft refused the Azure application's access token (${err.code}). Authorize the application again on the Azure Applications page.`,
      };
    }
    if (err.status === 404 && /ErrorInvalidUser|MailboxNotEnabledForRESTAPI|ResourceNotFound/i.test(err.code)) {
      return {
        code: err.code,
        message: `${mailbox} is not a mailbox of the client's Microsoft 365 tenant, or it has no Exchange Online mailbox (${err.code}). Check the reporting mailbox address in Defender's user reported settings and here.`,
      };
    }
    if (err.status === 404 || (err.status === 400 && /ErrorInvalidIdMalformed/i.test(err.code))) {
      return {
        code: err.code,
        message: `The folder "${ctx.folder}" does not exist in ${mailbox} (${err.code}). Use a well-known name such as inbox, or the folder's id.`,
      };
    }
    if (err.status === 429 || err.status >= 500) {
      return {
        code: err.code,
        message: `Microsoft Graph is busy or unavailable (${err.status} ${err.code}). Nothing was lost; the next run continues where this one stopped.`,
      };
    }
    // Microsoft's own text, bounded: it is stored in the run log
    const text = err.message.length > 500 ? `${err.message.slice(0, 499)}…` : err.message;
    return {
      code: err.code.slice(0, 100),
      message: `Microsoft Graph refused a request (${err.status} ${err.code.slice(0, 100)}): ${text}`,
    };
  }
  if (err instanceof MicrosoftAuthError) {
    const g = guidanceFor(err.ms);
    return { code: err.ms.aadsts ? `AADSTS${err.ms.aadsts}` : err.ms.error, message: `${g.title}. ${g.explanation}` };
  }
  if (err instanceof OutboundError) {
    return { code: 'microsoft_unreachable', message: 'Microsoft could not be reached. The next run tries again.' };
  }
  if (err instanceof SharedScopeMissingError) {
    return {
      code: 'shared_permission_missing',
      message: `${mailbox} is not the mailbox of the account that authorized the Azure application${err.authorizedAs ? ` (${err.authorizedAs})` : ''}: reading it in delegated mode needs the delegated permission Mail.ReadWrite.Shared, which this authorization did not grant. Add Mail.ReadWrite.Shared to the app registration in Entra, authorize the application again on the Azure Applications page, and give that account Full Access to ${mailbox}.`,
    };
  }
  if (err instanceof MissingAppError) {
    return { code: 'azure_app_missing', message: `${err.message} Choose another one on the Reporting mailbox page.` };
  }
  if (err instanceof AppError) return { code: err.code, message: err.message };
  return { code: 'internal_error', message: 'The reading failed unexpectedly; the server log has the details.' };
}
