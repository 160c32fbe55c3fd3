import type { Action, Plan, PlanOptions, Ref } from './plan-types.ts';
import {
  type Both,
  contentOf,
  isFile,
  PlannerState,
  type Present,
  type Side,
} from './planner-state.ts';
import type { BaseNode, Content, LocalNode, RemoteNode, Tree } from './trees.ts';

// [Note: Three trees]
// Sync compares three trees: the remote tree (the hub's, under the sync root), the local
// tree (a scan of the local folder) and the synced base (what both sides last agreed on,
// kept in SQLite per sync root). Nodes are keyed by stable ids, not paths: a base row binds a
// Coffer node id to a local `dev:ino`. So a rename or a move on one side is seen as such (the
// id is where it was, under another parent or name) and becomes a move on the other side,
// with no content sent again; a case-only rename (A.txt to a.txt) is a move like any other.
// What changed on each side is that side against the base:
// - content: a file whose size or mtime differs from the base and whose hash differs too (a
//   touched mtime alone is not a change); on the remote side, a new revision with another
//   hash;
// - place: another parent or name; the executable bit;
// - gone: no node with that id (locally, a node at the same place and of the same kind under
//   a new inode is the same node: editors save through a new file and rename it over).
// Then, per node:
// - a change on one side goes to the other; the same change on both is agreed on as it is;
// - content changed on both: keep both. The local copy is renamed `name (conflict DEVICE
//   date).ext` and syncs as a file of its own; the remote version comes down at the name;
// - moved on both to different places: the remote place wins (it reached the hub first);
// - an edit against a delete keeps the edit: the edited file comes back on the side that
//   deleted it; a folder deleted on one side stays on both while anything under it on the
//   other side is new or changed, and only what was unchanged is deleted;
// - new on both sides at the same place and name: folders merge; files with the same hash
//   are agreed on; anything else is a conflict as above. Never an overwrite.
// A read-only remote (a share we may only read) syncs down only: a local edit there is kept
// as a conflict copy that stays local and is reported, a local move is undone, and nothing
// local is ever lost. Ignored paths are neither present nor deleted: nothing happens to them
// on either side and the base forgets them, so changing the rules never deletes anything. An unselected remote
// folder (selective sync) loses its local copy only, once that copy has nothing unsynced.
//
// The planner is a pure function: it reads the three trees and returns actions, in an order
// the executor can follow. The executor does them, updating the base after each, so a plan
// interrupted anywhere leaves a base that the next pass plans from again.

export function plan(
  baseRows: Iterable<BaseNode>,
  local: Tree<LocalNode>,
  remote: Tree<RemoteNode>,
  options: PlanOptions,
): Plan {
  return new Planner([...baseRows], local, remote, options).run();
}

class Planner extends PlannerState {
  run(): Plan {
    const order = this.baseTopDown();
    for (const b of order) this.bind(b);
    for (const b of order) if (!this.skipped.has(b.remote)) this.sides(b);
    this.pair(this.remote.root, this.local.root);
    for (const b of order) if (!this.skipped.has(b.remote)) this.decide(b);
    this.newRemote(this.remote.root);
    this.newLocal(this.local.root);
    const o = this.out;
    const actions = [
      ...o.rebind,
      ...o.conflicts,
      ...o.moves,
      ...o.trashEarly,
      ...o.creates,
      ...o.movesLate,
      ...o.transfers,
      ...o.exec,
      ...o.trash,
      ...o.tail,
      ...o.reports,
    ];
    return { actions, baseCount: this.base.size, deletions: this.deletions };
  }

  // ── new nodes at the same place on both sides ──────────────────────────────────────────

  /** Pairs new nodes by name under each pair of folders bound to each other, top-down. */
  private pair(remoteFolder: string, localFolder: string): void {
    const locals = new Map<string, LocalNode>();
    for (const l of this.localKids.get(localFolder) ?? []) {
      if (!this.isBoundLocal(l.id) && !locals.has(this.key(l.name)))
        locals.set(this.key(l.name), l);
    }
    for (const r of this.remoteKids.get(remoteFolder) ?? []) {
      if (this.isBoundRemote(r.id)) {
        const l = this.localOf.get(r.id);
        const side = this.remoteSide.get(r.id);
        if (r.kind === 'folder' && l !== undefined && side !== 'gone' && !this.skipped.has(r.id))
          this.pair(r.id, l);
        continue;
      }
      const l = locals.get(this.key(r.name));
      if (!l) continue;
      locals.delete(this.key(r.name));
      this.pairedRemote.set(r.id, l.id);
      this.pairedLocal.set(l.id, r.id);
      if (r.kind === 'folder' && l.kind === 'folder') {
        this.out.tail.push({ op: 'adopt', remote: r.id, local: l.id, content: contentOf(l) });
        this.pair(r.id, l.id);
      } else if (isFile(r) && isFile(l) && l.hash !== null && l.hash === r.hash) {
        this.out.tail.push({ op: 'adopt', remote: r.id, local: l.id, content: contentOf(r) });
      } else {
        // Both sides made something here: both stay, the local one under a conflict name.
        this.pairedRemote.delete(r.id);
        this.pairedLocal.delete(l.id);
        this.conflict(l, 'both-created');
      }
    }
  }

