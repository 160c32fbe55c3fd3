import {
  type AccountId,
  fromBase64Url,
  type GroupKey,
  type GroupRoster,
  newGroupKey,
  newNodeId,
  openGroupKey,
  openGroupName,
  type PinnedMemberList,
  type SigningPublicKey,
  sealGroupKey,
  sealGroupName,
  signGroupRoster,
  toBase64Url,
  verifyGroupRoster,
} from '@coffer/crypto';
import { IntegrityError, NotFoundError, ValidationError } from '@coffer/errors';
import type { GroupInfo } from '@coffer/protocol';
import { refuseRepeats } from '../checks.ts';
import type { Contacts } from '../contacts.ts';
import type { HubClient } from '../hub-client.ts';
import { type AccountKeys, fromHub } from '../keys.ts';

// [Note: Groups in the client]
// The owner signs each roster ([Note: Groups] in crypto) and seals the group key to every
// person on it; an invitee gets every key version, so what the group holds from before opens
// for them too. A member opens a group only after checking the roster with the owner's pinned
// key and against the newest roster it accepted (pinned in its contact book), that it names
// the member, and that the keys were sealed by the owner for this group. Dropping anyone from
// the roster (removed, declined or left) makes a new key version, sealed to those who remain:
// nothing sealed afterwards opens with the keys they held.

export type GroupMemberState = GroupInfo['members'][number]['state'];

export interface GroupMember {
  email: string;
  accountId: string;
  /** What they answered: invited (no answer yet), member, declined or left. */
  state: GroupMemberState;
  /** Their keys are verified (safety numbers compared); false is worth a warning. */
  verified: boolean;
}

/**
 * A personal server of someone in a group, as the hub describes it: whose, where, and whether
 * it is online; nothing that would reach it ([Note: Group servers] on the hub).
 */
export interface MemberServer {
  accountId: string;
  email: string;
  country: string;
  online: boolean;
}

/** A group, opened and checked. */
export interface Group {
  id: string;
  name: string;
  role: GroupInfo['role'];
  owner: { email: string; accountId: string };
  members: GroupMember[];
  keyVersion: number;
}

export interface GroupsDeps {
  hub: HubClient;
  keys: AccountKeys;
  contacts: Pick<
    Contacts,
    'add' | 'keysFor' | 'list' | 'groupPin' | 'pinGroup' | 'ownPreviousKeys'
  >;
}

/** A group with what only its members hold: every key version we can open. */
interface OpenGroup extends Group {
  roster: GroupRoster;
  keys: Map<number, GroupKey>;
}

const DROPPED: readonly GroupMemberState[] = ['declined', 'left'];

/** Key versions to seal to one person. */
interface Sealing {
  who: {
    accountId: AccountId;
    agreementPublic: Parameters<typeof sealGroupKey>[3]['agreementPublic'];
  };
  versions: readonly number[];
}

export class Groups {
  constructor(private readonly deps: GroupsDeps) {}

  /** The groups we own or are in, and invitations waiting for an answer, each checked. */
  async list(): Promise<Group[]> {
    return (await this.opened()).map(shown);
  }

  /** One group, by id or by its name (unique among ours). */
  async get(group: string): Promise<Group> {
    return shown(await this.find(group));
  }

  /** A group key of ours, by version (the newest when absent): to seal or open its contents. */
  async key(
    group: string,
    keyVersion?: number,
  ): Promise<{ groupId: string; keyVersion: number; key: GroupKey }> {
    const g = await this.find(group);
    const v = keyVersion ?? g.keyVersion;
    const key = g.keys.get(v);
    if (!key) throw new NotFoundError(`keyVersion: no key ${v} of group ${g.name} for you`);
    return { groupId: g.id, keyVersion: v, key };
  }

  /** Every key version of a group we hold, by version: to open what the group holds. */
  async keyring(group: string): Promise<ReadonlyMap<number, GroupKey>> {
    return (await this.find(group)).keys;
  }

  /**
   * The personal servers of the owner and the members of a group we are in. What the hub says
   * about them cannot be checked, so it is for display only; a server it puts under someone
   * the roster does not name is left out.
   */
  async servers(group: string): Promise<MemberServer[]> {
    const g = await this.find(group);
    const { servers } = await this.deps.hub.call('groupServers', { params: { id: g.id } });
    const who = new Map([
      [g.owner.accountId, g.owner.email],
      ...g.members.map((m): [string, string] => [m.accountId, m.email]),
    ]);
    return servers.flatMap((s) => {
      const email = who.get(s.accountId);
      return email ? [{ ...s, email }] : [];
    });
  }

