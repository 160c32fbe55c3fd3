// A small language for the planner's tests: a synced state given as paths, then changes on
// each side, and the plan as readable lines. Remote ids are `#path` and local ids `@path` as
// the node was first made, so a renamed node keeps the id that names where it came from.

import type { Action, Plan, PlanOptions, Ref } from '../src/plan-types.ts';
import { plan } from '../src/planner.ts';
import type { BaseNode, Kind, LocalNode, RemoteNode } from '../src/trees.ts';

const RROOT = '#';
const LROOT = '@';

type Spec = Array<[path: string, hash: string | null]>;

const parentPath = (path: string) => path.split('/').slice(0, -1).join('/');
const baseName = (path: string) => path.split('/').at(-1) as string;

export class Scenario {
  readonly base = new Map<string, BaseNode>();
  readonly local = new Map<string, LocalNode>();
  readonly remote = new Map<string, RemoteNode>();
  options: PlanOptions = {
    device: 'laptop',
    now: new Date(Date.UTC(2026, 11, 4, 9, 5, 7)),
    caseInsensitive: false,
    readOnly: false,
  };

  /** Both sides and the base hold these: a hash for a file, null for a folder. */
  constructor(synced: Spec = []) {
    for (const [path, hash] of synced) {
      const kind: Kind = hash === null ? 'folder' : 'file';
      const parent = parentPath(path);
      const content = { size: hash ? hash.length : 0, mtime: hash ? 1000 : 0, exec: false, hash };
      const name = baseName(path);
      this.base.set(`#${path}`, {
        remote: `#${path}`,
        local: `@${path}`,
        parent: parent ? `#${parent}` : RROOT,
        name,
        kind,
        revision: hash ? 1 : 0,
        ...content,
      });
      this.local.set(`@${path}`, {
        id: `@${path}`,
        parent: parent ? `@${parent}` : LROOT,
        name,
        kind,
        ...content,
      });
      this.remote.set(`#${path}`, {
        id: `#${path}`,
        parent: parent ? `#${parent}` : RROOT,
        name,
        kind,
        revision: hash ? 1 : 0,
        ...content,
      });
    }
  }

  with(o: Partial<PlanOptions>): this {
    this.options = { ...this.options, ...o };
    return this;
  }

  // ── local changes ──
  editLocal(path: string, hash: string, o: { id?: string } = {}): this {
    const n = this.localNode(path);
    const edited = { ...n, hash, size: hash.length, mtime: n.mtime + 1 };
    if (o.id) {
      // Saved through a new file renamed over the old one: a new inode at the same place.
      this.local.delete(n.id);
      this.local.set(o.id, { ...edited, id: o.id });
    } else this.local.set(n.id, edited);
    return this;
  }
  touchLocal(path: string): this {
    const n = this.localNode(path);
    this.local.set(n.id, { ...n, mtime: n.mtime + 5 });
    return this;
  }
  execLocal(path: string, exec: boolean): this {
    const n = this.localNode(path);
    this.local.set(n.id, { ...n, exec });
    return this;
  }
  moveLocal(path: string, to: string): this {
    const n = this.localNode(path);
    const parent = parentPath(to);
    this.local.set(n.id, {
      ...n,
      parent: parent ? this.localNode(parent).id : LROOT,
      name: baseName(to),
    });
    return this;
  }
  removeLocal(path: string): this {
    const n = this.localNode(path);
    const drop = (id: string) => {
      this.local.delete(id);
      for (const c of [...this.local.values()]) if (c.parent === id) drop(c.id);
    };
    drop(n.id);
    return this;
  }
  addLocal(path: string, hash: string | null): this {
    const parent = parentPath(path);
    this.local.set(`@${path}`, {
      id: `@${path}`,
      parent: parent ? this.localNode(parent).id : LROOT,
      name: baseName(path),
      kind: hash === null ? 'folder' : 'file',
      size: hash ? hash.length : 0,
      mtime: 2000,
      exec: false,
      hash,
    });
    return this;
  }

