import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConflictError, NotFoundError } from '@coffer/errors';
import {
  type ChunkCache,
  type CofferClient,
  chunkSizeFor,
  type Entry,
  type Progress,
} from '@coffer/sdk';
import type { BaseStore } from './base-store.ts';
import {
  exists,
  placeNew,
  renameSafely,
  type Stamp,
  sameStamp,
  setExec,
  stampOf,
  stillSame,
  toLocalTrash,
  writePart,
} from './local-fs.ts';
import type { IdOf, LocalScan } from './local-scan.ts';
import { Places } from './places.ts';
import type { Action, Place } from './plan-types.ts';
import { RemoteOpener } from './remote-opener.ts';
import { SmallUploads } from './small-uploads.ts';
import type { Throttle } from './throttle.ts';
import {
  type BaseNode,
  folderRow,
  type LocalNode,
  type RemoteNode,
  remoteOf,
  type Tree,
} from './trees.ts';

// Carries out a plan, action by action, writing the base after each, so that a pass cut
// short anywhere leaves a base that is true for what was done. An action whose premise no
// longer holds (the local file changed since the scan, a name got taken meanwhile) is
// skipped, never forced: the next pass sees the new state and plans again. Nothing is ever
// overwritten that the plan did not compare: uploads and downloads of new files refuse an
// existing name, and a download over a local file first checks that the file is the one
// scanned.

export interface PassCounts {
  uploaded: number;
  downloaded: number;
  moved: number;
  deleted: number;
  conflicts: number;
  bytesUp: number;
  bytesDown: number;
  /** Bytes the SDK sent to hosts for the uploads (its `bytesOnWire`): 0 for a pass of moves. */
  bytesSent: number;
}

export const noCounts = (): PassCounts => ({
  uploaded: 0,
  downloaded: 0,
  moved: 0,
  deleted: 0,
  conflicts: 0,
  bytesUp: 0,
  bytesDown: 0,
  bytesSent: 0,
});

const DOWNLOADS_AT_ONCE = 4;

type Download = Extract<Action, { op: 'download' }>;

export interface ExecutorDeps {
  client: CofferClient;
  store: BaseStore;
  root: string;
  local: LocalScan;
  remote: Tree<RemoteNode>;
  now: Date;
  idOf: IdOf;
  /** `--bwlimit`: the cap of each direction, if any. */
  limit?: { up: Throttle; down: Throttle } | null;
  /** Once aborted, no action starts; those under way end. */
  signal?: AbortSignal;
  log: (line: string) => void;
}

export class Executor {
  readonly counts: PassCounts = noCounts();
  readonly errors: string[] = [];
  readonly skipped: string[] = [];
  private readonly at: Places;

  constructor(private readonly d: ExecutorDeps) {
    this.at = new Places(d.store, d.root, d.local, d.remote);
  }

  private opener: RemoteOpener | null = null;
  /** Where the pass's chunks are: one locate per pack, not one per file. */
  private chunks: ChunkCache | undefined;

  async run(actions: readonly Action[]): Promise<void> {
    this.opener = new RemoteOpener(this.d.client, this.d.remote, actions);
    this.chunks = this.d.client.chunkCache();
    const batch = new SmallUploads(this);
    const stopped = () => this.d.signal?.aborted === true;
    for (let i = 0; i < actions.length && !stopped(); i++) {
      const a = actions[i] as Action;
      if (a.op === 'upload' && !this.d.limit && batch.takes(a, this.d.local.nodes.get(a.local))) {
        if (batch.full()) await this.guard('upload', () => batch.flush());
        continue;
      }
      await this.guard('upload', () => batch.flush());
      if (a.op === 'download') {
        let end = i + 1;
        while (actions[end]?.op === 'download') end++;
        await this.downloads(actions.slice(i, end) as Download[]);
        i = end - 1;
        continue;
      }
      await this.guard(a.op, () => this.one(a));
    }
    // Files batched and not sent yet are the next pass's when stopped: sending a batch is long.
    if (!stopped()) await this.guard('upload', () => batch.flush());
  }