  /** Creates a group named `name`, inviting `emails` (contacts; added as contacts if new). */
  async create(name: string, emails: readonly string[] = []): Promise<Group> {
    const me = this.me();
    const invitees = await this.people(emails);
    const roster: GroupRoster = {
      groupId: newNodeId() as string,
      ownerId: me.accountId,
      version: 1,
      keyVersion: 1,
      members: invitees.map((p) => p.accountId),
    };
    const keys = new Map([[1, newGroupKey()]]);
    return this.put(
      roster,
      name,
      keys,
      [me, ...invitees].map((who) => ({ who, versions: [1] })),
    );
  }

  /**
   * Invites contacts to a group we own. Someone who declined or left can be invited again.
   * Whoever declined or left is dropped from the roster on the way (a new key version).
   */
  async invite(group: string, emails: readonly string[]): Promise<Group> {
    const g = await this.owned(group);
    const active = new Set(
      g.members.filter((m) => !DROPPED.includes(m.state)).map((m) => m.accountId),
    );
    const invitees = (await this.people(emails)).filter((p) => !active.has(p.accountId));
    if (invitees.length === 0)
      throw new ValidationError('emails', 'everyone named is in the group already');
    let base = g;
    const { roster, keys, rotated } = this.drop(g, (m) => DROPPED.includes(m.state));
    if (rotated) {
      // Those who declined or left go first, in a roster of their own (a new key), so that
      // someone invited again comes back as a fresh invitation the hub cannot confuse with
      // the old answer.
      await this.put(roster, g.name, keys, await this.rotatedFor(g, roster));
      base = await this.owned(g.id);
    }
    const next = {
      ...base.roster,
      version: base.roster.version + 1,
      members: [...base.roster.members, ...invitees.map((p) => p.accountId)],
    };
    // Newcomers get every key version, so what the group held before opens for them too.
    const versions = [...base.keys.keys()];
    return this.put(
      next,
      base.name,
      base.keys,
      invitees.map((who) => ({ who, versions })),
    );
  }

  /** Takes `email` out of a group we own, and rotates its key. */
  async remove(group: string, email: string): Promise<Group> {
    const g = await this.owned(group);
    const wanted = email.trim().toLowerCase();
    const m = g.members.find((x) => x.email === wanted);
    if (!m) throw new NotFoundError(`email: ${email} is not in group ${g.name}`);
    const { roster, keys } = this.drop(
      g,
      (x) => x.accountId === m.accountId || DROPPED.includes(x.state),
    );
    return this.put(roster, g.name, keys, await this.rotatedFor(g, roster));
  }

  /** Accepts an invitation (after checking it). */
  async accept(group: string): Promise<Group> {
    const g = await this.find(group, { invitations: true });
    await this.deps.hub.call('answerGroupInvite', { params: { id: g.id }, body: { accept: true } });
    return shown(await this.find(g.id));
  }

  async decline(group: string): Promise<void> {
    const g = await this.find(group, { invitations: true });
    await this.deps.hub.call('answerGroupInvite', {
      params: { id: g.id },
      body: { accept: false },
    });
  }

  /** Leaves a group we are in. The owner's next roster leaves us out, with a new key. */
  async leave(group: string): Promise<void> {
    const g = await this.find(group, { invitations: true });
    if (g.role === 'owner')
      throw new ValidationError('group', 'you own this group: end it with delete instead');
    await this.deps.hub.call('leaveGroup', { params: { id: g.id } });
  }

  /** Ends a group we own, for everyone in it. */
  async delete(group: string): Promise<void> {
    const g = await this.owned(group);
    await this.deps.hub.call('deleteGroup', { params: { id: g.id } });
  }

  // ---- internals ----

  private me() {
    return { ...this.deps.keys.identity, accountId: this.deps.keys.accountId };
  }

  /** Contacts for sealing to: added if new, their keys checked (a key change is refused). */
  private async people(emails: readonly string[]) {
    refuseRepeats(
      emails.map((e) => e.trim().toLowerCase()),
      (e) => e,
      'emails',
      (e) => e,
    );
    const out: (Awaited<ReturnType<Contacts['keysFor']>> & { email: string })[] = [];
    for (const email of emails) {
      await this.deps.contacts.add(email);
      out.push({ ...(await this.deps.contacts.keysFor(email)), email: email.trim().toLowerCase() });
    }
    return out;
  }

