import type Sqlite from 'better-sqlite3';
import type { RemoteNode } from './trees.ts';

// The remote tree as the last pass saw it, kept beside the base in `.coffer/state.db`
// ([Note: Remote mirror] in remote-tree.ts), with the change-feed cursor it is true at.

type Row = Omit<RemoteNode, 'exec'> & { exec: number };

const toNode = (r: Row): RemoteNode => ({ ...r, exec: r.exec === 1 });

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

  /** The whole tree, listed afresh. */
  replace(nodes: Iterable<RemoteNode>, state: MirrorState): void {
    this.db.transaction(() => {
      this.q.clear.run();
      for (const n of nodes) this.q.put.run(toRow(n));
      this.settings.set(STATE, JSON.stringify(state));
    })();
  }

  /** Rows changed and removed since the last state, in one transaction with the new state. */
  update(put: Iterable<RemoteNode>, removed: Iterable<string>, state: MirrorState): void {
    this.db.transaction(() => {
      for (const n of put) this.q.put.run(toRow(n));
      for (const id of removed) this.q.remove.run(id);
      this.settings.set(STATE, JSON.stringify(state));
    })();
  }
}

const toRow = (n: RemoteNode): Row => ({ ...n, exec: n.exec ? 1 : 0 });
