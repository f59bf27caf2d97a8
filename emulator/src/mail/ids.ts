// Exchange item ids. Shapes follow the real ones so code that sniffs them (length, alphabet,
// padding) behaves: EWS ids are standard base64 starting "AAMkA" with the mailbox GUID in
// ASCII; REST ids are the same bytes in the URL-safe alphabet ('/'→'-', '+'→'_', what
// Office.js convertToRestId does); immutable ids start "AAkALg" and never change on move.
import { createHash, randomBytes } from 'node:crypto';

const REST_PREFIX = Buffer.from([0x00, 0x03, 0x24, 0x00]);
const IMMUTABLE_PREFIX = Buffer.from([0x00, 0x09, 0x00, 0x2e, 0x00, 0x00, 0x00, 0x00, 0x00]);
const IMMUTABLE_STORE = Buffer.from('1d840311aa6611cd9bc800aa002fc45a', 'hex');

export const ewsToRest = (ews: string) => ews.replaceAll('/', '-').replaceAll('+', '_');
export const restToEws = (rest: string) => rest.replaceAll('-', '/').replaceAll('_', '+');

/** A fresh EWS/REST id pair for an item in the mailbox (new on every move, like Exchange). */
export function newItemIds(mailboxUserId: string): { restId: string; ewsId: string } {
  // 4 + 36 + 6 + 43 = 89 bytes → base64 ends in a single '=' like real item ids
  const bytes = Buffer.concat([
    REST_PREFIX,
    Buffer.from(mailboxUserId.toLowerCase().padEnd(36, '0').slice(0, 36), 'ascii'),
    Buffer.from([0x00, 0x46, 0x00, 0x00, 0x00, 0x00]),
    randomBytes(43),
  ]);
  const ewsId = bytes.toString('base64');
  return { ewsId, restId: ewsToRest(ewsId) };
}

export function newImmutableId(mailboxUserId: string): string {
  const guid = Buffer.from(mailboxUserId.replaceAll('-', '').padEnd(32, '0').slice(0, 32), 'hex');
  return Buffer.concat([IMMUTABLE_PREFIX, IMMUTABLE_STORE, Buffer.from([0x00]), guid, randomBytes(24)]).toString(
    'base64url',
  );
}

/** Folder ids: stable per mailbox and well-known name, shaped like REST ids. */
export function folderId(mailboxUserId: string, wellKnown: string): string {
  const h = createHash('sha256').update(`${mailboxUserId}/${wellKnown}`).digest();
  const bytes = Buffer.concat([
    Buffer.from([0x00, 0x03, 0x24, 0x00]),
    Buffer.from(mailboxUserId.toLowerCase().padEnd(36, '0').slice(0, 36), 'ascii'),
    Buffer.from([0x00, 0x2e, 0x00, 0x00, 0x00, 0x00]),
    h.subarray(0, 22),
  ]);
  return ewsToRest(bytes.toString('base64'));
}

export type IdKind = 'rest' | 'immutable' | 'ews';

/** Classify an id by shape; null = malformed (Graph answers ErrorInvalidIdMalformed). */
export function idKind(id: string): IdKind | null {
  let b64: string;
  let kind: IdKind;
  if (/^[A-Za-z0-9_-]+={0,2}$/.test(id)) {
    b64 = restToEws(id);
    kind = 'rest';
  } else if (/^[A-Za-z0-9+/]+={0,2}$/.test(id)) {
    b64 = id;
    kind = 'ews';
  } else return null;
  const buf = Buffer.from(b64, 'base64');
  if (buf.length < 40) return null;
  if (buf.subarray(0, 4).equals(REST_PREFIX)) return kind;
  if (buf.subarray(0, 4).equals(IMMUTABLE_PREFIX.subarray(0, 4))) return 'immutable';
  return null;
}

export const WELL_KNOWN_FOLDERS: Record<string, string> = {
  inbox: 'Inbox',
  sentitems: 'Sent Items',
  deleteditems: 'Deleted Items',
  drafts: 'Drafts',
  junkemail: 'Junk Email',
  archive: 'Archive',
  outbox: 'Outbox',
  clutter: 'Clutter',
  conversationhistory: 'Conversation History',
  msgfolderroot: 'Top of Information Store',
  recoverableitemsdeletions: 'Deletions',
  scheduled: 'Scheduled',
  searchfolders: 'Finder',
  conflicts: 'Conflicts',
  localfailures: 'Local Failures',
  serverfailures: 'Server Failures',
  syncissues: 'Sync Issues',
};

/** Resolve a well-known name (any case) or a folder id of this mailbox to the well-known name. */
export function resolveFolder(mailboxUserId: string, nameOrId: string): string | null {
  const lower = nameOrId.toLowerCase();
  if (lower in WELL_KNOWN_FOLDERS) return lower;
  for (const name of Object.keys(WELL_KNOWN_FOLDERS)) if (folderId(mailboxUserId, name) === nameOrId) return name;
  return null;
}
