import {
  encryptMetadata,
  type NodeId,
  nameHash,
  newFolderKey,
  newNodeId,
  toBase64Url,
  wrapNodeKey,
} from '@coffer/crypto';
import { ConflictError, NotFoundError, ValidationError } from '@coffer/errors';
import type { NodeInfo } from '@coffer/protocol';
import { refuseDuplicateChildren, servedWrong } from './checks.ts';
import { type Entry, toEntry } from './entries.ts';
import type { HubCalls } from './hub-client.ts';
import { type AccountKeys, type Author, nodeSignature, type OpenNode, openChild } from './keys.ts';
import { splitPath } from './paths.ts';
import type { Freshness } from './pins.ts';

/**
 * Who may write in a folder of ours that we share (the hub marks it with its list's
 * `version`), from our own verified lists; undefined when it is not shared.
 */
export type AuthorsOf = (
  folderId: string,
  version?: number,
) => Promise<readonly Author[] | undefined>;

export interface TreeDeps {
  hub: HubCalls;
  keys: AccountKeys;
  authorsOf: AuthorsOf;
  /** Refuses nodes older than seen before ([Note: Freshness pins]). */
  pins: Freshness;
}

/** What the features that work on paths need of the tree. */
export type TreeAccess = Pick<
  Tree,
  'root' | 'resolve' | 'child' | 'listOpen' | 'ensureFolder' | 'openById' | 'pathOf'
>;

const served = (what: string) => servedWrong('tree', what);

/**
 * The account's encrypted tree by path: each name is looked up by its hash under the parent's
 * key, and every node the hub serves is opened and checked under its parent ([Note: Name
 * hash]). `within` gives the same tree with a folder as its root.
 */
export class Tree {
  constructor(
    private readonly deps: TreeDeps,
    private readonly top?: OpenNode,
  ) {}

  /** This tree with `folder` as its root: every path is taken inside it. */
  within(folder: OpenNode): Tree {
    if (folder.kind !== 'folder') throw new ValidationError('folder', 'is a file, not a folder');
    return new Tree(this.deps, folder);
  }

  /** The root folder, as an open node. */
  async root(): Promise<OpenNode> {
    if (this.top) return this.top;
    const { hub, keys } = this.deps;
    const info = await hub.call('getNode', { params: { id: keys.rootId }, query: {} });
    return { info, kind: 'folder', key: keys.rootKey, meta: { name: '' } };
  }

  /** A folder of ours that we share carries its writers, so what they wrote opens for us. */
  private async withAuthors(node: OpenNode): Promise<OpenNode> {
    if (node.kind !== 'folder' || node.authors) return node;
    // From our own verified lists and book, not from the hub's mark alone.
    const authors = await this.deps.authorsOf(node.info.id, node.info.shareVersion);
    return authors ? { ...node, authors } : node;
  }

  /** A child the hub served, opened under `parent`, never older than seen before. */
  private async opened(info: NodeInfo, parent: OpenNode & { kind: 'folder' }) {
    const open = await this.withAuthors(await openChild(info, parent));
    await this.deps.pins.opened(info);
    return open;
  }

  /** The live child called `name` of `parent`, or null. */
  async child(parent: OpenNode, name: string): Promise<OpenNode | null> {
    if (parent.kind !== 'folder')
      throw new ValidationError('path', `${parent.meta.name} is a file`);
    const hash = await nameHash(parent.key, name);
    const { nodes } = await this.deps.hub.call('children', {
      params: { id: parent.info.id },
      query: { nameHash: hash, include: 'manifest' },
    });
    const found = nodes[0];
    if (!found) return null;
    if (nodes.length > 1) throw served(`"${name}" more than once in one folder (tampered with)`);
    if (found.parentId !== parent.info.id) throw served('a child of another folder');
    const open = await this.opened(found, parent);
    if (open.meta.name.normalize('NFC') !== name.normalize('NFC')) {
      throw served('a node under another name');
    }
    return open;
  }

  /** The node at `path`; NotFoundError names the first missing part. */
  async resolve(path: string): Promise<OpenNode> {
    let node = await this.root();
    const walked: string[] = [];
    for (const name of splitPath(path)) {
      walked.push(name);
      const next = await this.child(node, name);
      if (!next) throw new NotFoundError(`path: /${walked.join('/')} does not exist`);
      node = next;
    }
    return node;
  }

