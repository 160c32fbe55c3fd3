import type Sqlite from 'better-sqlite3';
import type { RemoteNode } from './trees.ts';

// The remote tree as the last pass saw it, kept beside the base in `.coffer/state.db`
// ([Note: Remote mirror] in remote-tree.ts), with the change-feed cursor it is true at, and
// the writes this client made since: their rows are written as they land, and their echo in
// the feed (the node at the version the write gave it) is skipped.

type Row = Omit<RemoteNode, 'exec'> & { exec: number };

/** The row as a node, in place (no second object per row). */
const toNode = (r: Row): RemoteNode =>
  Object.assign(r, { exec: r.exec === 1 }) as unknown as RemoteNode;

/** Where the mirror stands: the root it mirrors, the cursor, and when it was last listed whole. */
export interface MirrorState {
  root: string;
  cursor: string;
  listedAt: number;
}

const STATE = 'remote-mirror';

/** The columns of a node's place and content, as the base and the mirror both keep them. */
export const NODE_COLUMNS = `parent text not null, name text not null,
  kind text not null check (kind in ('file', 'folder')), revision integer not null,
  size integer not null, mtime integer not null, exec integer not null, hash text`;

export class MirrorStore {
  private readonly q;

  constructor(
    private readonly db: Sqlite.Database,
    private readonly settings: {
      get: (key: string) => string | undefined;
      set: (key: string, value: string) => void;
    },
  ) {
    db.exec(`
      create table if not exists remote (
        id text primary key,
        ${NODE_COLUMNS}
      );
      create index if not exists remote_parent on remote (parent);
      create table if not exists own_writes (id text primary key, version integer not null);
    `);
    this.q = {
      all: db.prepare<[], Row>('select * from remote'),
      clear: db.prepare('delete from remote'),
      put: db.prepare(
        `insert into remote (id, parent, name, kind, revision, size, mtime, exec, hash)
         values (@id, @parent, @name, @kind, @revision, @size, @mtime, @exec, @hash)
         on conflict (id) do update set parent = excluded.parent, name = excluded.name,
           kind = excluded.kind, revision = excluded.revision, size = excluded.size,
           mtime = excluded.mtime, exec = excluded.exec, hash = excluded.hash`,
      ),
      remove: db.prepare<[string]>('delete from remote where id = ?'),
      get: db.prepare<[string], Row>('select * from remote where id = ?'),
      removeTree: db.prepare<[string]>(
        `with recursive sub (id) as (
           select ? union all select remote.id from remote join sub on remote.parent = sub.id)
         delete from remote where id in (select id from sub)`,
      ),
      ownWrite: db.prepare<[string, number], { id: string }>(
        'select id from own_writes where id = ? and version = ?',
      ),
      wrote: db.prepare<[string, number]>(
        `insert into own_writes (id, version) values (?, ?)
         on conflict (id) do update set version = excluded.version`,
      ),
      forgetWrites: db.prepare('delete from own_writes'),
    };
  }

  state(): MirrorState | null {
    const value = this.settings.get(STATE);
    return value ? (JSON.parse(value) as MirrorState) : null;
  }

  all(): Map<string, RemoteNode> {
    const out = new Map<string, RemoteNode>();
    for (const r of this.q.all.iterate()) out.set(r.id, toNode(r));
    return out;
  }

  get(id: string): RemoteNode | undefined {
    const r = this.q.get.get(id);
    return r && toNode(r);
  }

  /** Whether this client's write since the last pass left node `id` at `version`. */
  wroteAt(id: string, version: number): boolean {
    return this.q.ownWrite.get(id, version) !== undefined;
  }

  /** This client's write left `node` so, at `version`: its echo in the feed says nothing new. */
  wrote(node: RemoteNode, version: number): void {
    this.db.transaction(() => {
      this.q.put.run(toRow(node));
      this.q.wrote.run(node.id, version);
    })();
  }

  /** This client trashed `id` (leaving it at `version`): it goes, with all under it. */
  trashed(id: string, version: number): void {
    this.db.transaction(() => {
      this.q.removeTree.run(id);
      this.q.wrote.run(id, version);
    })();
  }

  /** The whole tree, listed afresh. */
  replace(nodes: Iterable<RemoteNode>, state: MirrorState): void {
    this.db.transaction(() => {
      this.q.clear.run();
      this.q.forgetWrites.run();
      for (const n of nodes) this.q.put.run(toRow(n));
      this.settings.set(STATE, JSON.stringify(state));
    })();
  }

  /**
   * Rows changed and removed since the last state, in one transaction with the new state; the
   * feed has been read past this client's writes, so they are forgotten.
   */
  update(put: Iterable<RemoteNode>, removed: Iterable<string>, state: MirrorState): void {
    this.db.transaction(() => {
      this.q.forgetWrites.run();
      for (const n of put) this.q.put.run(toRow(n));
      for (const id of removed) this.q.remove.run(id);
      this.settings.set(STATE, JSON.stringify(state));
    })();
  }
}

const toRow = (n: RemoteNode): Row => ({ ...n, exec: n.exec ? 1 : 0 });
