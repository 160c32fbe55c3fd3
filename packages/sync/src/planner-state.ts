import { conflictName, nameKey } from './names.ts';
import type { Action, PlanOptions, Ref } from './plan-types.ts';
import { ROOT } from './plan-types.ts';
import {
  type BaseNode,
  type Content,
  childrenOf,
  type LocalNode,
  type RemoteNode,
  type Tree,
} from './trees.ts';

// What the planner ([Note: Three trees] in planner.ts) knows while it plans: the three trees
// indexed by id and by parent, which base row each local node belongs to, what changed on
// each side, and the actions so far, in the buckets that give their order. The decisions are
// in planner.ts.

export type Present = { moved: boolean; changed: boolean; touched: boolean; exec: boolean };
export type Side = 'gone' | Present;
/** A base row whose node is on both sides still, with what changed on each. */
export interface Both {
  b: BaseNode;
  ls: Present;
  rs: Present;
  l: LocalNode;
  r: RemoteNode;
}

export const isFile = (n: { kind: string }) => n.kind === 'file';

export function contentOf(n: Content): Content {
  return { size: n.size, mtime: n.mtime, exec: n.exec, hash: n.hash };
}

export abstract class PlannerState {
  protected readonly base = new Map<string, BaseNode>();
  /** Base rows by the local id they were written with. */
  protected readonly baseByLocal = new Map<string, BaseNode>();
  /** Local nodes the plan sends up as new (created remotely). */
  protected readonly goingUp = new Set<string>();
  protected readonly baseKids: Map<string, BaseNode[]>;
  protected readonly localKids: Map<string, LocalNode[]>;
  protected readonly remoteKids: Map<string, RemoteNode[]>;
  /** Base rows by remote id → the local id bound to them now (after rebinds). */
  protected readonly localOf = new Map<string, string>();
  /** Local id → base row (remote id), for every bound local node. */
  protected readonly remoteOfLocal = new Map<string, string>();
  /** Remote ids of new remote nodes paired with new local ones, and back. */
  protected readonly pairedRemote = new Map<string, string>();
  protected readonly pairedLocal = new Map<string, string>();
  protected readonly skipped = new Set<string>(); // base rows out of scope
  protected readonly localSide = new Map<string, Side>();
  protected readonly remoteSide = new Map<string, Side>();
  protected readonly coveredRemote = new Set<string>();
  protected readonly coveredLocal = new Set<string>();
  protected readonly key: (name: string) => string;
  protected deletions = 0;

  protected readonly out = {
    rebind: [] as Action[],
    conflicts: [] as Action[],
    moves: [] as Action[],
    trashEarly: [] as Action[],
    creates: [] as Action[],
    movesLate: [] as Action[],
    transfers: [] as Action[],
    exec: [] as Action[],
    trash: [] as Action[],
    tail: [] as Action[],
    reports: [] as Action[],
  };

  constructor(
    rows: BaseNode[],
    protected readonly local: Tree<LocalNode>,
    protected readonly remote: Tree<RemoteNode>,
    protected readonly o: PlanOptions,
  ) {
    for (const b of rows) {
      this.base.set(b.remote, b);
      this.baseByLocal.set(b.local, b);
    }
    this.baseKids = childrenOf(rows);
    this.localKids = childrenOf(local.nodes.values());
    this.remoteKids = childrenOf(remote.nodes.values());
    this.key = (name) => nameKey(name, o.caseInsensitive);
  }

  // ── the base, top-down ────────────────────────────────────────────────────────────────

  protected baseTopDown(): BaseNode[] {
    const order: BaseNode[] = [];
    const walk = (parent: string, path: string) => {
      for (const b of this.baseKids.get(parent) ?? []) {
        const p = path ? `${path}/${b.name}` : b.name;
        const scope = this.o.scope?.(p, b.kind) ?? 'sync';
        if (scope === 'ignored') {
          this.skipSubtree(b);
          continue;
        }
        order.push(b);
        if (scope === 'unselected') this.unselected.add(b.remote);
        walk(b.remote, p);
      }
    };
    walk(this.remote.root, '');
    return order;
  }

  protected readonly unselected = new Set<string>();

  /**
   * An ignored base row: nothing happens to it on either side, and the base lets go of it,
   * so that when the rules change back its nodes meet as new ones (agreed on when equal,
   * kept both when not), never as a deletion of what one side removed while it was ignored.
   */
  protected skipSubtree(b: BaseNode): void {
    this.skipped.add(b.remote);
    this.out.tail.push({ op: 'forget', remote: b.remote });
    // Its nodes on both sides are not new in this pass either: they are out of sight.
    this.localOf.set(b.remote, b.local);
    this.remoteOfLocal.set(b.local, b.remote);
    for (const c of this.baseKids.get(b.remote) ?? []) this.skipSubtree(c);
  }

