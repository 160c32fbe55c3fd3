import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IntegrityError } from '@coffer/errors';
import type { NodeInfo } from '@coffer/protocol';
import { CofferClient } from '@coffer/sdk';
import {
  aliceSaved,
  bob,
  bobAccount,
  CONTENT,
  changed,
  chunk,
  download,
  FAST,
  flip,
  hubProxy,
  id,
  lie,
  manifest,
  multiAtRev1,
  onNode,
  readAll,
  sameBytes,
  survives,
  via,
} from './fixture.ts';

// A hub that tampers with manifests and revisions, caught on download and versions (see
// fixture.ts).

describe('a hub that tampers with manifests and revisions is caught on download and versions', () => {
  const readA = () => download('/docs/a.txt');

  const onManifestOf = (nodeId: string, edit: (n: NodeInfo) => NodeInfo) =>
    onNode(nodeId, (n) => (n.manifest ? edit(n) : n));

  test('a manifest flipped: download → IntegrityError', async () => {
    await lie({
      op: readA,
      check: sameBytes(CONTENT.a),
      hub: onManifestOf(id.a, (n) => ({ ...n, manifest: flip(n.manifest as string) })),
      expected: IntegrityError,
      message: /manifest/,
    });
  });

  test('a manifest flipped does not change what stat shows: the metadata is checked on its own', async () => {
    // stat never opens the manifest; it shows the authenticated metadata, which is intact.
    await survives({
      op: () => via.stat('/docs/a.txt').then((e) => [e.name, e.size]),
      check: (v) => assert.deepEqual(v, ['a.txt', CONTENT.a.length]),
      hub: onManifestOf(id.a, (n) => ({ ...n, manifest: flip(n.manifest as string) })),
    });
  });

  test("a manifest replaced with another file's: download → IntegrityError", async () => {
    await lie({
      op: readA,
      check: sameBytes(CONTENT.a),
      hub: onManifestOf(id.a, (n) => ({ ...n, manifest: manifest.b })),
      expected: IntegrityError,
    });
  });

  test("another account's manifest: download → IntegrityError", async () => {
    const bobs = (
      await bob.hub.call('children', {
        params: { id: bobAccount.rootId },
        query: { include: 'manifest' },
      })
    ).nodes[0]?.manifest as string;
    await lie({
      op: readA,
      check: sameBytes(CONTENT.a),
      hub: onManifestOf(id.a, (n) => ({ ...n, manifest: bobs })),
      expected: IntegrityError,
    });
  });

  test("an older revision's manifest served as the current revision: download → IntegrityError", async () => {
    await lie({
      op: () => download('/docs/multi.txt'),
      check: sameBytes(CONTENT.multi2),
      hub: onManifestOf(id.multi, (n) => ({ ...n, manifest: manifest.multi1 })),
      expected: IntegrityError,
    });
  });

  test('the current revision number changed (the manifest says otherwise): download → IntegrityError', async () => {
    await lie({
      op: () => download('/docs/multi.txt'),
      check: sameBytes(CONTENT.multi2),
      hub: onManifestOf(id.multi, (n) => ({ ...n, revision: 3 })),
      expected: IntegrityError,
    });
  });

  test('a manifest missing from the answer: download still reads it (asked again), right bytes', async () => {
    await survives({
      op: readA,
      check: sameBytes(CONTENT.a),
      hub: onManifestOf(id.a, ({ manifest: _, ...n }) => n),
    });
  });

  test('a past revision asked for, with the current manifest served in its place: download → IntegrityError', async () => {
    await lie({
      op: () => download('/docs/multi.txt', { revision: 1 }),
      check: sameBytes(CONTENT.multi1),
      hub: (path, _m, json) => {
        if (path !== `/api/nodes/${id.multi}/revisions`) return json;
        const body = json as { revisions: { revision: number; manifest: string }[] };
        return {
          revisions: body.revisions.map((r) =>
            r.revision === 1 ? changed({ ...r, manifest: manifest.multi2 }) : r,
          ),
        };
      },
      expected: IntegrityError,
    });
  });

  test('revisions with their manifests swapped: versions → IntegrityError', async () => {
    await lie({
      op: () => via.versions('/docs/multi.txt').then((v) => v.map((x) => [x.revision, x.size])),
      check: (v) =>
        assert.deepEqual(v, [
          [2, CONTENT.multi2.length],
          [1, CONTENT.multi1.length],
        ]),
      hub: (path, _m, json) => {
        if (path !== `/api/nodes/${id.multi}/revisions`) return json;
        const body = json as { revisions: { revision: number; manifest: string }[] };
        return changed({
          revisions: body.revisions.map((r) => ({
            ...r,
            manifest: r.revision === 1 ? manifest.multi2 : manifest.multi1,
          })),
        });
      },
      expected: IntegrityError,
    });
  });

  const versionsOfMulti = () =>
    via.versions('/docs/multi.txt').then((v) => v.map((x) => [x.revision, x.current]));
  const multiVersions = (v: (number | boolean)[][]) =>
    assert.deepEqual(v, [
      [2, true],
      [1, false],
    ]);

  test('an older revision called current: versions → IntegrityError, as download', async () => {
    await lie({
      op: versionsOfMulti,
      check: multiVersions,
      hub: onManifestOf(id.multi, (n) => ({ ...n, revision: 1, manifest: manifest.multi1 })),
      expected: IntegrityError,
    });
  });

  test('a revision listed twice: versions → IntegrityError naming it', async () => {
    await lie({
      op: versionsOfMulti,
      check: multiVersions,
      hub: (path, _m, json) => {
        if (path !== `/api/nodes/${id.multi}/revisions`) return json;
        const body = json as { revisions: unknown[] };
        return changed({ revisions: [...body.revisions, body.revisions[0]] });
      },
      expected: IntegrityError,
      message: /revision 2 twice/,
    });
  });

  test("a revision's chunkIds rewritten: download of that revision ignores them, right bytes", async () => {
    // The client reads the chunk list from the signed manifest, never from the hub's list.
    await survives({
      op: () => download('/docs/multi.txt', { revision: 1 }),
      check: sameBytes(CONTENT.multi1),
      hub: (path, _m, json) => {
        if (path !== `/api/nodes/${id.multi}/revisions`) return json;
        const body = json as { revisions: { chunkIds: string[] }[] };
        return changed({ revisions: body.revisions.map((r) => ({ ...r, chunkIds: [chunk.b] })) });
      },
    });
  });

  test('a rollback: the current metadata with the previous revision and its manifest → IntegrityError', async () => {
    await lie({
      op: () => download('/docs/multi.txt'),
      check: sameBytes(CONTENT.multi2),
      hub: onManifestOf(id.multi, (n) => ({ ...n, revision: 1, manifest: manifest.multi1 })),
      expected: IntegrityError,
    });
  });

  // Read when a test runs: the ids are known only after the fixture's `before`.
  const fullRollback = () =>
    onManifestOf(id.multi, () => ({ ...multiAtRev1, manifest: manifest.multi1 }));

  test('a full rollback of a file to an answer the hub kept from before, once revision 2 was read: IntegrityError (rolled back)', async () => {
    // Node, metadata and manifest all from revision 1, as the hub once served them: each
    // verifies, but this client has verified revision 2 ([Note: Freshness pins]).
    await lie({
      op: () => download('/docs/multi.txt'),
      check: sameBytes(CONTENT.multi2),
      hub: fullRollback(),
      expected: IntegrityError,
      message: /revision 1, older than revision 2 seen before \(rolled back\)/,
    });
  });

  test('the same rollback to a client with no history: the old bytes, consistently', async () => {
    // Indistinguishable from the past without state; what matters is that what comes back
    // is exactly what was once written, never a mix.
    const fresh = () =>
      CofferClient.resume({ ...aliceSaved, hubUrl: hubProxy.url }, { retry: FAST });
    await survives({
      op: async () => {
        const client = await fresh();
        const e = await client.stat('/docs/multi.txt');
        return {
          size: e.size,
          bytes: await readAll((await client.download('/docs/multi.txt')).stream),
        };
      },
      check: (v) => assert.equal(v.size, v.bytes.length),
      hub: fullRollback(),
    });
  });
});