  /**
   * Who gets the new key version after a rotation: us, and each member who stays, on the keys
   * we last trusted (someone whose keys changed since keeps their place until verified again).
   */
  private async rotatedFor(g: OpenGroup, roster: GroupRoster): Promise<Sealing[]> {
    const versions = [roster.keyVersion];
    const out: Sealing[] = [{ who: this.me(), versions }];
    for (const m of g.members) {
      if (!roster.members.includes(m.accountId as AccountId)) continue;
      const who = await this.deps.contacts.keysFor(m.email, { lastTrusted: true });
      if (who.accountId !== m.accountId)
        throw new IntegrityError(`${m.email} is another account than the roster's ${m.accountId}`);
      out.push({ who, versions });
    }
    return out;
  }

  /** A roster member the hub no longer lists: our contact, if we have one, else its id. */
  private async goneMember(id: string) {
    const known = (await this.deps.contacts.list()).find((c) => c.accountId === id);
    return { email: known?.email ?? `deleted account ${id}`, verified: false, keyChanged: false };
  }

  /** Our contact for roster member `id`, pinned on first sight from the email the hub gives. */
  private async contactFor(what: string, id: string, email: string | undefined) {
    const known = (await this.deps.contacts.list()).find((c) => c.accountId === id);
    if (known) return known;
    if (id === this.deps.keys.accountId)
      return { email: this.deps.keys.email, verified: true, keyChanged: false };
    if (!email) throw new IntegrityError(`${what}: the hub names no one for roster member ${id}`);
    const c = await this.deps.contacts.add(email);
    if (c.accountId !== id)
      throw new IntegrityError(
        `${what}: the hub names roster member ${id} as ${email}, another account`,
      );
    return c;
  }

  /** The roster without those `out` picks: a new version and, if anyone goes, a new key. */
  private drop(g: OpenGroup, out: (m: GroupMember) => boolean) {
    const gone = new Set(g.members.filter(out).map((m) => m.accountId));
    const members = g.roster.members.filter((id) => !gone.has(id));
    const rotated = members.length < g.roster.members.length;
    const keyVersion = rotated ? g.roster.keyVersion + 1 : g.roster.keyVersion;
    const keys = new Map(g.keys);
    if (rotated) keys.set(keyVersion, newGroupKey());
    const roster = { ...g.roster, version: g.roster.version + 1, keyVersion, members };
    return { roster, keys, rotated };
  }

  /** Signs and puts a roster, the name sealed under its newest key and the sealings, and pins it. */
  private async put(
    roster: GroupRoster,
    name: string,
    keys: ReadonlyMap<number, GroupKey>,
    sealings: readonly Sealing[],
  ): Promise<Group> {
    const me = this.me();
    const place = (keyVersion: number) => ({ groupId: roster.groupId, keyVersion });
    const sealed: { accountId: string; keyVersion: number; sealed: string }[] = [];
    for (const { who, versions } of sealings) {
      for (const v of versions) {
        const key = keys.get(v) as GroupKey;
        const box = await sealGroupKey(key, place(v), me, who);
        sealed.push({ accountId: who.accountId, keyVersion: v, sealed: toBase64Url(box) });
      }
    }
    const signed = signGroupRoster(roster, me);
    const newest = keys.get(roster.keyVersion) as GroupKey;
    const info = await this.deps.hub.call('putGroup', {
      body: {
        id: roster.groupId,
        roster: toBase64Url(signed),
        name: toBase64Url(await sealGroupName(name, newest, place(roster.keyVersion))),
        keys: sealed,
      },
    });
    const { pin } = await verifyGroupRoster(signed, roster, me.signingPublic);
    await this.deps.contacts.pinGroup(roster.groupId, pin);
    return shown(await this.open(info));
  }

  private async owned(group: string): Promise<OpenGroup> {
    const g = await this.find(group);
    if (g.role !== 'owner')
      throw new ValidationError(
        'group',
        `${g.name} is ${g.owner.email}'s group; only its owner changes who is in it`,
      );
    return g;
  }

  private async find(group: string, o: { invitations?: boolean } = {}): Promise<OpenGroup> {
    const all = (await this.opened()).filter((g) => o.invitations || g.role !== 'invited');
    const byId = all.find((g) => g.id === group);
    if (byId) return byId;
    const named = all.filter((g) => g.name === group);
    if (named.length === 1) return named[0] as OpenGroup;
    if (named.length > 1)
      throw new ValidationError('group', `${named.length} groups are named ${group}: use its id`);
    throw new NotFoundError(`group: no group ${group}${o.invitations ? '' : ' you are in'}`);
  }

  private async opened(): Promise<OpenGroup[]> {
    const { groups } = await this.deps.hub.call('groups', {});
    refuseRepeats(
      groups,
      (g) => g.id,
      'groups',
      (g) => `group ${g.id}`,
    );
    const out: OpenGroup[] = [];
    for (const g of groups) out.push(await this.open(g));
    return out;
  }

