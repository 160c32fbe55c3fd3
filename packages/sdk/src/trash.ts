import type { NodeId } from '@coffer/crypto';
import { NotFoundError, ValidationError } from '@coffer/errors';
import { refuseRepeats } from './checks.ts';
import { type Entry, toEntry } from './entries.ts';
import type { HubClient } from './hub-client.ts';
import { openNode } from './keys.ts';
import type { TreeAccess } from './tree.ts';

export type TrashedEntry = Entry & {
  from: string | null;
  /** The stored bytes it holds (every revision of everything under it): what purging it frees. */
  held: number;
};

/** The trash's items and the stored bytes they hold together. */
export interface TrashContents {
  items: TrashedEntry[];
  bytes: number;
  /** The newest `trashedAt` the hub listed: `empty(upTo)` purges up to it (0 when empty). */
  upTo: number;
}

/** The trash: what was trashed, where from, and restoring or purging it. */
export class Trash {
  constructor(private readonly deps: { hub: HubClient; tree: TreeAccess }) {}

  /** Trashed items, decrypted, with the path of the folder each came from (when it still exists). */
  async list(): Promise<TrashedEntry[]> {
    return (await this.contents()).items;
  }

  /** The trashed items with the bytes each holds, and the bytes the whole trash holds. */
  async contents(): Promise<TrashContents> {
    const { hub, tree } = this.deps;
    const { nodes, held, bytes } = await hub.call('trash', {});
    refuseRepeats(nodes, (n) => n.id, 'trash');
    const heldOf = new Map(held.map((h) => [h.id, h.bytes]));
    const items: TrashedEntry[] = [];
    let upTo = 0;
    for (const info of nodes) {
      upTo = Math.max(upTo, info.trashedAt ?? 0);
      const parent = info.parentId ? await tree.openById(info.parentId as NodeId) : null;
      if (parent?.kind !== 'folder') continue;
      items.push({
        ...toEntry(await openNode(info, parent.key)),
        from: await tree.pathOf(parent),
        held: heldOf.get(info.id) ?? 0,
      });
    }
    return { items, bytes, upTo };
  }

  /**
   * Deletes for good, in one step, all or none, everything trashed up to `upTo` (the `upTo` of
   * the `contents()` the user saw; what was trashed after it stays). Without it, the whole
   * trash as it is now. Returns how many items went.
   */
  async empty(upTo?: number): Promise<number> {
    const until = upTo ?? (await this.contents()).upTo;
    if (!Number.isSafeInteger(until) || until < 0)
      throw new ValidationError('upTo', 'expected a time in milliseconds since 1970');
    const { purged } = await this.deps.hub.call('emptyTrash', { body: { upTo: until } });
    return purged;
  }

  /** Restores a trashed item, picked by id or by name (newest match). */
  async restore(idOrName: string): Promise<Entry> {
    const hit = await this.find(idOrName);
    const info = await this.deps.hub.call('restoreNode', {
      params: { id: hit.id },
      body: { version: hit.version },
    });
    return { ...hit, version: info.version, trashedAt: null };
  }

  /** Deletes a trashed item for good. */
  async purge(idOrName: string): Promise<void> {
    const hit = await this.find(idOrName);
    await this.deps.hub.call('purgeNode', {
      params: { id: hit.id },
      query: { version: hit.version },
    });
  }

  private async find(idOrName: string): Promise<TrashedEntry> {
    const trashed = await this.list();
    const hit =
      trashed.find((t) => t.id === idOrName) ??
      trashed.find((t) => t.name === idOrName.normalize('NFC'));
    if (!hit) throw new NotFoundError(`item: nothing called ${idOrName} in the trash`);
    return hit;
  }
}
