// The share dialog's side of a folder we share ([Note: Folder shares]): its members and our
// contacts, each with the state of their keys, and the changes the owner makes to the list.
import { type Contact, KeyChangedError } from '@coffer/sdk';
import { appNames } from './apps.ts';
import type { KeyState } from './groups.ts';
import { inTurn } from './queue.ts';
import { need } from './session.ts';

/** Someone the dialog shows: their keys' state, and the safety number to compare. */
export interface SharePerson {
  email: string;
  /** 'broken': the hub serves keys for them that do not check out (`problem` says how). */
  keys: KeyState | 'broken';
  safetyNumber: string;
  problem?: string;
}

export type ShareMemberView = SharePerson & { role: 'read' | 'write' };

const person = (c: Contact): SharePerson => ({
  email: c.email,
  keys: c.keyChanged ? 'changed' : c.verified ? 'verified' : 'unverified',
  safetyNumber: c.safetyNumber,
});

/** A key change is told apart from other integrity errors, for the dialog to say what to do. */
async function keyChecked<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof KeyChangedError)) throw e;
    throw Object.assign(new Error(e.message), { code: 'key_changed' });
  }
}

export const shareDialogApi = {
  /**
   * Who has the folder `folderId`, their keys checked against the hub now, and the other
   * contacts as the book holds them (checked when one is added: the hub allows so many lookups
   * an hour, so opening the dialog does not spend one on every contact).
   */
  shareAccess: (folderId: string) =>
    inTurn(async () => {
      const c = need();
      const share = (await c.shares.outgoing()).find((s) => s.folderId === folderId);
      const members: ShareMemberView[] = [];
      for (const m of share?.members ?? []) {
        try {
          members.push({ ...person(await c.contacts.refresh(m.email)), role: m.role });
        } catch (e) {
          const problem = (e as Error).message;
          members.push({ email: m.email, keys: 'broken', safetyNumber: '', problem, role: m.role });
        }
      }
      const taken = new Set(members.map((m) => m.email));
      const contacts = (await c.contacts.list()).filter((x) => !taken.has(x.email)).map(person);
      return { members, contacts };
    }),
  /** Adds `email` to the folder at `path`, or changes their role; their keys are checked first. */
  shareWith: (path: string, email: string, role: 'read' | 'write') =>
    inTurn(() =>
      keyChecked(async () => {
        await need().shares.share(path, email, role);
      }),
    ),
  /** Takes `email` off the share, then rotates the folder's keys; names the apps given them. */
  unshare: (path: string, email: string) =>
    inTurn(() =>
      keyChecked(async () => {
        const c = need();
        const { resealed } = await c.shares.remove(path, email);
        return { resealed: await appNames(c, resealed) };
      }),
    ),
  /** Marks a member verified, after the user compared the safety number with them. */
  verifyMember: (email: string) => inTurn(async () => person(await need().contacts.verify(email))),
};
