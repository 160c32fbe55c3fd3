// Private groups and their catalog ([Note: Groups in the client], [Note: Shelves in the client]):
// every roster and entry is opened and checked here; the page gets names and states only.
import type { Contact, Group } from '@coffer/sdk';
import { inTurn } from './queue.ts';
import { call, need } from './session.ts';

/** Whether we compared someone's safety number, and whether their keys changed since. */
export type KeyState = 'verified' | 'unverified' | 'changed';

/** A group as the Groups page shows it: how many are in, and each person's key state. */
export type ListedGroup = Group & {
  memberCount: number;
  /** By account id: the owner's and every member's (ours is verified). */
  keys: Record<string, KeyState>;
};

function keyState(contact: Contact | undefined): KeyState {
  if (!contact) return 'unverified';
  return contact.keyChanged ? 'changed' : contact.verified ? 'verified' : 'unverified';
}

export const groupsApi = {
  /** Our email and account id, to tell our own entries and rows from others'. */
  me: () => call(async () => need().whoami()),
  /** The groups we own or are in, and invitations, each roster checked. */
  groups: () =>
    inTurn(async () => {
      const c = need();
      const groups = await c.groups.list();
      const contacts = new Map((await c.contacts.list()).map((x) => [x.accountId, x]));
      const me = c.whoami().accountId;
      const of = (id: string): KeyState => (id === me ? 'verified' : keyState(contacts.get(id)));
      return groups.map(
        (g): ListedGroup => ({
          ...g,
          // The owner and everyone who accepted.
          memberCount: 1 + g.members.filter((m) => m.state === 'member').length,
          keys: Object.fromEntries(
            [g.owner.accountId, ...g.members.map((m) => m.accountId)].map((id) => [id, of(id)]),
          ),
        }),
      );
    }),
  groupCreate: (name: string, emails: string[]) => inTurn(() => need().groups.create(name, emails)),
  groupInvite: (id: string, emails: string[]) => inTurn(() => need().groups.invite(id, emails)),
  groupAccept: (id: string) => inTurn(() => need().groups.accept(id)),
  groupDecline: (id: string) => inTurn(() => need().groups.decline(id)),
  groupRemove: (id: string, email: string) => inTurn(() => need().groups.remove(id, email)),
  groupLeave: (id: string) => inTurn(() => need().groups.leave(id)),
  groupDelete: (id: string) => inTurn(() => need().groups.delete(id)),
  /** The personal servers of the people in a group: country and online state only. */
  groupServers: (id: string) => inTurn(() => need().groups.servers(id)),
  /**
   * Every entry of every group we are in, opened and checked; `problems` says which were left
   * out (signed by their author but broken).
   */
  catalog: () =>
    inTurn(async () => {
      const c = await need().shelves.catalog();
      return { entries: [...c.entries], problems: [...c.problems] };
    }),
  /** Publishes files of ours on our shelf in a group; each path's entry, or why it failed. */
  publish: (paths: string[], groupId: string, tags: string[], note: string) =>
    inTurn(async () => {
      const c = need();
      const out: { path: string; error: string | null }[] = [];
      for (const path of paths) {
        try {
          await c.shelves.publish(path, groupId, { tags, note });
          out.push({ path, error: null });
        } catch (e) {
          out.push({ path, error: (e as Error).message ?? String(e) });
        }
      }
      return out;
    }),
  withdraw: (groupId: string, entryId: string) =>
    inTurn(() => need().shelves.withdraw(groupId, entryId)),
  /** Our auto-mirror subscription to a group, or null ([Note: Auto-mirror in the client]). */
  mirrorSubscription: (groupId: string) =>
    inTurn(
      async () => (await need().mirrors.subscriptions()).find((s) => s.groupId === groupId) ?? null,
    ),
  /**
   * Mirrors a group's new entries (or one member's) to our personal server, or changes the
   * budget and member; the SDK reads the budget ("200 GiB") and names a bad one by `budget`.
   */
  mirrorSubscribe: (groupId: string, budget: string, member: string | null) =>
    inTurn(() =>
      need().mirrors.subscribe(groupId, { budget, ...(member !== null ? { member } : {}) }),
    ),
  mirrorUnsubscribe: (groupId: string) => inTurn(() => need().mirrors.unsubscribe(groupId)),
};