  // ── decisions for the base rows ───────────────────────────────────────────────────────

  private decide(b: BaseNode): void {
    const ls = this.localSide.get(b.remote) as Side;
    const rs = this.remoteSide.get(b.remote) as Side;
    const lid = this.localOf.get(b.remote);
    const l = lid === undefined ? undefined : this.local.nodes.get(lid);
    const r = this.remote.nodes.get(b.remote);
    if (ls === 'gone' && rs === 'gone') {
      this.out.tail.push({ op: 'forget', remote: b.remote });
      return;
    }
    if (ls === 'gone') this.goneLocally(b, rs as Present, r as RemoteNode);
    else if (rs === 'gone') this.goneRemotely(b, ls, l as LocalNode);
    else this.bothHere({ b, ls, rs, l: l as LocalNode, r: r as RemoteNode });
  }

  private goneLocally(b: BaseNode, rs: Present, r: RemoteNode): void {
    if (this.coveredRemote.has(b.parent)) {
      this.coveredRemote.add(b.remote);
      return;
    }
    const place = { parent: this.remoteRef(r.parent), name: r.name };
    if (this.unselected.has(b.remote)) {
      this.out.tail.push({ op: 'forget', remote: b.remote }); // gone here, and not wanted here
      return;
    }
    if (isFile(b)) {
      // A read-only share cannot lose a file to a local delete: it comes back.
      if (rs.changed || rs.moved || this.o.readOnly) {
        this.out.transfers.push({ op: 'download', remote: b.remote, local: null, place });
      } else this.trashRemote(b, r);
      return;
    }
    if (this.o.readOnly || this.remoteKeeps(b.remote)) {
      this.out.creates.push({ op: 'mkdir-local', remote: b.remote, ...place });
    } else this.trashRemote(b, r);
  }

  private goneRemotely(b: BaseNode, ls: Present, l: LocalNode): void {
    const parentLocal = this.localParentOf(b);
    if (parentLocal !== undefined && this.coveredLocal.has(parentLocal)) {
      this.coveredLocal.add(l.id);
      return;
    }
    const keep = isFile(b) ? ls.changed || ls.moved : this.localKeeps(l.id);
    if (!keep) {
      this.trashLocal(l);
      return;
    }
    // The row ends; the local node is new again, and goes up as a node of its own.
    this.out.tail.push({ op: 'forget', remote: b.remote });
    this.remoteOfLocal.delete(l.id);
    this.localOf.delete(b.remote);
    if (this.o.readOnly) {
      this.readOnlyReport(l, 'was deleted in the shared folder; the local copy stays here');
      return;
    }
    this.upNew(l, l.name);
  }

  private bothHere(both: Both): void {
    const { b, ls, rs, l, r } = both;
    if (this.unselected.has(b.remote) && !ls.changed && !ls.moved) {
      const parentLocal = this.localParentOf(b);
      if (parentLocal !== undefined && this.coveredLocal.has(parentLocal)) {
        this.coveredLocal.add(l.id);
        return;
      }
      if (b.kind === 'folder' && this.localKeeps(l.id)) return; // unsynced work under it
      const covers = this.coverLocal(l.id);
      this.out.trash.push({ op: 'drop-local', local: l.id, covers });
      return;
    }
    const remotePlace = { parent: this.remoteRef(r.parent), name: r.name };
    const sameContent = l.hash !== null && l.hash === r.hash;
    if (isFile(b) && ls.changed && (this.o.readOnly || (rs.changed && !sameContent))) {
      // Keep both: the local edit under a conflict name, the remote version at the name.
      const path = this.localPath(l.id);
      const name = this.conflict(l, this.o.readOnly ? 'read-only' : 'both-edited');
      if (this.o.readOnly) {
        this.readOnlyReport(l, `was edited here; the edit is kept as “${name}”`, path);
      } else {
        const place = { parent: this.localRef(l.parent), name };
        this.out.transfers.push({ op: 'upload', local: l.id, remote: null, place });
      }
      this.out.transfers.push({ op: 'download', remote: r.id, local: null, place: remotePlace });
      return;
    }
    // The executable bit travels with content that moves; otherwise on its own.
    let execDone = false;
    if (isFile(b) && ls.changed && rs.changed) {
      this.out.tail.push({ op: 'adopt', remote: r.id, local: l.id, content: contentOf(r) });
    } else if (isFile(b) && ls.changed) {
      this.out.transfers.push({ op: 'upload', local: l.id, remote: r.id, place: null });
      execDone = true;
    } else if (isFile(b) && rs.changed) {
      this.out.transfers.push({ op: 'download', remote: r.id, local: l.id, place: null });
      execDone = true;
    } else if (ls.touched || rs.touched) {
      this.out.tail.push({ op: 'adopt', remote: r.id, local: l.id, content: mergedContent(l, r) });
    }
    this.place(both);
    if (execDone || l.exec === r.exec) return;
    if (ls.exec && !rs.exec && !this.o.readOnly) {
      this.out.exec.push({ op: 'exec-remote', remote: r.id, exec: l.exec });
    } else this.out.exec.push({ op: 'exec-local', local: l.id, exec: r.exec });
  }

