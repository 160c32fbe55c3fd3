import type { Content, Kind } from './trees.ts';

/**
 * A node named by one of its ids: `remote` (a Coffer node id) or `local` (`dev:ino`). A
 * node created by an earlier action of the same plan is named by its id on the side it came
 * from; the executor maps it to the other side's id once it exists. `root` is the sync root.
 */
export type Ref = { remote: string } | { local: string } | { root: true };

export const ROOT: Ref = { root: true };

/** Where a node goes: under `parent`, as `name`. */
export interface Place {
  parent: Ref;
  name: string;
}

export type Action =
  /** A local folder with no remote counterpart: create one (bound to it). */
  | ({ op: 'mkdir-remote'; local: string } & Place)
  /** A remote folder with no local counterpart: create one (bound to it). */
  | ({ op: 'mkdir-local'; remote: string } & Place)
  /** A local file: upload it as a new remote file at `place`, or as a new revision of `remote`. */
  | { op: 'upload'; local: string; remote: string | null; place: Place | null }
  /** A remote file: download it into a new local file at `place`, or over local file `local`. */
  | { op: 'download'; remote: string; local: string | null; place: Place | null }
  | ({ op: 'move-remote'; remote: string } & Place)
  | ({ op: 'move-local'; local: string } & Place)
  /** The executable bit of one side follows the other's. */
  | { op: 'exec-remote'; remote: string; exec: boolean }
  | { op: 'exec-local'; local: string; exec: boolean }
  /**
   * Both sides hold the same thing: bind them in the base (`content` as it is now). Also a
   * node whose local id changed (an editor saving through a new file) or whose content facts
   * moved without a change (a touched mtime, a revision with the same content).
   */
  | { op: 'adopt'; remote: string; local: string; content: Content }
  /**
   * Keep both: the local node is renamed `name` in its folder and becomes a node of its own
   * (uploaded by later actions, unless the remote side is read-only); the remote one keeps
   * its name and comes down by later actions.
   */
  | { op: 'conflict-rename'; local: string; name: string; reason: ConflictReason }
  /** To the remote trash (a folder with everything under it); `covers` lists the base rows it ends. */
  | { op: 'trash-remote'; remote: string; covers: string[] }
  /** To the local `.coffer/trash`; `covers` lists the base rows it ends (by remote id). */
  | { op: 'trash-local'; local: string; covers: string[] }
  /** The local copy only goes (selective sync dropped its folder); the remote stays. */
  | { op: 'drop-local'; local: string; covers: string[] }
  /** Gone on both sides: the base row ends. */
  | { op: 'forget'; remote: string }
  /** Something the user should know about; nothing is done. */
  | { op: 'report'; kind: ReportKind; path: string; message: string };

export type ConflictReason = 'both-edited' | 'both-created' | 'read-only';

export type ReportKind = 'name-clash' | 'read-only';

export interface PlanOptions {
  /** The name the user gave this device, for conflict copies. */
  device: string;
  now: Date;
  /** The local file system compares names without case (macOS, Windows). */
  caseInsensitive: boolean;
  /** The remote folder cannot be written (a read-only share): sync down only. */
  readOnly: boolean;
  /**
   * Whether a path (relative to the root, `/` between names) is synced: ignored paths are
   * neither present nor deleted; unselected remote folders do not come down, and their local
   * copy goes. Default: everything is synced.
   */
  scope?: (path: string, kind: Kind) => 'sync' | 'ignored' | 'unselected';
}

export interface Plan {
  actions: Action[];
  /** How many files and folders the base holds: the denominator of the deletion brake. */
  baseCount: number;
  /** Base rows the plan ends by deleting on either side. */
  deletions: number;
}
