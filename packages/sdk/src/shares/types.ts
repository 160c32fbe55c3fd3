import type { ShareRole, SigningPublicKey } from '@coffer/crypto';
import type { Contacts } from '../contacts.ts';
import type { HubClient } from '../hub-client.ts';
import type { AccountKeys, OpenNode } from '../keys.ts';
import type { TreeAccess } from '../tree.ts';

export interface ShareMember {
  email: string;
  accountId: string;
  role: ShareRole;
}

/** A folder someone shared with us, opened and checked. */
export interface IncomingShare {
  id: string;
  owner: { email: string; accountId: string };
  role: ShareRole;
  members: ShareMember[];
  /**
   * Writers whose keys could not be checked (changed and not verified again, or hidden by the
   * hub): their files in the share do not verify until the user verifies them.
   */
  uncheckedWriters: string[];
  /** The shared folder: open it with `client.within(folder)`. */
  folder: OpenNode & { kind: 'folder' };
}

/** A folder we share. */
export interface OutgoingShare {
  id: string;
  folderId: string;
  members: ShareMember[];
}

/** What sharing needs: the hub, our keys, the tree by path, and the contacts it checks. */
export interface SharesDeps {
  hub: HubClient;
  keys: AccountKeys;
  tree: Pick<TreeAccess, 'resolve'>;
  contacts: Pick<
    Contacts,
    | 'add'
    | 'keysFor'
    | 'pinnedKeys'
    | 'accountOf'
    | 'sharePin'
    | 'sharePins'
    | 'pinShare'
    | 'ownPreviousKeys'
  >;
  /**
   * After a removal rotated the keys of folder `folderId`: gives our apps there the new keys
   * ([Note: Resealing after a rotation]).
   */
  rotated?(folderId: string): Promise<string[]>;
  /** The signing keys of our writing apps, each grant checked ([Note: Apps in the client]). */
  appAuthors?(): Promise<SigningPublicKey[]>;
}
