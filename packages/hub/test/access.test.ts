import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ForbiddenError, NotFoundError } from '@coffer/errors';
import { routes } from '@coffer/protocol';
import type { Kysely } from 'kysely';
import type { Caller } from '../src/context.ts';
import { type Database, type Db, openDatabase } from '../src/db/index.ts';
import {
  accessibleChunks,
  ownNode,
  ownShare,
  readableNode,
  refuseChunksOutsideApp,
  shareAccess,
  writableNode,
} from '../src/services/access.ts';
import { confine } from '../src/services/app-scope.ts';
import { addTestAccounts, addTestShare, testNode } from './databases.ts';

// Who may read or write what, on a real (in-memory) database: alice's tree has a shared folder,
// read by bob and written by carol, and a private one; dave is nobody to her.

const id = (n: number) => n.toString(16).padStart(32, '0');
const chunk = (n: number) => n.toString(16).padStart(64, '0');
const caller = (n: number): Caller => ({ accountId: id(n), sessionId: id(50 + n) });
const [alice, bob, carol, dave] = [caller(1), caller(2), caller(3), caller(4)];
const root = id(10);
const shared = id(11);
const sharedSub = id(12);
const sharedFile = id(13);
const privateFolder = id(14);
const privateFile = id(15);
const share = id(20);

async function seed(db: Kysely<Database>) {
  await addTestAccounts(
    db,
    [alice, bob, carol, dave].map((c) => c.accountId),
    root,
  );
  const node = (nodeId: string, parent: string | null, kind: 'file' | 'folder') =>
    testNode(alice.accountId, nodeId, parent, kind);
  await db
    .insertInto('nodes')
    .values([
      node(root, null, 'folder'),
      node(shared, root, 'folder'),
      node(sharedSub, shared, 'folder'),
      node(sharedFile, sharedSub, 'file'),
      node(privateFolder, root, 'folder'),
      node(privateFile, privateFolder, 'file'),
    ])
    .execute();
  await addTestShare(db, { id: share, nodeId: shared, ownerId: alice.accountId }, [
    { accountId: bob.accountId, role: 'read' },
    { accountId: carol.accountId, role: 'write' },
  ]);
  await db
    .insertInto('revision_chunks')
    .values([
      { node_id: sharedFile, revision: 1, position: 0, chunk_id: chunk(1) },
      { node_id: privateFile, revision: 1, position: 0, chunk_id: chunk(2) },
    ])
    .execute();
  await db
    .insertInto('uploads')
    .values({
      id: id(30),
      account_id: dave.accountId,
      request_id: null,
      app_id: null,
      created_at: 0,
      expires_at: 1,
    })
    .execute();
  // An upload an app of dave's opened (the app appOfDave below).
  await db
    .insertInto('uploads')
    .values({
      id: id(31),
      account_id: dave.accountId,
      request_id: null,
      app_id: id(41),
      created_at: 0,
      expires_at: 1,
    })
    .execute();
  await db
    .insertInto('upload_chunks')
    .values([
      { upload_id: id(30), chunk_id: chunk(3), size: 1, policy: null },
      { upload_id: id(31), chunk_id: chunk(5), size: 1, policy: null },
    ])
    .execute();
}

