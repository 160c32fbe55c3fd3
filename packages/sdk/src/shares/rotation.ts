import {
  encryptMetadata,
  equalBytes,
  type FolderKey,
  fromBase64Url,
  type MemberList,
  type NodeId,
  type NodeKey,
  nameHash,
  newFileKey,
  newFolderKey,
  resealManifest,
  type SigningPublicKey,
  toBase64Url,
  wrapNodeKey,
} from '@coffer/crypto';
import { ConflictError, IntegrityError } from '@coffer/errors';
import type { NodeInfo, RouteBody } from '@coffer/protocol';
import type { HubClient } from '../hub-client.ts';
import {
  type AccountKeys,
  type Author,
  folderKeyOf,
  fromHub,
  keysOfAuthor,
  nodeSignature,
  openNode,
} from '../keys.ts';
import { parentPathOf, splitPath } from '../paths.ts';
import type { TreeAccess } from '../tree.ts';

// [Note: Key rotation]
// Removing a member gives every folder and file under the shared folder a new key: wrapped
// keys, metadata, name hashes and manifests are all made again under the new keys, staged on
// the hub a batch at a time, and swapped in by the next member list (its key version one
// up) in one transaction. The folder key is sealed to the remaining members for the new key
// version. Manifests keep their authors' signatures, except a removed writer's: the owner,
// having checked it, signs those instead. File contents are not re-encrypted: chunks the
// removed member could read before stay readable to them (docs/security.md §10).

export interface RotationDeps {
  hub: HubClient;
  keys: AccountKeys;
  tree: Pick<TreeAccess, 'resolve'>;
}

/**
 * Gives the folder shared at `path` and everything under it new keys, staged on the hub for
 * the list one key version up ([Note: Key rotation]). Returns that key version and the
 * folder's new key, to seal to the members with the list that swaps the keys in.
 */
export async function stageNewKeys(
  deps: RotationDeps,
  path: string,
  list: MemberList,
  removedWriters: readonly Author[],
): Promise<{ keyVersion: number; rootKey: FolderKey }> {
  const folder = await deps.tree.resolve(path);
  if (folder.info.id !== list.folderId) throw new ConflictError(`path: ${path} moved meanwhile`);
  const parent = await deps.tree.resolve(parentPathOf(splitPath(path)));
  const keyVersion = list.keyVersion + 1;

  const nodes = new Map<string, NodeInfo>();
  const revisions = new Map<string, { revision: number; manifest: string }[]>();
  let after: string | undefined;
  do {
    const page = await deps.hub.call('shareTree', {
      params: { id: list.shareId },
      query: { limit: 2000, ...(after ? { after } : {}) },
    });
    for (const n of page.nodes) nodes.set(n.id, n);
    for (const r of page.revisions) {
      const of = revisions.get(r.nodeId) ?? [];
      of.push(r);
      revisions.set(r.nodeId, of);
    }
    after = page.next ?? undefined;
  } while (after);
  const below = new Map<string, NodeInfo[]>();
  for (const n of nodes.values()) {
    if (n.id === folder.info.id || n.parentId === null) continue;
    const of = below.get(n.parentId) ?? [];
    of.push(n);
    below.set(n.parentId, of);
  }
  const root = nodes.get(folder.info.id);
  if (!root) throw new IntegrityError(`share ${list.shareId}: the hub left the folder out`);

  const resignIf = (author: SigningPublicKey) =>
    removedWriters.some((w) => keysOfAuthor(w).some((k) => equalBytes(k, author)));
  const batch: RouteBody<'stageRekey'> = { keyVersion, nodes: [], revisions: [] };
  let bytes = 0;
  const flush = async () => {
    if (batch.nodes.length === 0 && batch.revisions.length === 0) return;
    await deps.hub.call('stageRekey', { params: { id: list.shareId }, body: batch });
    batch.nodes = [];
    batch.revisions = [];
    bytes = 0;
  };
  let rootKey: FolderKey | undefined;
  let staged = 0;
  const queue: { info: NodeInfo; from: FolderKey; to: FolderKey }[] = [
    { info: root, from: folderKeyOf(parent), to: folderKeyOf(parent) },
  ];
  for (let item = queue.pop(); item; item = queue.pop()) {
    const { info, from, to } = item;
    const open = await openNode(info, from);
    const key: NodeKey = open.kind === 'folder' ? newFolderKey() : newFileKey();
    if (info.id === root.id) rootKey = key as FolderKey;
    const place = {
      nodeId: info.id as NodeId,
      parentId: info.parentId as NodeId,
      kind: info.kind,
      keyVersion: (info.keyVersion ?? 1) + 1,
    };
    const fields = {
      wrappedKey: toBase64Url(await wrapNodeKey(to, key, place)),
      metadata: toBase64Url(await encryptMetadata(key, open.meta, place)),
      nameHash: await nameHash(to, open.meta.name),
    };
    const signature = nodeSignature(deps.keys, {
      nodeId: info.id,
      parentId: place.parentId,
      kind: info.kind,
      ...fields,
    });
    batch.nodes.push({ id: info.id, version: info.version, ...fields, signature });
    bytes += fields.metadata.length + 300;
    staged++;
    if (open.kind === 'file') {
      for (const r of revisions.get(info.id) ?? []) {
        const manifest = await fromHub(`manifest ${r.revision} of node ${info.id}`, () =>
          resealManifest(
            open.key,
            key as typeof open.key,
            fromBase64Url(r.manifest, 'manifest'),
            { fileId: place.nodeId, revision: r.revision },
            { resignIf, owner: deps.keys.identity },
          ),
        );
        const sealed = toBase64Url(manifest);
        batch.revisions.push({ nodeId: info.id, revision: r.revision, manifest: sealed });
        bytes += sealed.length + 100;
      }
    } else {
      for (const child of below.get(info.id) ?? [])
        queue.push({ info: child, from: open.key, to: key as FolderKey });
    }
    if (bytes > 6_000_000 || batch.nodes.length >= 4000 || batch.revisions.length >= 15_000)
      await flush();
  }
  await flush();
  if (staged !== nodes.size)
    throw new IntegrityError(
      `share ${list.shareId}: the hub served ${nodes.size - staged} node(s) outside the folder`,
    );
  return { keyVersion, rootKey: rootKey as FolderKey };
}
