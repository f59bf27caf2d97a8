// Mail folders beyond the well-known ones, and the change log message delta reads. Kept per Store
// beside the shared model (like mail/state.ts) so the model stays what every module agrees on.
//
// A message's `folder` is a well-known name (inbox, …) or, for a folder created through Graph, that
// folder's id. Every arrival in a folder stamps the message with a Store.seq; every departure
// (move, delete) leaves a tombstone in the folder it left, so /messages/delta can answer "added
// since" and "@removed since" per folder, as Exchange's sync state does.
import { createHash } from 'node:crypto';
import type { MailMessage, Store } from '../model.js';
import { ewsToRest, folderId, resolveFolder, WELL_KNOWN_FOLDERS } from './ids.js';

export interface CustomFolder {
  id: string;
  mailboxUserId: string;
  /** well-known name or custom folder id of the parent */
  parent: string;
  displayName: string;
}

export interface FolderTombstone {
  mailboxUserId: string;
  folder: string;
  /** the ids the message had while it was in the folder */
  restId: string;
  immutableId: string;
  seq: number;
}

interface FolderState {
  custom: Map<string, CustomFolder>;
  /** immutable message id → Store.seq of its arrival in its current folder */
  arrived: Map<string, number>;
  tombstones: FolderTombstone[];
}

const states = new WeakMap<Store, FolderState>();

export function folderState(store: Store): FolderState {
  let s = states.get(store);
  if (!s) {
    s = { custom: new Map(), arrived: new Map(), tombstones: [] };
    states.set(store, s);
  }
  return s;
}

/** Folders that sit directly under the root in a new Exchange Online mailbox (what /mailFolders lists). */
export const TOP_LEVEL = [
  'archive',
  'conversationhistory',
  'deleteditems',
  'drafts',
  'inbox',
  'junkemail',
  'outbox',
  'sentitems',
];

/** A well-known name (any case), a well-known folder's id or a custom folder's id → the folder key. */
export function resolveAnyFolder(store: Store, mailboxUserId: string, nameOrId: string): string | null {
  const known = resolveFolder(mailboxUserId, nameOrId);
  if (known) return known;
  const c = folderState(store).custom.get(nameOrId);
  return c && c.mailboxUserId === mailboxUserId ? c.id : null;
}

export function folderIdOf(mailboxUserId: string, key: string): string {
  return key in WELL_KNOWN_FOLDERS ? folderId(mailboxUserId, key) : key;
}

export function displayNameOf(store: Store, key: string): string {
  return WELL_KNOWN_FOLDERS[key] ?? folderState(store).custom.get(key)?.displayName ?? key;
}

export function parentOf(store: Store, key: string): string {
  if (key === 'msgfolderroot') return 'msgfolderroot';
  return folderState(store).custom.get(key)?.parent ?? 'msgfolderroot';
}

/** Child folder keys of a folder: the standard top level under the root, custom folders anywhere. */
export function childrenOf(store: Store, mailboxUserId: string, parent: string): string[] {
  const out = parent === 'msgfolderroot' ? [...TOP_LEVEL] : [];
  for (const c of folderState(store).custom.values()) {
    if (c.mailboxUserId === mailboxUserId && c.parent === parent) out.push(c.id);
  }
  return out;
}

/** Create a folder under `parent`; null when a sibling already has the name (Exchange compares without case). */
export function createFolder(
  store: Store,
  mailboxUserId: string,
  parent: string,
  displayName: string,
): CustomFolder | null {
  const lower = displayName.toLowerCase();
  for (const k of childrenOf(store, mailboxUserId, parent)) {
    if (displayNameOf(store, k).toLowerCase() === lower) return null;
  }
  // shaped like a folder id of this mailbox (REST alphabet) so idKind() accepts it
  const seed = createHash('sha256').update(`${mailboxUserId}/custom/${store.nextSeq()}/${displayName}`).digest();
  const bytes = Buffer.concat([
    Buffer.from([0x00, 0x03, 0x24, 0x00]),
    Buffer.from(mailboxUserId.toLowerCase().padEnd(36, '0').slice(0, 36), 'ascii'),
    Buffer.from([0x00, 0x2e, 0x00, 0x00, 0x00, 0x01]),
    seed.subarray(0, 22),
  ]);
  const f: CustomFolder = { id: ewsToRest(bytes.toString('base64')), mailboxUserId, parent, displayName };
  folderState(store).custom.set(f.id, f);
  return f;
}

/** A message arrived in its folder (stored or moved in). */
export function noteArrival(store: Store, m: MailMessage): void {
  folderState(store).arrived.set(m.id, store.nextSeq());
}

/** A message is leaving its folder (moved out or deleted), with the ids it had there. */
export function noteDeparture(store: Store, m: MailMessage): void {
  folderState(store).tombstones.push({
    mailboxUserId: m.mailboxUserId,
    folder: m.folder,
    restId: m.restId,
    immutableId: m.id,
    seq: store.nextSeq(),
  });
}

/** Arrival seq of a message; 0 for messages placed straight into the Store (seen by full rounds only). */
export const arrivalSeq = (store: Store, m: MailMessage): number => folderState(store).arrived.get(m.id) ?? 0;
