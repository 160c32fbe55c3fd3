import * as contacts from '../services/contacts.ts';
import type { AreaHandlers } from './handler.ts';

export const contactHandlers: AreaHandlers<'contacts'> = {
  updateKeys: (hub, i) => contacts.updateKeys(hub, i.caller, i.body),
  lookupContact: (hub, i) => contacts.lookupContact(hub, i.caller, i.body),
  contactBook: (hub, i) => contacts.contactBook(hub, i.caller),
  saveContactBook: (hub, i) => contacts.saveContactBook(hub, i.caller, i.body),
};
