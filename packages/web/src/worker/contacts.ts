// The account's contacts and their safety numbers, for the Contacts view.
import { call, need } from './session.ts';

export const contactsApi = {
  /** Contacts ([Note: Contacts]): each refreshed against the hub's current bundle. */
  contacts: () => call(() => need().contacts.list()),
  refreshContact: (email: string) => call(() => need().contacts.refresh(email)),
  addContact: (email: string) => call(() => need().contacts.add(email)),
  verifyContact: (email: string, safetyNumber?: string) =>
    call(() => need().contacts.verify(email, safetyNumber === undefined ? {} : { safetyNumber })),
  removeContact: (email: string) => call(() => need().contacts.remove(email)),
  myFingerprint: () => call(() => need().contacts.myFingerprint()),
};