  async stat(path: string): Promise<Entry> {
    const n = await this.resolve(path);
    return n.info.parentId === null ? { ...toEntry(n), name: '/' } : toEntry(n);
  }

  /** Every live child of a folder, opened and checked; each once (IntegrityError otherwise). */
  async listOpen(folder: OpenNode, include?: 'manifest'): Promise<OpenNode[]> {
    if (folder.kind !== 'folder') throw new ValidationError('path', 'is a file, not a folder');
    const out: OpenNode[] = [];
    let after: string | undefined;
    do {
      const page = await this.deps.hub.call('children', {
        params: { id: folder.info.id },
        query: { limit: 2000, ...(after ? { after } : {}), ...(include ? { include } : {}) },
      });
      for (const info of page.nodes) {
        if (info.parentId !== folder.info.id) throw served('a child of another folder');
        out.push(await this.opened(info, folder));
      }
      after = page.next ?? undefined;
    } while (after);
    refuseDuplicateChildren(out);
    return out;
  }

  /** Creates a folder (and, with `parents`, every missing folder above it). */
  async mkdir(path: string, o: { parents?: boolean } = {}): Promise<Entry> {
    const names = splitPath(path);
    if (names.length === 0) throw new ValidationError('path', 'the root folder already exists');
    let node = await this.root();
    for (const [i, name] of names.entries()) {
      const last = i === names.length - 1;
      const existing = await this.child(node, name);
      if (existing) {
        if (last && !o.parents) throw new ConflictError(`path: /${names.join('/')} already exists`);
        if (existing.kind !== 'folder') {
          throw new ConflictError(`path: /${names.slice(0, i + 1).join('/')} is a file`);
        }
        node = existing;
        continue;
      }
      if (!last && !o.parents) {
        throw new NotFoundError(`path: /${names.slice(0, i + 1).join('/')} does not exist`);
      }
      node = await this.createFolder(node, name);
    }
    return toEntry(node);
  }

  /**
   * The folder at `path`, created with any missing parents. `cache` (path → folder) saves the
   * walk from the root when many folders of one tree are made or used in a row.
   */
  async ensureFolder(path: string, cache: Map<string, OpenNode> = new Map()): Promise<OpenNode> {
    const names = splitPath(path);
    // Start from the deepest folder of the path already in the cache.
    let at = names.length;
    while (at > 0 && !cache.has(names.slice(0, at).join('/'))) at--;
    let node =
      (at > 0 ? cache.get(names.slice(0, at).join('/')) : undefined) ?? (await this.root());
    for (let i = at; i < names.length; i++) {
      const name = names[i] as string;
      const existing = await this.child(node, name);
      if (existing && existing.kind !== 'folder') {
        throw new ConflictError(`path: /${names.slice(0, i + 1).join('/')} is a file`);
      }
      node = existing ?? (await this.createOrJoin(node, name));
      cache.set(names.slice(0, i + 1).join('/'), node);
    }
    return node;
  }

  /** Creates a folder, or uses the one a concurrent upload created under that name first. */
  private async createOrJoin(parent: OpenNode, name: string): Promise<OpenNode> {
    try {
      return await this.createFolder(parent, name);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      const raced = await this.child(parent, name);
      if (raced?.kind !== 'folder') throw e;
      return raced;
    }
  }

  async createFolder(parent: OpenNode, name: string): Promise<OpenNode> {
    if (parent.kind !== 'folder') throw new ValidationError('path', 'parent is a file');
    const id = newNodeId();
    const key = newFolderKey();
    const place = {
      nodeId: id,
      parentId: parent.info.id as NodeId,
      kind: 'folder' as const,
      keyVersion: 1,
    };
    const meta = { name: name.normalize('NFC'), mtime: Date.now() };
    const fields = {
      nameHash: await nameHash(parent.key, meta.name),
      wrappedKey: toBase64Url(await wrapNodeKey(parent.key, key, place)),
      metadata: toBase64Url(await encryptMetadata(key, meta, { nodeId: id, kind: 'folder' })),
    };
    const info = await this.deps.hub.call('createFolder', {
      body: {
        id,
        parentId: parent.info.id,
        ...fields,
        signature: nodeSignature(this.deps.keys, {
          nodeId: id,
          parentId: parent.info.id,
          kind: 'folder',
          ...fields,
        }),
        parentKeyVersion: parent.info.keyVersion ?? 1,
      },
    });
    const made = { info, kind: 'folder' as const, key, meta };
    return parent.authors ? { ...made, authors: parent.authors } : made;
  }

