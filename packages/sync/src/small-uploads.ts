import { readFile } from 'node:fs/promises';
import {
  type CofferClient,
  type Entry,
  type Progress,
  SMALL_FILE_LIMIT,
  type SmallFile,
} from '@coffer/sdk';
import { type Stamp, sameStamp, stampOf } from './local-fs.ts';
import type { IdOf } from './local-scan.ts';
import type { Action, Place } from './plan-types.ts';
import type { LocalNode } from './trees.ts';

// Small files go up in batches through the SDK's packed upload (`uploadMany`: hundreds of
// files in a few chunks and one commit per pack) instead of one upload each, which costs a
// round of hub calls per file. Each file is read whole (they are small) and kept only if it
// did not change while it was read; its place was checked free when the pass listed the
// remote tree. A batch is flushed before any other action, so the plan's order holds.

const BATCH_FILES = 500;
const BATCH_BYTES = 16 * 1024 * 1024;

type Upload = Extract<Action, { op: 'upload' }>;

/** What a batch needs from the executor. */
export interface UploadHost {
  readonly client: CofferClient;
  readonly idOf: IdOf;
  absolute(local: string): string;
  skip(why: string): void;
  onWire(): (p: Progress) => void;
  uploadTarget(
    local: string,
    remote: string | null,
    place: Place | null,
    checkFree: boolean,
  ): Promise<{ node: LocalNode; start: Stamp; path: string; parent: string; name: string } | null>;
  uploaded(
    local: string,
    node: LocalNode,
    at: { parent: string; name: string },
    entry: Entry,
  ): void;
}

export class SmallUploads {
  private items: { a: Upload; node: LocalNode }[] = [];
  private bytes = 0;

  constructor(private readonly ex: UploadHost) {}

  /** Takes the upload into the batch when its file is small. */
  takes(a: Upload, node: LocalNode | undefined): boolean {
    if (!node || node.size > SMALL_FILE_LIMIT) return false;
    this.items.push({ a, node });
    this.bytes += node.size;
    return true;
  }

  full(): boolean {
    return this.items.length >= BATCH_FILES || this.bytes >= BATCH_BYTES;
  }

  async flush(): Promise<void> {
    const items = this.items;
    this.items = [];
    this.bytes = 0;
    if (items.length === 0) return;
    const files: SmallFile[] = [];
    const landed: { local: string; node: LocalNode; parent: string; name: string }[] = [];
    for (const { a, node } of items) {
      const t = await this.ex.uploadTarget(a.local, a.remote, a.place, false);
      if (!t) continue;
      const abs = this.ex.absolute(a.local);
      const bytes = await readFile(abs);
      if (!(await unchanged(abs, t.start, this.ex))) {
        this.ex.skip(`${t.path} changed while it was read; it goes on the next pass`);
        continue;
      }
      files.push({ path: t.path, bytes, mtime: node.mtime, exec: node.exec });
      landed.push({ local: a.local, node, parent: t.parent, name: t.name });
    }
    if (files.length === 0) return;
    const entries = await this.ex.client.uploadMany(files, { onProgress: this.ex.onWire() });
    // Packs commit side by side: match each entry to its file by place, not by order.
    const byPlace = new Map(entries.map((e) => [`${e.parentId}/${e.name}`, e]));
    for (const l of landed) {
      const entry = byPlace.get(`${l.parent}/${l.name.normalize('NFC')}`);
      if (entry) this.ex.uploaded(l.local, l.node, l, entry);
    }
  }
}

async function unchanged(path: string, start: Stamp, ex: UploadHost): Promise<boolean> {
  const end = await stampOf(path, ex.idOf);
  return !!end && sameStamp(end, start) && end.ctimeNs === start.ctimeNs;
}
