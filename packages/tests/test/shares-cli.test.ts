import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CofferClient, type OpenNode } from '@coffer/sdk';
import { cli, type Network, onEachDatabase, startNetwork, tempDir } from '../src/index.ts';

// Folder shares through the CLI: coffer share, shares, unshare, and shared:NAME/ paths.

const password = 'correct horse battery staple';
onEachDatabase('folder shares through the CLI', (dialect) => {
  let net: Network;
  let alice: CofferClient;
  const enc = (s: string) => new TextEncoder().encode(s);

  async function signup(email: string) {
    return (await CofferClient.signup({ hubUrl: net.hubUrl, email, password })).client;
  }

  async function bytesOf(client: CofferClient, file: OpenNode) {
    const { stream } = await client.download(file);
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  before(async () => {
    net = await startNetwork({ hosts: 2, dialect });
    alice = await signup('alice@example.com');
    await signup('bob@example.com');
    await alice.upload('/team/plan.txt', enc('the plan'), { parents: true });
    await alice.shares.share('/team', 'bob@example.com', 'read');
  });

  after(async () => {
    await net?.close();
  });

  describe('shares through the CLI', () => {
    let env: Record<string, string>;
    before(async () => {
      env = { ...net.env, COFFER_CONFIG_DIR: await tempDir(), COFFER_PASSWORD: password };
      const r = await cli(['login', 'alice@example.com'], env);
      assert.equal(r.code, 0, r.stderr);
    });

    test('coffer share and coffer shares', async () => {
      const dave = await signup('dave@example.com');
      await alice.upload('/drafts/one.txt', enc('one'), { parents: true });
      const shared = await cli(['share', '/drafts', 'dave@example.com', '--write'], env);
      assert.equal(shared.code, 0, shared.stderr);
      assert.match(shared.stdout, /\/drafts is shared with dave@example.com \(read-write\)/);
      const listed = await cli(['shares'], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /\/drafts {2}shared with dave@example.com \(write\)/);
      assert.match(listed.stdout, /\/team {2}shared with .*bob@example.com \(read\)/);
      const [drafts] = await dave.shares.incoming();
      assert.equal(drafts?.folder.meta.name, 'drafts');
      assert.equal(drafts?.role, 'write');
      const daveEnv = { ...env, COFFER_CONFIG_DIR: await tempDir() };
      assert.equal((await cli(['login', 'dave@example.com'], daveEnv)).code, 0);
      const incoming = await cli(['shares', '--json'], daveEnv);
      assert.equal(incoming.code, 0, incoming.stderr);
      const got = incoming.json<{ incoming: { name: string; role: string }[] }>().incoming;
      assert.deepEqual(
        got.map((s) => [s.name, s.role]),
        [['drafts', 'write']],
      );

      // Dave works in the shared folder from the CLI, as shared:drafts/...
      const ls = await cli(['ls', 'shared:drafts'], daveEnv);
      assert.equal(ls.code, 0, ls.stderr);
      assert.match(ls.stdout, /one\.txt/);
      const local = join(await tempDir(), 'two.txt');
      await writeFile(local, 'two from dave');
      const put = await cli(['put', local, 'shared:drafts/two.txt'], daveEnv);
      assert.equal(put.code, 0, put.stderr);
      const mk = await cli(['mkdir', 'shared:drafts/sub'], daveEnv);
      assert.equal(mk.code, 0, mk.stderr);
      const mv = await cli(['mv', 'shared:drafts/two.txt', 'shared:drafts/sub/two.txt'], daveEnv);
      assert.equal(mv.code, 0, mv.stderr);
      const out = join(await tempDir(), 'one.txt');
      const get = await cli(['get', 'shared:drafts/one.txt', out], daveEnv);
      assert.equal(get.code, 0, get.stderr);
      assert.equal(await readFile(out, 'utf8'), 'one');
      assert.deepEqual(
        await bytesOf(alice, await alice.resolve('/drafts/sub/two.txt')),
        enc('two from dave'),
      );
      const across = await cli(['mv', 'shared:drafts/one.txt', '/mine.txt'], daveEnv);
      assert.equal(across.code, 2);
      assert.match(across.stderr, /TO: a move stays within/);
      const nope = await cli(['ls', 'shared:nope'], daveEnv);
      assert.equal(nope.code, 4);
      assert.match(nope.stderr, /no folder called "nope" is shared with you/);
      // Bob may only read /team: the hub refuses his upload, exit code 3.
      const bobEnv = { ...env, COFFER_CONFIG_DIR: await tempDir() };
      assert.equal((await cli(['login', 'bob@example.com'], bobEnv)).code, 0);
      const refused = await cli(['put', local, 'shared:team/two.txt'], bobEnv);
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(refused.stderr, /shared with you read-only/);

      const missing = await cli(['share', '/drafts'], env);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /EMAIL/);
      const nobody = await cli(['share', '/drafts', 'nobody@example.com'], env);
      assert.equal(nobody.code, 4);
      const file = await cli(['share', '/drafts/one.txt', 'dave@example.com'], env);
      assert.equal(file.code, 2);
      assert.match(file.stderr, /path: is a file/);

      // Alice takes Dave off: the folder's keys are rotated and Dave finds nothing.
      const off = await cli(['unshare', '/drafts', 'dave@example.com'], env);
      assert.equal(off.code, 0, off.stderr);
      assert.match(off.stdout, /dave@example.com is off \/drafts; its keys are rotated/);
      const gone = await cli(['ls', 'shared:drafts'], daveEnv);
      assert.equal(gone.code, 4);
      const again = await cli(['unshare', '/drafts', 'dave@example.com'], env);
      assert.equal(again.code, 4);
      assert.match(again.stderr, /not shared/);
      assert.deepEqual(
        await bytesOf(alice, await alice.resolve('/drafts/sub/two.txt')),
        enc('two from dave'),
      );
    });
  });
});
