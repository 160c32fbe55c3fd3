import { NotFoundError } from '@coffer/errors';
import type { CofferClient, OpenNode } from '@coffer/sdk';
import type { Action } from './plan-types.ts';
import type { RemoteNode, Tree } from './trees.ts';

// Opens the remote files a pass downloads. The remote tree keeps no open nodes ([Note:
// Remote mirror] in remote-tree.ts), so a file is opened when it is downloaded: by id (a hub
// call per folder up to the sync root) when few of its folder's files come down in this pass,
// or with its whole folder listed once when many do (a first sync), keeping the listings of
// the few folders being downloaded into at a time (downloads run side by side). A file that is no longer what the plan saw (another revision, another
// folder) is a NotFoundError: the download waits for the next pass.

/** Downloads from one folder above which the folder is listed whole. */
const FEW = 4;
/** Folder listings kept at once. */
const LISTINGS = 4;

export class RemoteOpener {
  /** Listings of folders, the most recently used last. */
  private readonly listed = new Map<string, Promise<Map<string, OpenNode>>>();
  private readonly perFolder = new Map<string, number>();

  constructor(
    private readonly client: CofferClient,
    private readonly remote: Tree<RemoteNode>,
    actions: readonly Action[],
  ) {
    for (const a of actions) {
      if (a.op !== 'download') continue;
      const parent = remote.nodes.get(a.remote)?.parent;
      if (parent) this.perFolder.set(parent, (this.perFolder.get(parent) ?? 0) + 1);
    }
  }

  async open(r: RemoteNode): Promise<OpenNode> {
    const node =
      (this.perFolder.get(r.parent) ?? 0) > FEW
        ? await this.fromFolder(r)
        : await this.client.openById(r.id as Parameters<CofferClient['openById']>[0]);
    if (
      !node ||
      node.kind !== r.kind ||
      node.info.parentId !== r.parent ||
      node.info.trashedAt !== null ||
      (node.info.revision ?? 0) !== r.revision
    ) {
      throw new NotFoundError(`${r.name}: changed remotely since the listing; next pass`);
    }
    return node;
  }

  private async fromFolder(r: RemoteNode): Promise<OpenNode | undefined> {
    let children = this.listed.get(r.parent);
    if (children) this.listed.delete(r.parent);
    else {
      children = this.list(r.parent);
      children.catch(() => this.listed.delete(r.parent));
    }
    this.listed.set(r.parent, children);
    if (this.listed.size > LISTINGS) this.listed.delete(this.listed.keys().next().value as string);
    return (await children).get(r.id);
  }

  private async list(id: string): Promise<Map<string, OpenNode>> {
    const folder =
      id === this.remote.root
        ? await this.client.root()
        : await this.client.openById(id as Parameters<CofferClient['openById']>[0]);
    if (folder?.kind !== 'folder') return new Map();
    return new Map((await this.client.listOpen(folder)).map((c) => [c.info.id, c]));
  }
}
