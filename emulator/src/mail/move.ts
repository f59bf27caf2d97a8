// Moving an item between folders of its mailbox, shared by Graph's move/delete and the emulated
// Outlook's report flow: Exchange gives the item new REST/EWS ids on every move (the immutable
// id stays), so an add-in holding the old itemId afterwards gets ErrorItemNotFound like in Exchange.
import type { MailMessage, Store } from '../model.js';
import { noteArrival, noteDeparture } from './folders.js';
import { newItemIds } from './ids.js';
import { mailState } from './state.js';

export function moveItem(store: Store, m: MailMessage, folder: string): void {
  const s = mailState(store);
  noteDeparture(store, m);
  s.byRestId.delete(m.restId);
  Object.assign(m, newItemIds(m.mailboxUserId), { folder });
  s.byRestId.set(m.restId, m.id);
  noteArrival(store, m);
}
