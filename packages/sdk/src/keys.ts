import {
  type AccountId,
  decryptMetadata,
  type FileKey,
  type FolderKey,
  fromBase64Url,
  type Identity,
  type MasterKey,
  type NodeId,
  type NodeKey,
  type NodeMetadata,
  nameHash,
  type SigningPublicKey,
  unwrapNodeKey,
} from '@coffer/crypto';
import { DecryptionError, IntegrityError } from '@coffer/errors';
import type { NodeInfo } from '@coffer/protocol';

/** The keys of a logged-in account, in memory only. */
export interface AccountKeys {
  accountId: AccountId;
  email: string;
  masterKey: MasterKey;
  identity: Identity;
  /** The version of the account's key bundle, bumped by `rotateKeys`. */
  keyVersion: number;
  rootId: NodeId;
  rootKey: FolderKey;
}

/**
 * Opens something the hub served with a key we hold. A failure cannot be our fault, so it
 * means the hub (or someone between) changed or misplaced it: an IntegrityError.
 */
export async function fromHub<T>(what: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (e) {
    if (e instanceof DecryptionError || e instanceof IntegrityError) {
      throw new IntegrityError(`${what}: does not verify (tampered with or misplaced by the hub)`, {
        cause: e,
      });
    }
    throw e;
  }
}

/**
 * A node whose key unwrapped and whose metadata decrypted under its parent. `authors` is set
 * inside a folder shared with us: the signing keys whose manifests we accept there (the
 * owner's and the writers', from the owner's signed member list); absent means only our own.
 */
export type OpenNode = {
  info: NodeInfo;
  meta: NodeMetadata;
  authors?: readonly SigningPublicKey[];
} & ({ kind: 'file'; key: FileKey } | { kind: 'folder'; key: FolderKey });

export async function openNode(info: NodeInfo, parentKey: FolderKey): Promise<OpenNode> {
  if (info.parentId === null) throw new IntegrityError('node: the hub served the root as a child');
  const place = {
    nodeId: info.id as NodeId,
    parentId: info.parentId as NodeId,
    kind: info.kind,
    keyVersion: 1,
  };
  const wrapped = fromBase64Url(info.wrappedKey, 'wrappedKey');
  const typed = await fromHub(`key of node ${info.id}`, async () =>
    info.kind === 'file'
      ? {
          kind: 'file' as const,
          key: await unwrapNodeKey(parentKey, wrapped, { ...place, kind: 'file' }),
        }
      : {
          kind: 'folder' as const,
          key: await unwrapNodeKey(parentKey, wrapped, { ...place, kind: 'folder' }),
        },
  );
  const key: NodeKey = typed.key;
  const meta = await fromHub(`metadata of node ${info.id}`, () =>
    decryptMetadata(key, fromBase64Url(info.metadata, 'metadata'), {
      nodeId: place.nodeId,
      kind: info.kind,
    }),
  );
  if (info.nameHash !== null && info.nameHash !== (await nameHash(parentKey, meta.name))) {
    throw new IntegrityError(`node ${info.id}: its name hash does not match its name`);
  }
  return { info, meta, ...typed };
}

/** A child opened under `parent`, inheriting who may have written it. */
export async function openChild(info: NodeInfo, parent: OpenNode & { kind: 'folder' }) {
  const open = await openNode(info, parent.key);
  return parent.authors ? { ...open, authors: parent.authors } : open;
}
