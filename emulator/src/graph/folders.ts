// Mail folders: GET …/mailFolders (the folders under the root), …/mailFolders/{id|well-known name},
// …/mailFolders/{id}/childFolders, and creating one with POST …/mailFolders or …/childFolders
// (409 ErrorFolderExists for a sibling of the same name, as Exchange compares names without case).
import { childrenOf, createFolder, displayNameOf, folderIdOf, parentOf, resolveAnyFolder } from '../mail/folders.js';
import { idKind } from '../mail/ids.js';
import type { User } from '../model.js';
import { MAIL_READ, MAIL_WRITE, requireMail } from './auth.js';
import { GraphError, idMalformed, itemNotFound } from './errors.js';
import { targetMailbox, userRef } from './mailbox.js';
import { CONTEXT_BASE, type GraphReq, type GraphRes, json, linkWith, q } from './request.js';

function resolve(req: GraphReq, mailbox: User, nameOrId: string): string {
  const key = resolveAnyFolder(req.ctx.store, mailbox.id, nameOrId);
  if (!key) throw idKind(nameOrId) ? itemNotFound() : idMalformed();
  return key;
}

function render(req: GraphReq, mailbox: User, key: string): Record<string, unknown> {
  const store = req.ctx.store;
  let total = 0;
  let unread = 0;
  for (const m of store.messages.values()) {
    if (m.mailboxUserId === mailbox.id && m.folder === key) {
      total++;
      if (key === 'inbox') unread++;
    }
  }
  return {
    id: folderIdOf(mailbox.id, key),
    displayName: displayNameOf(store, key),
    parentFolderId: folderIdOf(mailbox.id, parentOf(store, key)),
    childFolderCount: childrenOf(store, mailbox.id, key).length,
    unreadItemCount: unread,
    totalItemCount: total,
    sizeInBytes: 0,
    isHidden: false,
  };
}

const ctxBase = (req: GraphReq, mailbox: User) =>
  `${CONTEXT_BASE}#users('${encodeURIComponent(userRef(req, mailbox))}')`;

export function getMailFolder(req: GraphReq): GraphRes {
  requireMail(req.principal, MAIL_READ);
  const mailbox = targetMailbox(req, 'read');
  const key = resolve(req, mailbox, req.params.folder!);
  return json({ '@odata.context': `${ctxBase(req, mailbox)}/mailFolders/$entity`, ...render(req, mailbox, key) });
}

function list(req: GraphReq, mailbox: User, parent: string, context: string): GraphRes {
  // Graph's folder collections page by 10 by default with $top/$skip in the nextLink.
  const top = Number(q(req, '$top') ?? 10);
  const skip = Number(q(req, '$skip') ?? 0);
  if (!Number.isInteger(top) || top < 1 || top > 1000 || !Number.isInteger(skip) || skip < 0) {
    throw new GraphError(400, 'ErrorInvalidUrlQuery', 'The value of $top or $skip is invalid.');
  }
  let keys = childrenOf(req.ctx.store, mailbox.id, parent);
  // the one filter clients use to find a folder by name
  const filter = q(req, '$filter');
  if (filter !== null) {
    const m = /^\s*displayName\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
    if (!m)
      throw new GraphError(
        501,
        'NotImplemented',
        `The emulator does not implement '$filter=${filter}' on mailFolders.`,
      );
    const name = m[1]!.replaceAll("''", "'").toLowerCase();
    keys = keys.filter((k) => displayNameOf(req.ctx.store, k).toLowerCase() === name);
  }
  const page = keys.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': context,
    value: page.map((k) => render(req, mailbox, k)),
  };
  if (skip + top < keys.length) {
    body['@odata.nextLink'] = linkWith(req, req.segments.join('/'), { $top: String(top), $skip: String(skip + top) }, [
      '$top',
      '$skip',
    ]);
  }
  return json(body);
}

export function listMailFolders(req: GraphReq): GraphRes {
  requireMail(req.principal, MAIL_READ);
  const mailbox = targetMailbox(req, 'read');
  return list(req, mailbox, 'msgfolderroot', `${ctxBase(req, mailbox)}/mailFolders`);
}

export function listChildFolders(req: GraphReq): GraphRes {
  requireMail(req.principal, MAIL_READ);
  const mailbox = targetMailbox(req, 'read');
  const parent = resolve(req, mailbox, req.params.folder!);
  return list(req, mailbox, parent, `${ctxBase(req, mailbox)}/mailFolders('${req.params.folder}')/childFolders`);
}

function create(req: GraphReq, parentParam: string | null): GraphRes {
  requireMail(req.principal, MAIL_WRITE);
  const mailbox = targetMailbox(req, 'write');
  const parent = parentParam === null ? 'msgfolderroot' : resolve(req, mailbox, parentParam);
  const name = (req.body as { displayName?: unknown } | null)?.displayName;
  if (typeof name !== 'string' || !name.trim()) {
    throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'DisplayName' is empty.");
  }
  const f = createFolder(req.ctx.store, mailbox.id, parent, name);
  if (!f) throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
  return json({ '@odata.context': `${ctxBase(req, mailbox)}/mailFolders/$entity`, ...render(req, mailbox, f.id) }, 201);
}

export const createMailFolder = (req: GraphReq): GraphRes => create(req, null);
export const createChildFolder = (req: GraphReq): GraphRes => create(req, req.params.folder!);