  /** Moves: one side's move goes to the other; both moved elsewhere, the remote wins. */
  private place({ b, ls, rs, l, r }: Both): void {
    const toRemotePlace = () => {
      const parent = r.parent === this.remote.root ? this.local.root : this.localOf.get(r.parent);
      const move: Action = {
        op: 'move-local',
        local: l.id,
        parent: this.remoteRef(r.parent),
        name: r.name,
      };
      (parent === undefined ? this.out.movesLate : this.out.moves).push(move);
    };
    if (ls.moved && !rs.moved) {
      if (this.o.readOnly) {
        this.readOnlyReport(l, 'was moved here; it goes back where the share has it');
        toRemotePlace();
        return;
      }
      const move: Action = {
        op: 'move-remote',
        remote: b.remote,
        parent: this.localRef(l.parent),
        name: l.name,
      };
      const parentBound = l.parent === this.local.root || this.remoteOfLocal.has(l.parent);
      (parentBound ? this.out.moves : this.out.movesLate).push(move);
    } else if (rs.moved && !ls.moved) {
      toRemotePlace();
    } else if (ls.moved && rs.moved) {
      const localParent =
        this.remoteOfLocal.get(l.parent) ??
        (l.parent === this.local.root ? this.remote.root : undefined);
      if (localParent === r.parent && l.name.normalize() === r.name.normalize()) {
        this.out.tail.push({ op: 'adopt', remote: r.id, local: l.id, content: contentOf(b) });
      } else toRemotePlace();
    }
  }

  /** Whether anything under remote folder `id` is new or changed there (not to be deleted). */
  private remoteKeeps(id: string): boolean {
    for (const r of this.remoteKids.get(id) ?? []) {
      const side = this.remoteSide.get(r.id);
      if (!this.base.has(r.id)) return true;
      if (side && side !== 'gone' && (side.changed || side.moved)) return true;
      if (this.base.get(r.id)?.parent !== id) return true; // moved in
      if (r.kind === 'folder' && this.remoteKeeps(r.id)) return true;
    }
    return false;
  }

  /** Whether anything under local folder `id` is new or changed here (not to be deleted). */
  private localKeeps(id: string): boolean {
    for (const l of this.localKids.get(id) ?? []) {
      const row = this.remoteOfLocal.get(l.id);
      if (row === undefined) return true;
      const side = this.localSide.get(row);
      if (side && side !== 'gone' && (side.changed || side.moved)) return true;
      if (l.kind === 'folder' && this.localKeeps(l.id)) return true;
    }
    return false;
  }

  private trashRemote(b: BaseNode, r: RemoteNode): void {
    const covers: string[] = [];
    const walk = (id: string) => {
      // A node still here locally (moved out before its folder was deleted) lives on.
      if (id !== b.remote && this.base.has(id) && this.localSide.get(id) !== 'gone') return;
      this.coveredRemote.add(id);
      if (this.base.has(id)) covers.push(id);
      for (const c of this.remoteKids.get(id) ?? []) walk(c.id);
    };
    walk(b.remote);
    this.deletions += covers.filter((id) => this.base.get(id)?.kind === 'file').length;
    const early = this.nameReused(this.remoteRef(r.parent), r.name);
    (early ? this.out.trashEarly : this.out.trash).push({
      op: 'trash-remote',
      remote: b.remote,
      covers,
    });
  }

  private trashLocal(l: LocalNode): void {
    const covers = this.coverLocal(l.id, true);
    this.deletions += covers.filter((id) => this.base.get(id)?.kind === 'file').length;
    const early = this.nameReused(this.localRef(l.parent), l.name);
    (early ? this.out.trashEarly : this.out.trash).push({ op: 'trash-local', local: l.id, covers });
  }

