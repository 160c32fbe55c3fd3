import type { NodeId } from '@coffer/crypto';
import { NotFoundError } from '@coffer/errors';
import { refuseRepeats } from './checks.ts';
import { type Entry, toEntry } from './entries.ts';
import type { HubClient } from './hub-client.ts';
import { openNode } from './keys.ts';
import type { TreeAccess } from './tree.ts';

export type TrashedEntry = Entry & { from: string | null };

/** The trash: what was trashed, where from, and restoring or purging it. */
export class Trash {
  constructor(private readonly deps: { hub: HubClient; tree: TreeAccess }) {}

  /** Trashed items, decrypted, with the path of the folder each came from (when it still exists). */
  async list(): Promise<TrashedEntry[]> {
    const { hub, tree } = this.deps;
    const { nodes } = await hub.call('trash', {});
    refuseRepeats(nodes, (n) => n.id, 'trash');
    const out: TrashedEntry[] = [];
    for (const info of nodes) {
      const parent = info.parentId ? await tree.openById(info.parentId as NodeId) : null;
      if (parent?.kind !== 'folder') continue;
      out.push({ ...toEntry(await openNode(info, parent.key)), from: await tree.pathOf(parent) });
    }
    return out;
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
