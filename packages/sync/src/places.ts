import { join } from 'node:path';
import { NotFoundError } from '@coffer/errors';
import type { BaseStore } from './base-store.ts';
import type { LocalScan } from './local-scan.ts';
import type { Ref } from './plan-types.ts';
import type { RemoteNode, Tree } from './trees.ts';

// Where the nodes of a pass are on each side while the executor works: each node's parent
// and name, updated as actions move and create them, and the paths they give. A reference to
// a folder made earlier in the pass resolves through the base.

/** Where a node is: its parent's id and its name. */
type At = { parent: string; name: string };

/**
 * Where the nodes of one side are: as the tree of the pass has them, but for those the pass
 * moved or made, kept apart (no copy of a tree of 100,000 nodes for a pass of a few actions).
 */
class Index {
  private readonly changed = new Map<string, At>();

  constructor(private readonly nodes: ReadonlyMap<string, At>) {}

  get(id: string): At | undefined {
    return this.changed.get(id) ?? this.nodes.get(id);
  }

  set(id: string, at: At): void {
    this.changed.set(id, at);
  }
}

export class Places {
  readonly localIndex: Index;
  readonly remoteIndex: Index;

  constructor(
    private readonly store: BaseStore,
    private readonly root: string,
    private readonly local: LocalScan,
    private readonly remote: Tree<RemoteNode>,
  ) {
    this.localIndex = new Index(local.nodes);
    this.remoteIndex = new Index(remote.nodes);
  }

  private pathIn(index: Index, root: string, id: string): string {
    const names: string[] = [];
    for (let at = id; at !== root; ) {
      const n = index.get(at);
      if (!n) throw new NotFoundError(`node ${at}: no longer where the plan saw it`);
      names.unshift(n.name);
      at = n.parent;
    }
    return names.join('/');
  }

  localRel(id: string): string {
    return this.pathIn(this.localIndex, this.local.root, id);
  }

  localAbs(id: string): string {
    return join(this.root, this.localRel(id));
  }

  remotePath(id: string): string {
    return `/${this.pathIn(this.remoteIndex, this.remote.root, id)}`;
  }

  remoteParent(ref: Ref): string {
    if ('root' in ref) return this.remote.root;
    if ('remote' in ref) return ref.remote;
    const row = this.store.byLocal(ref.local);
    if (!row) throw new NotFoundError(`folder ${ref.local}: not created remotely`);
    return row.remote;
  }

  localParent(ref: Ref): string {
    if ('root' in ref) return this.local.root;
    if ('local' in ref) return ref.local;
    const row = this.store.get(ref.remote);
    if (!row) throw new NotFoundError(`folder ${ref.remote}: not created locally`);
    return row.local;
  }

  join(parentPath: string, name: string) {
    return parentPath === '/' ? `/${name}` : `${parentPath}/${name}`;
  }
}
