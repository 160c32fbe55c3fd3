import { NotFoundError, ValidationError } from '@coffer/errors';
import { type MirrorInfo, parseSize, type SubscriptionInfo } from '@coffer/protocol';
import type { HubClient } from '../hub-client.ts';
import type { Group, Groups } from './groups.ts';

// [Note: Auto-mirror in the client]
// A subscription asks the hub to copy a group's new entries (or one member's) to our personal
// servers as they are published ([Note: Auto-mirror] on the hub). The client names the group
// and the member by the roster it checked; the hub's answers are bookkeeping (what is where),
// and a mirrored file opens through the catalog entry as any other, so nothing here is trusted
// for content.

export interface Subscription extends SubscriptionInfo {
  /** The group's name, as we opened it. */
  group: string;
  /** The member followed, or null for every member. */
  memberEmail: string | null;
}

export interface SubscribeOptions {
  /** Bytes, or a size such as "200GiB". */
  budget: number | string;
  /** Only this member's shelf (an email on the group's roster). */
  member?: string;
}

export interface MirrorsDeps {
  hub: HubClient;
  groups: Pick<Groups, 'get' | 'list'>;
}

export class Mirrors {
  constructor(private readonly deps: MirrorsDeps) {}

  /** Subscribes to a group's new entries, or one member's; again to change member or budget. */
  async subscribe(group: string, o: SubscribeOptions): Promise<Subscription> {
    const budget = parseSize(o.budget, 'budget');
    if (budget < 1) throw new ValidationError('budget', 'expected at least one byte');
    const g = await this.deps.groups.get(group);
    const memberId = o.member === undefined ? null : memberOf(g, o.member);
    const info = await this.deps.hub.call('subscribe', {
      params: { id: g.id },
      body: { budget, memberId },
    });
    return named(info, [g]);
  }

  /** Ends a subscription; with `member`, only if it follows that member. */
  async unsubscribe(group: string, o: { member?: string } = {}): Promise<void> {
    const g = await this.deps.groups.get(group);
    if (o.member !== undefined) {
      const id = memberOf(g, o.member);
      const mine = (await this.deps.hub.call('subscriptions', {})).subscriptions.find(
        (s) => s.groupId === g.id,
      );
      if (mine && mine.memberId !== id)
        throw new NotFoundError(
          `member: your subscription to ${g.name} does not follow ${o.member}`,
        );
    }
    await this.deps.hub.call('unsubscribe', { params: { id: g.id } });
  }

  /** Our subscriptions, with the bytes each uses of its budget. */
  async subscriptions(): Promise<Subscription[]> {
    const list = (await this.deps.hub.call('subscriptions', {})).subscriptions;
    const groups = list.length ? await this.deps.groups.list() : [];
    return list.map((s) => named(s, groups));
  }

  /** Entries mirrored for us, and where each stands. */
  async list(): Promise<MirrorInfo[]> {
    return (await this.deps.hub.call('mirrors', {})).mirrors;
  }

  /** The entry ids whose files are on our servers by a mirror: the feed's "on your server". */
  async onMyServer(): Promise<Set<string>> {
    return new Set((await this.list()).filter((m) => m.state === 'ready').map((m) => m.entryId));
  }
}

/** The account id of a member of the group (owner or accepted) by email. */
function memberOf(g: Group, email: string): string {
  const wanted = email.trim().toLowerCase();
  if (g.owner.email.toLowerCase() === wanted) return g.owner.accountId;
  const m = g.members.find((x) => x.email.toLowerCase() === wanted && x.state === 'member');
  if (!m) throw new ValidationError('member', `${email} is not a member of ${g.name}`);
  return m.accountId;
}

function named(s: SubscriptionInfo, groups: readonly Group[]): Subscription {
  const g = groups.find((x) => x.id === s.groupId);
  const people = g ? [g.owner, ...g.members] : [];
  return {
    ...s,
    group: g?.name ?? s.groupId,
    memberEmail:
      s.memberId === null
        ? null
        : (people.find((p) => p.accountId === s.memberId)?.email ?? s.memberId),
  };
}