  /**
   * Marks the local subtree of `id` as going; the base rows it ends, by remote id. When the
   * remote side deleted it (`deleted`), a node still there remotely (moved out) lives on.
   */
  private coverLocal(id: string, deleted = false): string[] {
    const covers: string[] = [];
    const walk = (lid: string) => {
      const row = this.remoteOfLocal.get(lid);
      if (deleted && lid !== id && row !== undefined && this.remoteSide.get(row) !== 'gone') return;
      this.coveredLocal.add(lid);
      if (row !== undefined) covers.push(row);
      for (const c of this.localKids.get(lid) ?? []) walk(c.id);
    };
    walk(id);
    return covers;
  }

  /**
   * Whether a node is created at this place by the plan (a file deleted and a folder made at
   * its name, say): the deletion must then come first.
   */
  private nameReused(parent: Ref, name: string): boolean {
    const k = this.key(name);
    const sameParent = (p: Ref) => JSON.stringify(p) === JSON.stringify(parent);
    const other = (p: Ref) =>
      'remote' in parent && 'local' in p
        ? this.remoteOfLocal.get(p.local) === parent.remote
        : 'local' in parent && 'remote' in p
          ? this.localOf.get(p.remote) === parent.local
          : false;
    return [...this.out.creates, ...this.out.transfers].some((a) => {
      const place =
        a.op === 'upload' || a.op === 'download'
          ? a.place
          : a.op === 'mkdir-local' || a.op === 'mkdir-remote'
            ? a
            : null;
      return (
        !!place && this.key(place.name) === k && (sameParent(place.parent) || other(place.parent))
      );
    });
  }

  // ── new nodes on one side only ────────────────────────────────────────────────────────

  /** New remote nodes under `parent` (bound or root) come down, top-down. */
  private newRemote(parent: string, path = ''): void {
    const seen = new Map<string, string>();
    const localParent =
      parent === this.remote.root
        ? this.local.root
        : (this.localOf.get(parent) ?? this.pairedRemote.get(parent));
    if (localParent !== undefined) {
      for (const l of this.localKids.get(localParent) ?? []) {
        if (!this.renamed.has(l.id) && this.isBoundLocal(l.id)) seen.set(this.key(l.name), l.id);
      }
    }
    for (const r of this.remoteKids.get(parent) ?? []) {
      const p = path ? `${path}/${r.name}` : r.name;
      const scope = this.o.scope?.(p, r.kind) ?? 'sync';
      if (scope !== 'sync') continue;
      const bound = this.isBoundRemote(r.id);
      if (!bound) {
        const k = this.key(r.name);
        const there = seen.get(k);
        if (there !== undefined && there !== this.localOf.get(r.id)) {
          this.out.reports.push({
            op: 'report',
            kind: 'name-clash',
            path: p,
            message: `${p} is not synced here: this file system does not tell its name from another’s in the same folder`,
          });
          continue;
        }
        seen.set(k, r.id);
        const place = { parent: this.remoteRef(parent), name: r.name };
        if (r.kind === 'folder')
          this.out.creates.push({ op: 'mkdir-local', remote: r.id, ...place });
        else this.out.transfers.push({ op: 'download', remote: r.id, local: null, place });
      }
      if (r.kind === 'folder' && !this.skipped.has(r.id) && !this.coveredRemote.has(r.id)) {
        this.newRemote(r.id, p);
      }
    }
  }

  /** New local nodes under `parent` go up, top-down. */
  private newLocal(parent: string, path = ''): void {
    for (const l of this.localKids.get(parent) ?? []) {
      if (this.coveredLocal.has(l.id)) continue;
      const name = this.renamed.get(l.id) ?? l.name;
      const p = path ? `${path}/${name}` : name;
      if ((this.o.scope?.(p, l.kind) ?? 'sync') === 'ignored') continue;
      const renamed = this.renamed.has(l.id);
      const isNew = renamed || !this.isBoundLocal(l.id);
      if (isNew && !this.goingUp.has(l.id)) {
        if (renamed && this.o.readOnly) continue; // reported with its conflict, stays local
        if (renamed && this.remoteOfLocal.has(l.id)) continue; // both edited: uploaded already
        if (this.o.readOnly) {
          this.readOnlyReport(l, 'is new here and is not uploaded');
          continue;
        }
        this.upNew(l, name);
      }
      if (l.kind === 'folder') this.newLocal(l.id, p);
    }
  }

  /** One local node goes up as new (what is under a folder follows in the walk). */
  private upNew(l: LocalNode, name: string): void {
    this.goingUp.add(l.id);
    const place = { parent: this.localRef(l.parent), name };
    if (l.kind === 'folder') this.out.creates.push({ op: 'mkdir-remote', local: l.id, ...place });
    else this.out.transfers.push({ op: 'upload', local: l.id, remote: null, place });
  }
}

/** The local facts (size, mtime) with the hash both agree on. */
function mergedContent(l: LocalNode, r: RemoteNode): Content {
  return { size: l.size, mtime: l.mtime, exec: l.exec, hash: l.hash ?? r.hash };
}