  private async open(g: GroupInfo): Promise<OpenGroup> {
    const me = this.me();
    const what = `group ${g.id} of ${g.ownerEmail}`;
    const mine = g.ownerId === me.accountId;
    if (mine !== (g.role === 'owner'))
      throw new IntegrityError(`${what}: the hub says ${g.role}, the owner is ${g.ownerId}`);
    let ownerKeys: SigningPublicKey[];
    if (mine) ownerKeys = [me.signingPublic, ...(await this.deps.contacts.ownPreviousKeys())];
    else {
      await this.deps.contacts.add(g.ownerEmail);
      const owner = await this.deps.contacts.keysFor(g.ownerEmail, { lastTrusted: true });
      if (owner.accountId !== g.ownerId)
        throw new IntegrityError(`${what}: the hub names another owner than ${g.ownerEmail}`);
      ownerKeys = [owner.signingPublic, ...owner.previousSigning];
    }
    const expect = { groupId: g.id, ownerId: g.ownerId as AccountId };
    const { roster, pin } = await checkRoster(
      what,
      g,
      expect,
      ownerKeys,
      await this.deps.contacts.groupPin(g.id),
    );
    if (!mine && !roster.members.includes(me.accountId))
      throw new IntegrityError(`${what}: the owner's roster does not name you (added by the hub?)`);
    await this.deps.contacts.pinGroup(g.id, pin);
    const keys = new Map<number, GroupKey>();
    for (const k of g.keys) {
      if (k.keyVersion > roster.keyVersion) continue;
      const sealed = fromBase64Url(k.sealed, 'sealed');
      const place = { groupId: g.id, keyVersion: k.keyVersion };
      // A key sealed before the owner rotated their own keys opens with the key they had.
      keys.set(
        k.keyVersion,
        await fromHub(`key ${k.keyVersion} of ${what}`, async () => {
          let last: unknown;
          for (const signingPublic of ownerKeys) {
            try {
              return await openGroupKey(
                sealed,
                place,
                { accountId: expect.ownerId, signingPublic },
                me,
              );
            } catch (e) {
              last = e;
            }
          }
          throw last;
        }),
      );
    }
    const newest = keys.get(roster.keyVersion);
    if (!newest) throw new IntegrityError(`${what}: no key ${roster.keyVersion} for you`);
    const name = await fromHub(`name of ${what}`, () =>
      openGroupName(fromBase64Url(g.name, 'name'), newest, {
        groupId: g.id,
        keyVersion: roster.keyVersion,
      }),
    );
    const states = new Map(g.members.map((m) => [m.accountId, m]));
    const members: GroupMember[] = [];
    for (const id of roster.members) {
      const m = states.get(id);
      // Who each roster entry is comes from our contacts by account id, never from the hub's
      // label alone: a hub naming one member with another's email would otherwise have keys
      // sealed to the wrong person.
      // A roster entry the hub lists no one for is an account deleted since ([Note: Account
      // deletion] in the hub): shown as gone, so the owner's next roster drops it.
      const c = m ? await this.contactFor(what, id, m.email) : await this.goneMember(id);
      members.push({
        accountId: id,
        email: c.email,
        state: m?.state ?? 'left',
        verified: id === me.accountId || (c.verified && !c.keyChanged),
      });
    }
    return {
      id: g.id,
      name,
      role: g.role,
      owner: { email: g.ownerEmail, accountId: g.ownerId },
      members,
      keyVersion: roster.keyVersion,
      roster,
      keys,
    };
  }
}

const shown = ({ roster: _r, keys: _k, ...g }: OpenGroup): Group => g;

/**
 * Checks a roster with the owner's keys, newest first (one signed before the owner rotated
 * keys still verifies with the key they had), against the pin; the error keeps why.
 */
async function checkRoster(
  what: string,
  g: GroupInfo,
  expect: { groupId: string; ownerId: AccountId },
  ownerKeys: readonly SigningPublicKey[],
  pinned: PinnedMemberList | undefined,
) {
  const signed = fromBase64Url(g.roster, 'roster');
  let last: unknown;
  for (const key of ownerKeys) {
    try {
      return await verifyGroupRoster(signed, expect, key, pinned);
    } catch (e) {
      if (!(e instanceof IntegrityError)) throw e;
      last = e;
      if (!/not signed by/.test(e.message)) break;
    }
  }
  throw new IntegrityError(`roster of ${what}: ${(last as Error).message}`, { cause: last });
}
