import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  encryptMetadata,
  type FolderKey,
  type NodeId,
  nameHash,
  newFileKey,
  newFolderKey,
  newNodeId,
  toBase64Url,
  wrapNodeKey,
} from '@coffer/crypto';
import { IntegrityError } from '@coffer/errors';
import type { NodeInfo } from '@coffer/protocol';
import {
  alice,
  bob,
  bobAccount,
  CONTENT,
  changed,
  flip,
  id,
  lie,
  onChildren,
  onNode,
  randomHex,
  survives,
  via,
} from './fixture.ts';

// A hub that tampers with the tree, caught on list and stat (see fixture.ts).

describe('a hub that tampers with the tree is caught on list, stat and download', () => {
  const listDocs = () => via.list('/docs').then((l) => l.map((e) => e.name));
  const docsNames = (names: string[]) =>
    assert.deepEqual(names, ['a.txt', 'b.txt', 'big.bin', 'multi.txt']);
  const statA = () => via.stat('/docs/a.txt');
  const isA = (e: { name: string; size: number }) => {
    assert.equal(e.name, 'a.txt');
    assert.equal(e.size, CONTENT.a.length);
  };

  // One field of a.txt changed wherever the hub serves it.
  const fieldCases: [string, (n: NodeInfo) => NodeInfo][] = [
    ['wrappedKey flipped', (n) => ({ ...n, wrappedKey: flip(n.wrappedKey) })],
    ['metadata flipped', (n) => ({ ...n, metadata: flip(n.metadata) })],
    [
      'metadata flipped in its last byte (the tag)',
      (n) => ({ ...n, metadata: flip(n.metadata, 1) }),
    ],
    ['nameHash changed', (n) => ({ ...n, nameHash: randomHex(64) })],
    ['parentId changed to another folder', (n) => ({ ...n, parentId: id.other })],
    ['parentId changed to a made-up folder', (n) => ({ ...n, parentId: randomHex(32) })],
    ['kind changed from file to folder', (n) => ({ ...n, kind: 'folder', revision: null })],
    ['id changed to a made-up id', (n) => ({ ...n, id: randomHex(32) })],
    ["id changed to b.txt's", (n) => ({ ...n, id: id.b })],
    ["wrappedKey replaced with b.txt's", (n) => ({ ...n, wrappedKey: bNode.wrappedKey })],
    ["metadata replaced with b.txt's", (n) => ({ ...n, metadata: bNode.metadata })],
    [
      "wrappedKey, metadata and nameHash replaced with b.txt's",
      (n) => ({
        ...n,
        wrappedKey: bNode.wrappedKey,
        metadata: bNode.metadata,
        nameHash: bNode.nameHash,
      }),
    ],
  ];
  let bNode: NodeInfo;
  before(async () => {
    bNode = await alice.hub.call('getNode', { params: { id: id.b }, query: {} });
  });

  for (const [what, edit] of fieldCases) {
    test(`a.txt's ${what}: stat → IntegrityError`, async () => {
      await lie({ op: statA, check: isA, hub: onNode(id.a, edit), expected: IntegrityError });
    });
    test(`a.txt's ${what}: list → IntegrityError`, async () => {
      await lie({
        op: listDocs,
        check: docsNames,
        hub: onNode(id.a, edit),
        expected: IntegrityError,
      });
    });
  }

  test('a child listed twice: list → IntegrityError naming it, never two entries', async () => {
    await lie({
      op: listDocs,
      check: docsNames,
      hub: onChildren(id.docs, (nodes, search) => {
        if (search.includes('nameHash')) return undefined;
        const a = nodes.find((n) => n.id === id.a);
        return a ? changed([...nodes, a]) : undefined;
      }),
      expected: IntegrityError,
      message: /"a\.txt" twice/,
    });
  });

  test('a name lookup answered with the child twice: stat → IntegrityError', async () => {
    await lie({
      op: statA,
      check: isA,
      hub: onChildren(id.docs, (nodes, search) =>
        search.includes('nameHash') && nodes[0] ? changed([nodes[0], nodes[0]]) : undefined,
      ),
      expected: IntegrityError,
    });
  });

  test('b.txt kind changed from file to folder, with a folder-looking node: list → IntegrityError', async () => {
    await lie({
      op: listDocs,
      check: docsNames,
      hub: onNode(id.b, (n) => ({ ...n, kind: 'folder', revision: null, size: 0 })),
      expected: IntegrityError,
    });
  });

  test('a folder served as a file: stat /other/c.txt → IntegrityError', async () => {
    await lie({
      op: () => via.stat('/other/c.txt'),
      check: (e) => assert.equal(e.name, 'c.txt'),
      hub: onNode(id.other, (n) => ({ ...n, kind: 'file', revision: 1 })),
      expected: IntegrityError,
    });
  });

  test('two children with their wrapped keys and metadata swapped: list → IntegrityError', async () => {
    await lie({
      op: listDocs,
      check: docsNames,
      hub: onChildren(id.docs, (nodes) => {
        const a = nodes.find((n) => n.id === id.a) as NodeInfo;
        const b = nodes.find((n) => n.id === id.b) as NodeInfo;
        return nodes.map((n) =>
          n === a
            ? changed({ ...a, wrappedKey: b.wrappedKey, metadata: b.metadata })
            : n === b
              ? { ...b, wrappedKey: a.wrappedKey, metadata: a.metadata }
              : n,
        );
      }),
      expected: IntegrityError,
    });
  });

  test('a child of another folder served in a listing, as it is: list → IntegrityError', async () => {
    const c = await alice.hub.call('getNode', { params: { id: id.c }, query: {} });
    await lie({
      op: listDocs,
      check: docsNames,
      hub: onChildren(id.docs, (nodes) => changed([...nodes, c])),
      expected: IntegrityError,
      message: /another folder/,
    });
  });

  test('a child of another folder served in a listing, with its parentId rewritten: list → IntegrityError', async () => {
    const c = await alice.hub.call('getNode', { params: { id: id.c }, query: {} });
    await lie({
      op: listDocs,
      check: docsNames,
      hub: onChildren(id.docs, (nodes) => changed([...nodes, { ...c, parentId: id.docs }])),
      expected: IntegrityError,
    });
  });

  test("another folder's file served for a name lookup: stat /docs/a.txt → IntegrityError", async () => {
    const c = await alice.hub.call('getNode', { params: { id: id.c }, query: {} });
    await lie({
      op: statA,
      check: isA,
      hub: onChildren(id.docs, (nodes, search) =>
        search.includes('nameHash=') ? changed([{ ...c, parentId: id.docs }]) : nodes,
      ),
      expected: IntegrityError,
    });
  });

  test('a sibling served for a name lookup (b.txt asked as a.txt): stat → IntegrityError', async () => {
    await lie({
      op: statA,
      check: isA,
      hub: onChildren(id.docs, (nodes, search) =>
        search.includes('nameHash=') ? changed([bNode]) : nodes,
      ),
      expected: IntegrityError,
    });
  });

  test("another account's file served in a listing: list → IntegrityError", async () => {
    const bobs = (await bob.hub.call('children', { params: { id: bobAccount.rootId }, query: {} }))
      .nodes[0] as NodeInfo;
    await lie({
      op: listDocs,
      check: docsNames,
      hub: onChildren(id.docs, (nodes) => changed([...nodes, { ...bobs, parentId: id.docs }])),
      expected: IntegrityError,
    });
  });

  test('the root answered with another folder: list / → IntegrityError', async () => {
    await lie({
      op: () => via.list('/').then((l) => l.map((e) => e.name)),
      check: (names) => assert.deepEqual(names, ['docs', 'other', 'packed']),
      hub: (path, _m, json) =>
        path === `/api/nodes/${id.root}` ? changed({ ...(json as NodeInfo), id: id.other }) : json,
      expected: IntegrityError,
    });
  });

  /** A node the hub made up: a well-formed file under a parent key it invented. */
  async function planted(
    parentId: string,
    name: string,
    kind: 'file' | 'folder',
  ): Promise<NodeInfo> {
    const fakeParentKey: FolderKey = newFolderKey();
    const nodeId = newNodeId();
    const key = kind === 'file' ? newFileKey() : newFolderKey();
    const place = { nodeId, parentId: parentId as NodeId, kind, keyVersion: 1 };
    const now = Date.now();
    return {
      id: nodeId,
      parentId,
      kind,
      wrappedKey: toBase64Url(await wrapNodeKey(fakeParentKey, key, place)),
      metadata: toBase64Url(
        await encryptMetadata(key, { name, size: 5, mtime: now }, { nodeId, kind }),
      ),
      nameHash: await nameHash(fakeParentKey, name),
      version: 1,
      revision: kind === 'file' ? 1 : null,
      size: 50,
      trashedAt: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  test('a file planted in a listing, encrypted under a key the hub made up: list → IntegrityError', async () => {
    const node = await planted(id.docs, 'planted.txt', 'file');
    await lie({
      op: listDocs,
      check: docsNames,
      hub: onChildren(id.docs, (nodes) => changed([...nodes, node])),
      expected: IntegrityError,
    });
  });

  test('a folder planted in the root listing: list / → IntegrityError', async () => {
    const node = await planted(id.root, 'planted', 'folder');
    await lie({
      op: () => via.list('/').then((l) => l.map((e) => e.name)),
      check: (names) => assert.deepEqual(names, ['docs', 'other', 'packed']),
      hub: onChildren(id.root, (nodes) => changed([node, ...nodes])),
      expected: IntegrityError,
    });
  });

  test('a planted file served for a name lookup: stat → IntegrityError', async () => {
    const node = await planted(id.docs, 'a.txt', 'file');
    await lie({
      op: statA,
      check: isA,
      hub: onChildren(id.docs, (nodes, search) =>
        search.includes('nameHash=') ? changed([node]) : nodes,
      ),
      expected: IntegrityError,
    });
  });

  test('a trashed file with its metadata flipped: the trash listing → IntegrityError', async () => {
    await lie({
      op: () => via.listTrash().then((t) => t.map((e) => `${e.from}/${e.name}`)),
      check: (names) => assert.deepEqual(names, ['/docs/trashed.txt']),
      hub: onNode(id.trashed, (n) => ({ ...n, metadata: flip(n.metadata) })),
      expected: IntegrityError,
    });
  });

  test('a file planted in the trash listing: → IntegrityError', async () => {
    const node = await planted(id.docs, 'planted.txt', 'file');
    await lie({
      op: () => via.listTrash().then((t) => t.map((e) => `${e.from}/${e.name}`)),
      check: (names) => assert.deepEqual(names, ['/docs/trashed.txt']),
      hub: (path, _m, json) =>
        path === '/api/trash'
          ? changed({
              nodes: [...(json as { nodes: NodeInfo[] }).nodes, { ...node, trashedAt: 1 }],
            })
          : json,
      expected: IntegrityError,
    });
  });

  test('the nameHash of a child nulled: list still shows only the true names', async () => {
    // The name hash only helps the hub find children; the name itself is authenticated in
    // the metadata and the key wrap binds the node to its folder, so nothing false gets in.
    await survives({
      op: listDocs,
      check: docsNames,
      hub: onNode(id.a, (n) => ({ ...n, nameHash: null })),
    });
  });

  // ---- manifests ----
});
