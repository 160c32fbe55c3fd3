// The tables of private groups: members, keys, shelves, copies, ratings, feeds and mirrors, beside
// the rest of the schema (schema.ts).

/** A private group ([Note: Groups on the hub]); the hub keeps the owner's roster as is. */
export interface GroupsTable {
  id: string;
  owner_id: string;
  /** base64url, signed by the owner */
  roster: string;
  roster_version: number;
  key_version: number;
  /** base64url: the name sealed under the group key */
  name: string;
  created_at: number;
  updated_at: number;
}

export type GroupMemberState = 'invited' | 'member' | 'declined' | 'left';

export interface GroupMembersTable {
  group_id: string;
  account_id: string;
  state: GroupMemberState;
  invited_at: number;
  answered_at: number | null;
}

export interface GroupKeysTable {
  group_id: string;
  key_version: number;
  account_id: string;
  /** base64url: the group key sealed to this account by the owner */
  sealed: string;
}

/** An entry on a member's shelf in a group, sealed and signed ([Note: Shelf entries]). */
export interface ShelfEntriesTable {
  group_id: string;
  entry_id: string;
  author_id: string;
  version: number;
  key_version: number;
  /** base64url */
  entry: string;
  published_at: number;
  updated_at: number;
  /** The file the entry offers for copying, as its author named it; null: not copyable. */
  file_node_id: string | null;
  file_revision: number | null;
}

/** A member's copy of a shelf entry's file, until they adopt it ([Note: Copies from groups]). */
export interface GroupCopiesTable {
  id: string;
  account_id: string;
  group_id: string;
  entry_id: string;
  /** The member's folder the file goes into; its policy says where the copies go. */
  folder_id: string;
  node_id: string;
  revision: number;
  /** The author's sealed manifest of that revision (base64url), for the member to verify. */
  manifest: string;
  /** The placement the copies are made for, as JSON. */
  policy: string;
  /** The copy jobs doing it, as a JSON array of ids. */
  jobs: string;
  created_at: number;
  expires_at: number;
}

export interface GroupCopyChunksTable {
  copy_id: string;
  chunk_id: string;
  size: number;
}

/** A member's rating of an entry, sealed and signed ([Note: Ratings]); one per entry and rater. */
export interface EntryRatingsTable {
  group_id: string;
  entry_id: string;
  rater_id: string;
  key_version: number;
  /** base64url */
  rating: string;
  rated_at: number;
}

/** An account's feed state, sealed under its master key ([Note: Feed state]). */
export interface FeedStatesTable {
  account_id: string;
  version: number;
  /** base64url */
  state: string;
  updated_at: number;
}

/** A member's subscription to a group's new entries ([Note: Auto-mirror]). */
export interface SubscriptionsTable {
  account_id: string;
  group_id: string;
  /** Only this member's shelf; null for every member's. */
  member_id: string | null;
  budget_bytes: number;
  created_at: number;
}

export type MirrorState = 'copying' | 'ready' | 'evicted' | 'too-big';

/** An entry mirrored to a subscriber's personal servers ([Note: Auto-mirror]). */
export interface MirrorsTable {
  id: string;
  account_id: string;
  group_id: string;
  entry_id: string;
  node_id: string;
  revision: number;
  bytes: number;
  state: MirrorState;
  /** 1 once the subscriber holds a file of their own over its chunks: never evicted. */
  kept: number;
  /** The copy jobs doing it, as a JSON array of ids. */
  jobs: string;
  created_at: number;
}

export interface MirrorChunksTable {
  mirror_id: string;
  chunk_id: string;
  size: number;
}