  // ── remote changes ──
  editRemote(path: string, hash: string): this {
    const n = this.remoteNode(path);
    this.remote.set(n.id, { ...n, hash, size: hash.length, revision: n.revision + 1, mtime: 3000 });
    return this;
  }
  execRemote(path: string, exec: boolean): this {
    const n = this.remoteNode(path);
    this.remote.set(n.id, { ...n, exec });
    return this;
  }
  moveRemote(path: string, to: string): this {
    const n = this.remoteNode(path);
    const parent = parentPath(to);
    this.remote.set(n.id, {
      ...n,
      parent: parent ? this.remoteNode(parent).id : RROOT,
      name: baseName(to),
    });
    return this;
  }
  removeRemote(path: string): this {
    const n = this.remoteNode(path);
    const drop = (id: string) => {
      this.remote.delete(id);
      for (const c of [...this.remote.values()]) if (c.parent === id) drop(c.id);
    };
    drop(n.id);
    return this;
  }
  addRemote(path: string, hash: string | null): this {
    const parent = parentPath(path);
    this.remote.set(`#${path}`, {
      id: `#${path}`,
      parent: parent ? this.remoteNode(parent).id : RROOT,
      name: baseName(path),
      kind: hash === null ? 'folder' : 'file',
      size: hash ? hash.length : 0,
      mtime: 4000,
      exec: false,
      hash,
      revision: hash ? 1 : 0,
    });
    return this;
  }

  plan(): Plan {
    return plan(
      this.base.values(),
      { root: LROOT, nodes: this.local },
      { root: RROOT, nodes: this.remote },
      this.options,
    );
  }

  /** The plan as lines, in order. */
  lines(): string[] {
    return this.plan().actions.map(line);
  }

  private localNode(path: string): LocalNode {
    const parts = path.split('/');
    let parent = LROOT;
    let found: LocalNode | undefined;
    for (const name of parts) {
      found = [...this.local.values()].find((n) => n.parent === parent && n.name === name);
      if (!found) throw new Error(`no local ${path}`);
      parent = found.id;
    }
    return found as LocalNode;
  }

  private remoteNode(path: string): RemoteNode {
    const parts = path.split('/');
    let parent = RROOT;
    let found: RemoteNode | undefined;
    for (const name of parts) {
      found = [...this.remote.values()].find((n) => n.parent === parent && n.name === name);
      if (!found) throw new Error(`no remote ${path}`);
      parent = found.id;
    }
    return found as RemoteNode;
  }
}

const ref = (r: Ref) => ('root' in r ? '' : 'remote' in r ? r.remote : r.local);
const at = (p: { parent: Ref; name: string }) => `${ref(p.parent)}/${p.name}`;

export function line(a: Action): string {
  switch (a.op) {
    case 'mkdir-remote':
      return `mkdir-remote ${a.local} at ${at(a)}`;
    case 'mkdir-local':
      return `mkdir-local ${a.remote} at ${at(a)}`;
    case 'upload':
      return `upload ${a.local} ${a.remote ? `over ${a.remote}` : `at ${at(a.place as never)}`}`;
    case 'download':
      return `download ${a.remote} ${a.local ? `over ${a.local}` : `at ${at(a.place as never)}`}`;
    case 'move-remote':
      return `move-remote ${a.remote} to ${at(a)}`;
    case 'move-local':
      return `move-local ${a.local} to ${at(a)}`;
    case 'exec-remote':
      return `exec-remote ${a.remote} ${a.exec}`;
    case 'exec-local':
      return `exec-local ${a.local} ${a.exec}`;
    case 'adopt':
      return `adopt ${a.remote} ${a.local}`;
    case 'conflict-rename':
      return `conflict-rename ${a.local} to ${a.name} (${a.reason})`;
    case 'trash-remote':
      return `trash-remote ${a.remote} [${a.covers.join(' ')}]`;
    case 'trash-local':
      return `trash-local ${a.local} [${a.covers.join(' ')}]`;
    case 'drop-local':
      return `drop-local ${a.local} [${a.covers.join(' ')}]`;
    case 'forget':
      return `forget ${a.remote}`;
    case 'report':
      return `report ${a.kind} ${a.path}`;
  }
}