  protected localParentOf(b: BaseNode): string | undefined {
    return b.parent === this.remote.root ? this.local.root : this.localOf.get(b.parent);
  }

  /** Finds the local node of a base row: by its id, else a new inode at its place. */
  protected bind(b: BaseNode): void {
    const l = this.local.nodes.get(b.local);
    if (l && l.kind === b.kind && !this.remoteOfLocal.has(l.id) && this.plausiblySame(b, l)) {
      this.localOf.set(b.remote, l.id);
      this.remoteOfLocal.set(l.id, b.remote);
      return;
    }
    const parent = this.localParentOf(b);
    if (parent === undefined) return;
    const k = this.key(b.name);
    const same = (this.localKids.get(parent) ?? []).find(
      (c) =>
        c.kind === b.kind &&
        this.key(c.name) === k &&
        !this.remoteOfLocal.has(c.id) &&
        !this.baseByLocal.has(c.id),
    );
    if (!same) return;
    this.localOf.set(b.remote, same.id);
    this.remoteOfLocal.set(same.id, b.remote);
    this.out.rebind.push({ op: 'adopt', remote: b.remote, local: same.id, content: contentOf(b) });
  }

  /**
   * A node found under a row's id is that row's node if it stayed in place or kept its
   * content. A file both moved and changed is far more likely a new file that was given the
   * inode of a deleted one (where the disk keeps no birth time to tell them apart): it is
   * treated as a delete and an add, which syncs the same bytes, only not in O(1).
   */
  protected plausiblySame(b: BaseNode, l: LocalNode): boolean {
    if (b.kind === 'folder') return true;
    const inPlace = l.parent === this.localParentOf(b) && l.name.normalize() === b.name.normalize();
    const sameContent =
      (l.size === b.size && l.mtime === b.mtime) || (l.hash !== null && l.hash === b.hash);
    return inPlace || sameContent;
  }

  // ── what changed on each side ─────────────────────────────────────────────────────────

  protected sides(b: BaseNode): void {
    const lid = this.localOf.get(b.remote);
    const l = lid === undefined ? undefined : this.local.nodes.get(lid);
    const r = this.remote.nodes.get(b.remote);
    if (!l) this.localSide.set(b.remote, 'gone');
    else {
      const sameMeta = l.size === b.size && l.mtime === b.mtime;
      const sameHash = l.hash !== null && l.hash === b.hash;
      const changed = isFile(b) && !sameMeta && !sameHash;
      this.localSide.set(b.remote, {
        moved: l.parent !== this.localParentOf(b) || l.name.normalize() !== b.name.normalize(),
        changed,
        touched: isFile(b) && !sameMeta && sameHash,
        exec: isFile(b) && l.exec !== b.exec,
      });
    }
    if (!r || r.kind !== b.kind) this.remoteSide.set(b.remote, 'gone');
    else {
      const newRevision = r.revision !== b.revision;
      const sameHash = r.hash !== null && r.hash === b.hash;
      this.remoteSide.set(b.remote, {
        moved: r.parent !== b.parent || r.name !== b.name,
        changed: isFile(b) && newRevision && !sameHash,
        touched: isFile(b) && newRevision && sameHash,
        exec: isFile(b) && r.exec !== b.exec,
      });
    }
  }

  protected isBoundRemote(id: string): boolean {
    return this.base.has(id) || this.pairedRemote.has(id);
  }

  protected isBoundLocal(id: string): boolean {
    return this.remoteOfLocal.has(id) || this.pairedLocal.has(id);
  }

  /** Renames a local node to its conflict name; it then syncs as a node of its own. */
  protected readonly renamed = new Map<string, string>();
  protected conflict(l: LocalNode, reason: 'both-edited' | 'both-created' | 'read-only'): string {
    const name = conflictName(l.name, this.o.device, this.o.now);
    this.renamed.set(l.id, name);
    this.out.conflicts.push({ op: 'conflict-rename', local: l.id, name, reason });
    return name;
  }

  protected remoteRef(parent: string): Ref {
    return parent === this.remote.root ? ROOT : { remote: parent };
  }

  protected localRef(parent: string): Ref {
    return parent === this.local.root ? ROOT : { local: parent };
  }

  protected readOnlyReport(l: LocalNode, what: string, path = this.localPath(l.id)): void {
    this.out.reports.push({
      op: 'report',
      kind: 'read-only',
      path,
      message: `${path} ${what}: the shared folder is read-only for you`,
    });
  }

  protected localPath(id: string): string {
    const names: string[] = [];
    for (let n = this.local.nodes.get(id); n; n = this.local.nodes.get(n.parent)) {
      names.unshift(this.renamed.get(n.id) ?? n.name);
    }
    return names.join('/');
  }
}