describe('access rules', () => {
  let database: Db;
  let db: Kysely<Database>;
  before(async () => {
    database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    db = database.kysely;
    await seed(db);
  });
  after(() => database.close());

  const missing = (e: unknown) => e instanceof NotFoundError;
  const forbidden = (e: unknown) => e instanceof ForbiddenError;

  test('ownNode: only the owner finds a node; to anyone else it is missing, not forbidden', async () => {
    assert.equal((await ownNode(db, alice, sharedFile)).id, sharedFile);
    await assert.rejects(ownNode(db, bob, sharedFile), missing);
    await assert.rejects(ownNode(db, dave, privateFile, 'nodeId'), /nodeId: no such file/);
  });

  test('shareAccess: the nearest share above a node, with the caller’s role in it', async () => {
    assert.equal((await shareAccess(db, alice, sharedFile))?.role, 'owner');
    assert.equal((await shareAccess(db, bob, sharedFile))?.role, 'read');
    assert.equal((await shareAccess(db, carol, shared))?.role, 'write');
    assert.equal((await shareAccess(db, carol, sharedFile))?.share.id, share);
    assert.equal(await shareAccess(db, dave, sharedFile), null);
    assert.equal(await shareAccess(db, alice, privateFile), null);
  });

  test('readableNode: the owner and the share’s members read; nobody else finds anything', async () => {
    for (const c of [alice, bob, carol]) {
      assert.equal((await readableNode(db, c, sharedFile)).id, sharedFile);
    }
    await assert.rejects(readableNode(db, dave, sharedFile), missing);
    await assert.rejects(readableNode(db, bob, privateFile), missing);
    await assert.rejects(readableNode(db, bob, id(99)), missing);
  });

  test('writableNode: the owner and write members; a reader is forbidden, others find nothing', async () => {
    assert.equal((await writableNode(db, alice, privateFile)).id, privateFile);
    assert.equal((await writableNode(db, carol, sharedFile)).id, sharedFile);
    await assert.rejects(writableNode(db, bob, sharedFile), forbidden);
    await assert.rejects(writableNode(db, dave, sharedFile), missing);
    await assert.rejects(writableNode(db, carol, privateFile), missing);
  });

  test('writableNode: the shared folder itself stays its owner’s, unless writing into it', async () => {
    await assert.rejects(writableNode(db, carol, shared), forbidden);
    assert.equal((await writableNode(db, carol, shared, 'id', { shareRootToo: true })).id, shared);
    await assert.rejects(writableNode(db, bob, shared, 'id', { shareRootToo: true }), forbidden);
  });

  test('ownShare: only the owner finds the share', async () => {
    assert.equal((await ownShare(db, alice, share)).node_id, shared);
    await assert.rejects(ownShare(db, bob, share), missing);
  });

  test('accessibleChunks: chunks of one’s uploads, one’s files and files shared with one', async () => {
    const all = [chunk(1), chunk(2), chunk(3), chunk(4)];
    assert.deepEqual([...(await accessibleChunks(db, alice, all))].sort(), [chunk(1), chunk(2)]);
    assert.deepEqual([...(await accessibleChunks(db, bob, all))], [chunk(1)]);
    assert.deepEqual([...(await accessibleChunks(db, dave, all))], [chunk(3)]);
  });

  // [Note: App scope]: an app of alice's granted `shared`, read-write or read-only.
  const writer = { id: id(40), folderId: shared, access: 'readwrite' as const };
  const reader = { ...writer, access: 'read' as const };
  const appOfAlice = { ...alice, app: writer };

  test('confine: the folder and what is under it, never outside; unknown ids pass on', async () => {
    await confine(db, 'getNode', routes.getNode, writer, { params: { id: sharedFile } });
    await confine(db, 'children', routes.children, reader, { params: { id: shared } });
    await confine(db, 'getNode', routes.getNode, reader, { params: { id: id(99) } });
    await assert.rejects(
      confine(db, 'getNode', routes.getNode, writer, { params: { id: privateFile } }),
      /params\.id: outside the folder/,
    );
    await assert.rejects(
      confine(db, 'children', routes.children, writer, { params: { id: root } }),
      forbidden,
    );
  });

  test('confine: no moving out, no touching the folder itself, no writes read-only', async () => {
    const update = (nodeId: string, parentId: string) => ({
      params: { id: nodeId },
      body: { parentId },
    });
    await confine(db, 'updateNode', routes.updateNode, writer, update(sharedFile, shared));
    await assert.rejects(
      confine(db, 'updateNode', routes.updateNode, writer, update(sharedFile, privateFolder)),
      /body\.parentId: outside/,
    );
    await assert.rejects(
      confine(db, 'updateNode', routes.updateNode, writer, update(shared, shared)),
      /params\.id: outside/,
    );
    await assert.rejects(
      confine(db, 'createFolder', routes.createFolder, reader, { body: { parentId: shared } }),
      /read-only/,
    );
    const commit = { body: { files: [{ nodeId: privateFile, parentId: shared }] } };
    await assert.rejects(
      confine(db, 'commitUpload', routes.commitUpload, writer, commit),
      /body\.files\.nodeId: outside/,
    );
    await assert.rejects(
      confine(db, 'contactBook', routes.contactBook, writer, {}),
      /not open to app tokens/,
    );
  });

  // [Note: App chunks]
  const appOfDave = { ...dave, app: { ...writer, id: id(41), folderId: id(98) } };

  test('accessibleChunks: an app reaches the chunks under its folder and of its own uploads only', async () => {
    const all = [chunk(1), chunk(2), chunk(3), chunk(4), chunk(5)];
    assert.deepEqual([...(await accessibleChunks(db, appOfAlice, all))], [chunk(1)]);
    // Not chunk 3: that upload is dave's own client's, not the app's.
    assert.deepEqual([...(await accessibleChunks(db, appOfDave, all))], [chunk(5)]);
    assert.deepEqual([...(await accessibleChunks(db, dave, all))].sort(), [chunk(3), chunk(5)]);
  });

  test('refuseChunksOutsideApp: 403 for chunks the hub knows outside the app’s scope', async () => {
    const field = (i: number) => `ids.${i}`;
    await refuseChunksOutsideApp(db, appOfAlice, [chunk(1), chunk(9)], field);
    await refuseChunksOutsideApp(db, appOfDave, [chunk(5)], field);
    await refuseChunksOutsideApp(db, dave, [chunk(1), chunk(2)], field);
    await assert.rejects(
      refuseChunksOutsideApp(db, appOfAlice, [chunk(1), chunk(2)], field),
      /ids\.1: a chunk outside the folder/,
    );
    await assert.rejects(refuseChunksOutsideApp(db, appOfDave, [chunk(3)], field), forbidden);
  });
});
