import type { SigningPublicKey } from '@coffer/crypto';
import { Account } from './account.ts';
import { Apps } from './apps/apps.ts';
import { Changes } from './changes.ts';
import { Contacts } from './contacts.ts';
import { Copies } from './groups/copies.ts';
import { Feed } from './groups/feed.ts';
import { FeedStateStore } from './groups/feed-state.ts';
import { Groups } from './groups/groups.ts';
import { Mirrors } from './groups/mirrors.ts';
import { Ratings } from './groups/ratings.ts';
import { Shelves } from './groups/shelves.ts';
import { Hosting } from './hosting.ts';
import type { HubClient } from './hub-client.ts';
import type { AccountKeys } from './keys.ts';
import { Links } from './links.ts';
import { Freshness } from './pins.ts';
import { FileRequests } from './requests.ts';
import { SecondFactor } from './second-factor.ts';
import { type OpenedSession, type ResumeOptions, Session } from './session.ts';
import { Shares } from './shares/shares.ts';
import { SyncState } from './sync-state.ts';
import { Transfers } from './transfers/transfers.ts';
import { Trash } from './trash.ts';
import { Tree } from './tree.ts';

// How CofferClient's parts are made and joined ([Note: The client facade]): once per session,
// the parts every client of it shares; then, for each client (`within` makes one per tree),
// the parts that depend on its tree.

/** The parts a client is wired from; `within` swaps only the tree. */
export interface Parts {
  hub: HubClient;
  keys: AccountKeys;
  session: Session;
  contacts: Contacts;
  shares: Shares;
  links: Links;
  requests: FileRequests;
  tree: Tree;
  pins: Freshness;
}

/**
 * The parts of a session just opened. `apps` gives the apps of the client made from them, for
 * shares, which run before that client exists.
 */
export function sessionParts(
  { hub, keys, saved }: OpenedSession,
  o: ResumeOptions,
  apps: () => Apps,
): Parts {
  const pins = new Freshness(o.pins);
  const session = new Session(hub, keys, saved);
  const contacts = new Contacts(hub, keys, saved.contactsVersion ?? 0, (v) =>
    session.seeContacts(v),
  );
  const ownPreviousKeys = (): Promise<SigningPublicKey[]> => contacts.ownPreviousKeys();
  // The tree asks shares who writes in a folder we share; shares find folders by path.
  let shares: Shares | undefined;
  const tree = new Tree({
    hub,
    keys,
    authorsOf: (folderId, version) => (shares as Shares).authorsOf(folderId, version),
    pins,
  });
  // Our apps under a folder whose keys a removal rotated get the new keys.
  shares = new Shares({
    hub,
    keys,
    tree,
    contacts,
    rotated: (folderId) => apps().resealUnder(folderId),
    appAuthors: () => apps().authorKeys(),
  });
  const links = new Links({ hub, keys, tree, ownPreviousKeys });
  const requests = new FileRequests({ hub, keys, tree });
  return { hub, keys, session, contacts, shares, links, requests, tree, pins };
}

/** What a client wires from its parts, again for each tree. */
export interface TreeParts {
  bin: Trash;
  hosting: Hosting;
  groups: Groups;
  copies: Copies;
  shelves: Shelves;
  mirrors: Mirrors;
  changes: Changes;
  account: Account;
  secondFactor: SecondFactor;
  syncState: SyncState;
  feed: Feed;
  apps: Apps;
  transfers: Transfers;
}

export function treeParts(parts: Parts): TreeParts {
  const { hub, keys, tree, contacts, pins, session } = parts;
  const bin = new Trash({ hub, tree });
  const hosting = new Hosting({ hub, tree });
  const groups = new Groups({ hub, keys, contacts });
  const copies = new Copies({ hub, keys, tree, hosting });
  const ratings = new Ratings({ hub, keys, contacts, groups });
  const shelves = new Shelves({ hub, keys, tree, contacts, groups, ratings });
  const state = new FeedStateStore(hub, keys);
  const mirrors = new Mirrors({ hub, groups });
  const changes = new Changes({ hub });
  const account = new Account({ hub });
  const secondFactor = new SecondFactor({ hub, keys });
  const syncState = new SyncState({
    hub,
    keys,
    sessionId: () => session.saved().sessionId,
  });
  const feed = new Feed({ keys, shelves, copies, mirrors, ratings, state });
  const apps = new Apps({
    hub,
    keys,
    tree,
    ownPreviousKeys: () => contacts.ownPreviousKeys(),
    sharedWithOthers: async (folder) =>
      (await parts.shares.outgoing()).some(
        (s) => s.folderId === folder.info.id && s.members.length > 0,
      ),
    rotateKeys: (path, removed) => parts.shares.rotateKeys(path, removed),
  });
  const ownPreviousKeys = () => contacts.ownPreviousKeys();
  // What our read-write apps wrote is signed by them, under a grant we signed.
  const appAuthors = () => apps.authorKeys();
  return {
    bin,
    hosting,
    groups,
    copies,
    shelves,
    mirrors,
    changes,
    account,
    secondFactor,
    syncState,
    feed,
    apps,
    transfers: new Transfers({
      reading: { hub, keys, ownPreviousKeys, appAuthors, pins },
      uploading: { hub, keys, tree },
      tree,
    }),
  };
}