  /**
   * Downloads next to each other in the plan, DOWNLOADS_AT_ONCE at a time: each writes a file
   * of its own, so none waits for another, and a small file's time is mostly round trips.
   */
  private async downloads(list: readonly Download[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      for (let a = list[next++]; a && !this.d.signal?.aborted; a = list[next++]) {
        const { remote, local, place } = a;
        await this.guard('download', () => this.download(remote, local, place));
      }
    };
    await Promise.all(Array.from({ length: DOWNLOADS_AT_ONCE }, worker));
  }

  private async guard(op: string, f: () => Promise<void>): Promise<void> {
    try {
      await f();
    } catch (e) {
      this.errors.push(`${op}: ${(e as Error).message}`);
      this.d.log(`sync: ${op} failed: ${(e as Error).message}`);
    }
  }

  /** The absolute path of a local node (for the small-file batches). */
  absolute(local: string): string {
    return this.at.localAbs(local);
  }

  get client(): CofferClient {
    return this.d.client;
  }

  get idOf(): IdOf {
    return this.d.idOf;
  }

  skip(why: string): void {
    this.skipped.push(why);
  }

  /** An upload's progress callback that adds what it put on the wire to `bytesSent`. */
  onWire(): (p: Progress) => void {
    let counted = 0;
    return (p) => {
      this.counts.bytesSent += p.bytesOnWire - counted;
      counted = p.bytesOnWire;
    };
  }

  /** The mirror learns what a write of ours changed on a node it holds. */
  private wroteRemote(id: string, version: number, change: Partial<RemoteNode>): void {
    const had = this.d.store.mirror.get(id);
    if (had) this.d.store.mirror.wrote({ ...had, ...change }, version);
  }

  // ── actions ───────────────────────────────────────────────────────────────────────────

  private async one(a: Action): Promise<void> {
    const { store } = this.d;
    switch (a.op) {
      case 'adopt': {
        const r = this.d.remote.nodes.get(a.remote);
        const had = store.get(a.remote);
        if (had)
          store.put({
            ...had,
            ...a.content,
            local: a.local,
            revision: r?.revision ?? had.revision,
          });
        else if (r) store.put({ ...r, remote: r.id, local: a.local, ...a.content });
        return;
      }
      case 'forget':
        store.remove([a.remote]);
        return;
      case 'report':
        this.d.log(`sync: ${a.message}`);
        return;
      case 'conflict-rename':
        return this.conflictRename(a.local, a.name);
      case 'mkdir-remote':
        return this.mkdirRemote(a.local, a);
      case 'mkdir-local':
        return this.mkdirLocal(a.remote, a);
      case 'upload':
        return this.upload(a.local, a.remote, a.place);
      case 'download':
        return this.download(a.remote, a.local, a.place);
      case 'move-remote':
        return this.moveRemote(a.remote, a);
      case 'move-local':
        return this.moveLocal(a.local, a);
      case 'exec-remote': {
        const path = this.at.remotePath(a.remote);
        const { version } = await this.d.client.move(path, path, { exec: a.exec });
        const row = store.get(a.remote);
        store.together(() => {
          if (row) store.put({ ...row, exec: a.exec });
          this.wroteRemote(a.remote, version, { exec: a.exec });
        });
        return;
      }
      case 'exec-local': {
        await setExec(this.at.localAbs(a.local), a.exec);
        const row = store.byLocal(a.local);
        if (row) store.put({ ...row, exec: a.exec });
        return;
      }
      case 'trash-remote': {
        const { version } = await this.d.client.trash(this.at.remotePath(a.remote));
        store.together(() => {
          store.remove(a.covers);
          store.mirror.trashed(a.remote, version);
        });
        this.counts.deleted += a.covers.length;
        return;
      }
      case 'trash-local':
      case 'drop-local':
        await toLocalTrash(this.d.root, this.at.localRel(a.local), this.d.now);
        store.remove(a.covers);
        if (a.op === 'trash-local') this.counts.deleted += a.covers.length;
        return;
    }
  }

  private async conflictRename(local: string, name: string): Promise<void> {
    const from = this.at.localAbs(local);
    const at = this.at.localIndex.get(local);
    if (!at) return;
    const to = join(dirname(from), name);
    if (await exists(to)) throw new ConflictError(`${name}: exists already`);
    await rename(from, to);
    this.at.localIndex.set(local, { parent: at.parent, name });
    // The row lets go of this node: the conflict copy is a file of its own from now on.
    const row = this.d.store.byLocal(local);
    if (row) this.d.store.put({ ...row, local: `released:${row.remote}` });
    this.counts.conflicts++;
  }