  /**
   * Moves and/or renames. `to` is the new full path; if it names an existing folder, the node
   * moves into it under its own name (like `mv`).
   */
  /** Moves or renames a node; `exec` sets a file's executable bit in its metadata too. */
  async move(from: string, to: string, o: { exec?: boolean } = {}): Promise<Entry> {
    const node = await this.resolve(from);
    if (node.info.parentId === null)
      throw new ValidationError('from', 'cannot move the root folder');
    const target = splitPath(to);
    let parentPath = target.slice(0, -1);
    let name = target.at(-1) ?? node.meta.name;
    const existing = target.length
      ? await this.resolve(to).catch((e: unknown) => {
          if (e instanceof NotFoundError) return null;
          throw e;
        })
      : await this.root();
    const itself = existing?.info.id === node.info.id; // a rename to its own name, say
    if (existing && !itself && existing.kind === 'folder') {
      parentPath = target;
      name = node.meta.name;
    } else if (existing && !itself) {
      throw new ConflictError(`to: ${to} already exists`);
    }
    const parent = await this.resolve(parentPath.join('/'));
    if (parent.kind !== 'folder') throw new ValidationError('to', 'its parent is a file');
    const place = {
      nodeId: node.info.id as NodeId,
      parentId: parent.info.id as NodeId,
      kind: node.kind,
      keyVersion: node.info.keyVersion ?? 1,
    };
    const meta = { ...node.meta, name: name.normalize('NFC') };
    if (o.exec !== undefined && node.kind === 'file') {
      if (o.exec) meta.exec = true;
      else delete meta.exec;
    }
    const fields = {
      nameHash: await nameHash(parent.key, meta.name),
      wrappedKey: toBase64Url(await wrapNodeKey(parent.key, node.key, place)),
      metadata: toBase64Url(
        await encryptMetadata(node.key, meta, { nodeId: place.nodeId, kind: node.kind }),
      ),
    };
    const info = await this.deps.hub.call('updateNode', {
      params: { id: node.info.id },
      body: {
        version: node.info.version,
        parentId: parent.info.id,
        ...fields,
        signature: nodeSignature(this.deps.keys, {
          nodeId: node.info.id,
          parentId: parent.info.id,
          kind: node.kind,
          ...fields,
        }),
        parentKeyVersion: parent.info.keyVersion ?? 1,
      },
    });
    return toEntry({ ...node, info, meta });
  }

  /** Moves the node at `path` to the trash. */
  async trash(path: string): Promise<Entry> {
    const node = await this.resolve(path);
    if (node.info.parentId === null)
      throw new ValidationError('path', 'cannot trash the root folder');
    const info = await this.deps.hub.call('trashNode', {
      params: { id: node.info.id },
      body: { version: node.info.version },
    });
    return toEntry({ ...node, info });
  }

  /**
   * Opens a node by id, walking up to this tree's root to unwrap its key: any node of the
   * account, or (in a tree made by `within`) any node under that folder. Null when the hub
   * does not know it.
   */
  async openById(id: NodeId): Promise<OpenNode | null> {
    const { hub } = this.deps;
    const top = await this.root();
    const chain: NodeInfo[] = [];
    const seen = new Set<string>();
    let cur: string | null = id;
    while (cur && cur !== top.info.id) {
      if (seen.has(cur)) throw served('a cycle in the tree');
      seen.add(cur);
      const info: NodeInfo | null = await hub
        .call('getNode', { params: { id: cur }, query: {} })
        .catch((e) => (e instanceof NotFoundError ? null : Promise.reject(e)));
      if (!info) return null;
      chain.push(info);
      cur = info.parentId;
    }
    if (cur !== top.info.id) {
      if (this.top) throw new NotFoundError(`node ${id}: not under this folder`);
      throw served('a node outside the account tree');
    }
    let node = top;
    for (const info of chain.reverse()) {
      if (node.kind !== 'folder') throw served('a child of a file');
      node = await this.opened(info, node);
    }
    return node;
  }

  /** The path of an open node, from the account's root. */
  async pathOf(node: OpenNode): Promise<string> {
    const names: string[] = [];
    let cur: OpenNode | null = node;
    while (cur && cur.info.parentId !== null) {
      names.unshift(cur.meta.name);
      cur = await this.openById(cur.info.parentId as NodeId);
    }
    return `/${names.join('/')}`;
  }
}
