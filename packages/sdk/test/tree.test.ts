import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  generateIdentity,
  newAccountId,
  newFolderKey,
  newMasterKey,
  newNodeId,
  toBase64Url,
  WRAPPED_KEY_BYTES,
} from '@coffer/crypto';
import { ConflictError, IntegrityError, NotFoundError, ValidationError } from '@coffer/errors';
import type { NodeInfo } from '@coffer/protocol';
import type { AccountKeys } from '../src/keys.ts';
import { Freshness } from '../src/pins.ts';
import { Tree } from '../src/tree.ts';
import { FakeHub } from './fake-hub.ts';

// The tree by path, against an in-memory hub: path resolution, folder creation, moves, and
// the checks on what the hub lists.

function fresh() {
  const keys: AccountKeys = {
    accountId: newAccountId(),
    email: 'alice@example.com',
    masterKey: newMasterKey(),
    identity: generateIdentity(),
    keyVersion: 1,
    rootId: newNodeId(),
    rootKey: newFolderKey(),
  };
  const hub = new FakeHub({
    id: keys.rootId,
    wrappedKey: toBase64Url(new Uint8Array(WRAPPED_KEY_BYTES)),
    metadata: toBase64Url(new Uint8Array(40)),
  });
  const tree = new Tree({ hub, keys, authorsOf: async () => undefined, pins: new Freshness() });
  return { hub, keys, tree };
}

const names = async (tree: Tree, path: string) =>
  (await tree.listOpen(await tree.resolve(path))).map((n) => n.meta.name).sort();

describe('paths', () => {
  test('"/" and "" are the root; names are found one by one', async () => {
    const { tree, keys } = fresh();
    assert.equal((await tree.resolve('/')).info.id, keys.rootId);
    assert.equal((await tree.resolve('')).info.id, keys.rootId);
    await tree.mkdir('/photos/2024', { parents: true });
    const found = await tree.resolve('/photos/2024/');
    assert.equal(found.kind, 'folder');
    assert.equal(found.meta.name, '2024');
    assert.equal((await tree.stat('/')).name, '/');
  });

  test('a missing path names its first missing part', async () => {
    const { tree } = fresh();
    await tree.mkdir('/a');
    await assert.rejects(tree.resolve('/a/b/c'), (e: Error) => {
      assert.ok(e instanceof NotFoundError);
      assert.equal(e.message, 'path: /a/b does not exist');
      return true;
    });
  });

  test('names are compared in NFC, so a decomposed "é" finds the composed one', async () => {
    const { tree } = fresh();
    await tree.mkdir('/caf\u00e9');
    assert.equal((await tree.resolve('/cafe\u0301')).meta.name, 'caf\u00e9');
  });

  test('bad names are a ValidationError on path', async () => {
    const { tree } = fresh();
    await assert.rejects(tree.resolve('/a/../b'), ValidationError);
  });
});

describe('folders', () => {
  test('mkdir refuses what exists and missing parents unless asked', async () => {
    const { tree } = fresh();
    await tree.mkdir('/a');
    await assert.rejects(tree.mkdir('/a'), ConflictError);
    await assert.rejects(tree.mkdir('/x/y'), NotFoundError);
    await tree.mkdir('/a', { parents: true });
    await tree.mkdir('/x/y', { parents: true });
    assert.deepEqual(await names(tree, '/'), ['a', 'x']);
  });

  test('ensureFolder starts from the deepest folder it already knows', async () => {
    const { tree, hub } = fresh();
    const cache = new Map();
    await tree.ensureFolder('/a/b/c', cache);
    hub.calls.length = 0;
    await tree.ensureFolder('/a/b/c/d', cache);
    // Only d is looked up and made: a, b and c come from the cache.
    assert.deepEqual(hub.calls, ['children', 'createFolder']);
  });

  test('move renames, and moves into an existing folder under its own name', async () => {
    const { tree } = fresh();
    await tree.mkdir('/docs/old', { parents: true });
    await tree.mkdir('/archive');
    await tree.move('/docs/old', '/docs/new');
    assert.deepEqual(await names(tree, '/docs'), ['new']);
    await tree.move('/docs/new', '/archive');
    assert.deepEqual(await names(tree, '/archive'), ['new']);
    assert.deepEqual(await names(tree, '/docs'), []);
    await assert.rejects(tree.move('/', '/x'), ValidationError);
  });

  test('within a folder, paths start there', async () => {
    const { tree } = fresh();
    await tree.mkdir('/team/notes', { parents: true });
    const inside = tree.within(await tree.resolve('/team'));
    assert.equal((await inside.resolve('/notes')).meta.name, 'notes');
    await inside.mkdir('/drafts');
    assert.deepEqual(await names(tree, '/team'), ['drafts', 'notes']);
  });
});

describe('a hub that lies about listings', () => {
  const repeatFirst = (name: string, answer: unknown) => {
    if (name !== 'children') return answer;
    const a = answer as { nodes: NodeInfo[] };
    return { ...a, nodes: a.nodes[0] ? [...a.nodes, a.nodes[0]] : a.nodes };
  };

  test('a child listed twice is an IntegrityError naming it', async () => {
    const { tree, hub } = fresh();
    await tree.mkdir('/reports');
    const root = await tree.resolve('/');
    hub.rewrite = repeatFirst;
    await assert.rejects(
      tree.listOpen(root),
      /tree: a folder listing: the hub lists "reports" twice/,
    );
  });

  test('a name lookup answered twice is an IntegrityError', async () => {
    const { tree, hub } = fresh();
    await tree.mkdir('/reports');
    hub.rewrite = repeatFirst;
    await assert.rejects(tree.resolve('/reports'), IntegrityError);
  });

  test('a child of another folder is an IntegrityError', async () => {
    const { tree, hub } = fresh();
    await tree.mkdir('/a/b', { parents: true });
    const b = await tree.resolve('/a/b');
    hub.rewrite = (name, answer) =>
      name === 'children' ? { nodes: [b.info], next: null } : answer;
    await assert.rejects(tree.listOpen(await tree.resolve('/')), /a child of another folder/);
  });

  test('a node moved under another name is an IntegrityError', async () => {
    const { tree, hub } = fresh();
    await tree.mkdir('/a');
    await tree.mkdir('/b');
    const a = await tree.resolve('/a');
    hub.rewrite = (name, answer) =>
      name === 'children' ? { nodes: [a.info], next: null } : answer;
    await assert.rejects(tree.resolve('/b'), /under another name/);
  });
});