  private async mkdirRemote(local: string, place: Place): Promise<void> {
    const parent = this.at.remoteParent(place.parent);
    const path = this.at.join(this.at.remotePath(parent), place.name);
    let made: { id: string; version: number | null };
    try {
      made = await this.d.client.mkdir(path);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      const there = await this.d.client.stat(path); // made meanwhile elsewhere: the same folder
      if (there.kind !== 'folder') throw e;
      made = { id: there.id, version: null };
    }
    const { id, version } = made;
    this.at.remoteIndex.set(id, { parent, name: place.name });
    const row = folderRow(id, local, parent, place.name);
    this.d.store.together(() => {
      this.d.store.put(row);
      if (version !== null) this.d.store.mirror.wrote(remoteOf(row), version);
    });
  }

  private async mkdirLocal(remote: string, place: Place): Promise<void> {
    const parent = this.at.localParent(place.parent);
    const path = join(this.at.localAbs(parent), place.name);
    await mkdir(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    const stamp = await stampOf(path, this.d.idOf);
    if (!stamp || !(await lstat(path)).isDirectory()) {
      throw new ConflictError(`${place.name}: a file is in the way`);
    }
    this.at.localIndex.set(stamp.id, { parent, name: place.name });
    const r = this.d.remote.nodes.get(remote);
    this.d.store.put(
      folderRow(
        remote,
        stamp.id,
        r?.parent ?? this.at.remoteParent(place.parent),
        r?.name ?? place.name,
      ),
    );
  }

  /** Where an upload goes: the remote path, parent and name, or null when it cannot go now. */
  async uploadTarget(
    local: string,
    remote: string | null,
    place: Place | null,
    checkFree: boolean,
  ): Promise<{ node: LocalNode; start: Stamp; path: string; parent: string; name: string } | null> {
    const node = this.d.local.nodes.get(local) as LocalNode;
    const start = await stampOf(this.at.localAbs(local), this.d.idOf);
    if (!start || !sameStamp(start, node)) {
      this.skipped.push(`${this.at.localRel(local)} changed since it was scanned`);
      return null;
    }
    if (remote) {
      const at = this.at.remoteIndex.get(remote);
      return {
        node,
        start,
        path: this.at.remotePath(remote),
        parent: at?.parent ?? this.d.remote.root,
        name: at?.name ?? node.name,
      };
    }
    const p = place as Place;
    const parent = this.at.remoteParent(p.parent);
    const path = this.at.join(this.at.remotePath(parent), p.name);
    if (checkFree && (await this.remoteExists(path))) {
      this.skipped.push(`${path} appeared remotely meanwhile`);
      return null;
    }
    return { node, start, path, parent, name: p.name };
  }

  /** An upload landed as `entry`: the base and the index learn it. */
  uploaded(local: string, node: LocalNode, at: { parent: string; name: string }, entry: Entry) {
    this.at.remoteIndex.set(entry.id, at);
    const row: BaseNode = {
      remote: entry.id,
      local,
      parent: at.parent,
      name: at.name,
      kind: 'file',
      revision: entry.revision ?? 1,
      size: node.size,
      mtime: node.mtime,
      exec: node.exec,
      hash: node.hash,
    };
    this.d.store.together(() => {
      this.d.store.put(row);
      this.d.store.mirror.wrote(remoteOf(row), entry.version);
    });
    this.counts.uploaded++;
    this.counts.bytesUp += node.size;
  }

  private async upload(local: string, remote: string | null, place: Place | null): Promise<void> {
    const t = await this.uploadTarget(local, remote, place, true);
    if (!t) return;
    const bytes = stillSame(this.at.localAbs(local), t.start, this.d.idOf);
    const entry = await this.d.client.upload(
      t.path,
      this.d.limit ? this.d.limit.up.pass(bytes) : bytes,
      {
        size: t.node.size,
        mtime: t.node.mtime,
        exec: t.node.exec,
        chunkSize: chunkSizeFor(t.node.size),
        onProgress: this.onWire(),
      },
    );
    this.uploaded(local, t.node, t, entry);
  }

  private async remoteExists(path: string): Promise<boolean> {
    try {
      await this.d.client.stat(path);
      return true;
    } catch (e) {
      if (e instanceof NotFoundError) return false;
      throw e;
    }
  }

  private async download(remote: string, local: string | null, place: Place | null) {
    const r = this.d.remote.nodes.get(remote);
    if (!r) throw new NotFoundError(`${remote}: not in the remote listing`);
    const open = await (this.opener as RemoteOpener).open(r);
    let dir: string;
    let parentLocal: string;
    let name: string;
    if (local) {
      const at = this.at.localIndex.get(local);
      if (!at) throw new NotFoundError(`${local}: not in the local scan`);
      parentLocal = at.parent;
      name = at.name;
      dir = this.at.localAbs(parentLocal);
    } else {
      const p = place as Place;
      parentLocal = this.at.localParent(p.parent);
      name = p.name;
      dir = this.at.localAbs(parentLocal);
    }
    const target = join(dir, name);
    const dl = await this.d.client.download(open, this.chunks ? { chunks: this.chunks } : {});
    const stream = dl.stream as AsyncIterable<Uint8Array>;
    const part = await writePart(
      dir,
      name,
      this.d.limit ? this.d.limit.down.pass(stream) : stream,
      {
        mtime: r.mtime,
        exec: r.exec,
      },
    );
    if (local) {
      const scanned = this.d.local.nodes.get(local) as LocalNode;
      if (!sameStamp(await stampOf(target, this.d.idOf), scanned)) {
        await rm(part, { force: true });
        this.skipped.push(
          `${this.at.localRel(local)} changed since it was scanned; not overwritten`,
        );
        return;
      }
      await rename(part, target);
    } else if (!(await placeNew(part, target))) {
      this.skipped.push(`${name} appeared locally meanwhile; not overwritten`);
      return;
    }
    const stamp = await stampOf(target, this.d.idOf);
    if (!stamp) throw new NotFoundError(`${name}: gone right after it was written`);
    this.at.localIndex.set(stamp.id, { parent: parentLocal, name });
    const row: BaseNode = {
      remote,
      local: stamp.id,
      parent: r.parent,
      name: r.name,
      kind: 'file',
      revision: r.revision,
      size: stamp.size,
      mtime: stamp.mtime,
      exec: r.exec,
      hash: r.hash,
    };
    this.d.store.put(row);
    this.counts.downloaded++;
    this.counts.bytesDown += stamp.size;
  }

  private async moveRemote(remote: string, place: Place): Promise<void> {
    const parent = this.at.remoteParent(place.parent);
    const to = this.at.join(this.at.remotePath(parent), place.name);
    const from = this.at.remotePath(remote);
    if (from !== to && from.toLowerCase() !== to.toLowerCase() && (await this.remoteExists(to))) {
      this.skipped.push(`${to} is taken remotely; ${from} stays`);
      return;
    }
    const { version } = await this.d.client.move(from, to);
    this.at.remoteIndex.set(remote, { parent, name: place.name });
    const row = this.d.store.get(remote);
    this.d.store.together(() => {
      if (row) this.d.store.put({ ...row, parent, name: place.name });
      this.wroteRemote(remote, version, { parent, name: place.name });
    });
    this.counts.moved++;
  }

  private async moveLocal(local: string, place: Place): Promise<void> {
    const parent = this.at.localParent(place.parent);
    const from = this.at.localAbs(local);
    const to = join(this.at.localAbs(parent), place.name);
    const there = await stampOf(to, this.d.idOf);
    if (there && there.id !== local) {
      this.skipped.push(`${place.name} is taken locally; not overwritten`);
      return;
    }
    await renameSafely(from, to);
    this.at.localIndex.set(local, { parent, name: place.name });
    const row = this.d.store.byLocal(local);
    if (row) {
      const remoteParent = this.at.remoteParent(place.parent);
      this.d.store.put({ ...row, parent: remoteParent, name: place.name });
    }
    this.counts.moved++;
  }
}
