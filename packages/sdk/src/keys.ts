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
  signNode,
  toBase64Url,
  unwrapNodeKey,
  verifyNode,
} from '@coffer/crypto';
import { DecryptionError, IntegrityError, ValidationError } from '@coffer/errors';
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
  authors?: readonly Author[];
} & ({ kind: 'file'; key: FileKey } | { kind: 'folder'; key: FolderKey });

export async function openNode(info: NodeInfo, parentKey: FolderKey): Promise<OpenNode> {
  if (info.parentId === null) throw new IntegrityError('node: the hub served the root as a child');
  const place = {
    nodeId: info.id as NodeId,
    parentId: info.parentId as NodeId,
    kind: info.kind,
    keyVersion: info.keyVersion ?? 1,
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

/** A child opened under `parent`; inside a share its author is checked, and carried down. */
export async function openChild(info: NodeInfo, parent: OpenNode & { kind: 'folder' }) {
  if (parent.authors) checkAuthor(info, parent.authors);
  const open = await openNode(info, parent.key);
  return parent.authors ? { ...open, authors: parent.authors } : open;
}

/** The fields of a node write, as the hub receives them (base64url). */
interface NodeWrite {
  nodeId: string;
  parentId: string;
  kind: 'file' | 'folder';
  wrappedKey: string;
  metadata: string;
  nameHash: string;
}

const signedFields = (n: NodeWrite, authorId: string) => ({
  nodeId: n.nodeId as NodeId,
  parentId: n.parentId as NodeId,
  kind: n.kind,
  authorId: authorId as AccountId,
  wrappedKey: fromBase64Url(n.wrappedKey, 'wrappedKey'),
  metadata: fromBase64Url(n.metadata, 'metadata'),
  nameHash: n.nameHash,
});

/** Our signature over a node we write ([Note: Node signatures]), base64url. */
export function nodeSignature(keys: AccountKeys, n: NodeWrite): string {
  return toBase64Url(signNode(signedFields(n, keys.accountId), keys.identity.signingSecret));
}

/** One who may write in a shared folder, and the key their signatures verify with. */
export interface Author {
  accountId: string;
  signingPublic: SigningPublicKey;
  /** Their earlier signing keys, for what they signed before a key change. */
  older?: readonly SigningPublicKey[];
}

/** Every signing key an author's signatures may verify with. */
export const keysOfAuthor = (a: Author) => [a.signingPublic, ...(a.older ?? [])];

/** Inside a share: the node must be signed by one of its writers (IntegrityError otherwise). */
export function checkAuthor(info: NodeInfo, authors: readonly Author[]): void {
  const author = authors.find((a) => a.accountId === info.authorId);
  if (!author || !info.signature || info.nameHash === null || info.parentId === null) {
    throw new IntegrityError(
      `node ${info.id}: not written by the share's owner or one of its writers`,
    );
  }
  const fields = fromHubFields(() =>
    signedFields(
      {
        nodeId: info.id,
        parentId: info.parentId as string,
        kind: info.kind,
        wrappedKey: info.wrappedKey,
        metadata: info.metadata,
        nameHash: info.nameHash as string,
      },
      author.accountId,
    ),
  );
  const signature = fromHubFields(() => fromBase64Url(info.signature as string, 'signature'));
  const keys = keysOfAuthor(author);
  for (const [i, key] of keys.entries()) {
    try {
      verifyNode(fields, signature, key);
      return;
    } catch (e) {
      if (i === keys.length - 1) throw e;
    }
  }
}

/** Malformed fields from the hub are tampering, not bad input of ours. */
function fromHubFields<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ValidationError) throw new IntegrityError(`node: ${e.message}`, { cause: e });
    throw e;
  }
}

/** The key of a folder; a file where a folder is needed is the caller's mistake. */
export function folderKeyOf(node: OpenNode): FolderKey {
  if (node.kind !== 'folder') throw new ValidationError('path', 'is a file, not a folder');
  return node.key;
}
