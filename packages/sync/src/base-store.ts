import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@coffer/errors';
import Sqlite from 'better-sqlite3';
import { MirrorStore, NODE_COLUMNS } from './mirror-store.ts';
import { STATE_DIR } from './names.ts';
import type { BaseNode, Content } from './trees.ts';

// The synced base of one sync root, in SQLite at `<root>/.coffer/state.db`: one row per node
// both sides agree on, and the root's settings. Each action the executor completes changes
// it in one transaction, so a client killed at any moment restarts from a base that is true
// for everything done before. Kept inside the root so that it moves with the folder, and in
// `.coffer/`, which sync never syncs.
//
// synchronous = NORMAL, not FULL: in WAL mode a commit then waits for no fsync, and a client
// killed at any moment keeps every commit (what the process wrote is the kernel's). Only a
// power loss can take back the last commits, and the base is only a shortcut: a node whose
// row went back is planned again from both sides, which agree, so it is adopted or forgotten,
// never sent again or lost. FULL cost an fsync per file synced.

export interface RootSettings {
  /** The remote folder's path when sync was set up, and its node id (what is synced). */
  remotePath: string;
  remoteId: string;
  /** The account it syncs with, so that another account's login cannot take the root over. */
  accountId: string;
  device: string;
}

type Row = {
  remote: string;
  local: string;
  parent: string;
  name: string;
  kind: 'file' | 'folder';
  revision: number;
  size: number;
  mtime: number;
  exec: number;
  hash: string | null;
};

/** The row as a node, in place: a pass reads 100,000 of them, and a copy each would double that. */
const toNode = (r: Row): BaseNode =>
  Object.assign(r, { exec: r.exec === 1 }) as unknown as BaseNode;

export class BaseStore {
  private readonly db: Sqlite.Database;
  private readonly q;
  /** The remote tree as the last pass saw it (remote-tree.ts). */
  readonly mirror: MirrorStore;

  constructor(root: string) {
    const dir = join(root, STATE_DIR);
    mkdirSync(dir, { recursive: true });
    this.db = new Sqlite(join(dir, 'state.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      create table if not exists base (
        remote text primary key,
        local text not null unique,
        ${NODE_COLUMNS}
      );
      create index if not exists base_parent on base (parent);
      create table if not exists settings (key text primary key, value text not null);
    `);
    this.q = {
      all: this.db.prepare<[], Row>('select * from base'),
      get: this.db.prepare<[string], Row>('select * from base where remote = ?'),
      byLocal: this.db.prepare<[string], Row>('select * from base where local = ?'),
      dropLocal: this.db.prepare<[string]>('delete from base where local = ?'),
      put: this.db.prepare(
        `insert into base (remote, local, parent, name, kind, revision, size, mtime, exec, hash)
         values (@remote, @local, @parent, @name, @kind, @revision, @size, @mtime, @exec, @hash)
         on conflict (remote) do update set local = excluded.local, parent = excluded.parent,
           name = excluded.name, kind = excluded.kind, revision = excluded.revision,
           size = excluded.size, mtime = excluded.mtime, exec = excluded.exec, hash = excluded.hash`,
      ),
      remove: this.db.prepare<[string]>('delete from base where remote = ?'),
      count: this.db.prepare<[], { files: number; all: number }>(
        `select count(*) filter (where kind = 'file') as files, count(*) as "all" from base`,
      ),
      setting: this.db.prepare<[string], { value: string }>(
        'select value from settings where key = ?',
      ),
      setSetting: this.db.prepare<[string, string]>(
        'insert into settings (key, value) values (?, ?) on conflict (key) do update set value = excluded.value',
      ),
    };
    this.mirror = new MirrorStore(this.db, {
      get: (key) => this.setting(key),
      set: (key, value) => this.setSetting(key, value),
    });
  }

  /** Every row by its local id. */
  byLocalId(): Map<string, BaseNode> {
    const out = new Map<string, BaseNode>();
    for (const r of this.q.all.iterate()) out.set(r.local, toNode(r));
    return out;
  }

  get(remote: string): BaseNode | undefined {
    const r = this.q.get.get(remote);
    return r && toNode(r);
  }

  byLocal(local: string): BaseNode | undefined {
    const r = this.q.byLocal.get(local);
    return r && toNode(r);
  }

  counts(): { files: number; all: number } {
    return this.q.count.get() ?? { files: 0, all: 0 };
  }

  /** Writes a row; another row holding the same local id lets go of it first. */
  put(node: BaseNode): void {
    this.db.transaction(() => {
      const holder = this.q.byLocal.get(node.local);
      if (holder && holder.remote !== node.remote) this.q.dropLocal.run(node.local);
      this.q.put.run({ ...node, exec: node.exec ? 1 : 0 });
    })();
  }

  /** A row's content facts (and optionally its local id), as both sides now agree. */
  settle(remote: string, content: Content & { revision?: number; local?: string }): void {
    const row = this.get(remote);
    if (!row) return;
    this.put({ ...row, ...content, revision: content.revision ?? row.revision });
  }

  /** Runs `f` in one transaction: the base and the mirror change together. */
  together<T>(f: () => T): T {
    return this.db.transaction(f)();
  }

  remove(remotes: readonly string[]): void {
    this.db.transaction(() => {
      for (const r of remotes) this.q.remove.run(r);
    })();
  }

  settings(): RootSettings | null {
    const value = this.q.setting.get('root')?.value;
    return value ? (JSON.parse(value) as RootSettings) : null;
  }

  /** Records what this root syncs with; a root set up for another folder or account is refused. */
  claim(s: RootSettings): void {
    const had = this.settings();
    if (had && (had.remoteId !== s.remoteId || had.accountId !== s.accountId)) {
      throw new ValidationError(
        'local',
        `is synced with ${had.remotePath} of another ${had.accountId !== s.accountId ? 'account' : 'folder'} already; pick an empty folder or that remote folder`,
      );
    }
    this.q.setSetting.run('root', JSON.stringify({ ...had, ...s }));
  }

  setting(key: string): string | undefined {
    return this.q.setting.get(key)?.value;
  }

  setSetting(key: string, value: string): void {
    this.q.setSetting.run(key, value);
  }

  close(): void {
    this.db.close();
  }
}
