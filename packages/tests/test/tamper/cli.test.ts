import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { NodeInfo } from '@coffer/protocol';
import { cli, type JsonRewrite, tempDir } from '@coffer/tests';
import {
  aliceSaved,
  bobAccount,
  CONTENT,
  changed,
  hubProxy,
  id,
  install,
  resetProxies,
} from './fixture.ts';

// What the CLI says when the hub lies: exit 6 (integrity), a message that says the hub's answer
// failed verification, the technical part only in --json, and never a crash.

describe('the CLI on a lying hub: exit 6, in words a user understands', () => {
  let env: Record<string, string>;
  let out: string;

  before(async () => {
    const config = await tempDir();
    out = await tempDir();
    await mkdir(config, { recursive: true, mode: 0o700 });
    await writeFile(
      join(config, 'session.json'),
      JSON.stringify({ ...aliceSaved, hubUrl: hubProxy.url }),
      { mode: 0o600 },
    );
    env = { COFFER_CONFIG_DIR: config, COFFER_HUB: hubProxy.url };
  });

  /** Runs the CLI with the lie installed (and honestly first: it must succeed then). */
  async function lying(args: string[], hub: JsonRewrite) {
    resetProxies();
    const honest = await cli(args, env);
    assert.equal(honest.code, 0, `honestly: ${honest.stderr}`);
    install({ hub });
    try {
      return await cli(args, env);
    } finally {
      resetProxies();
    }
  }

  const docsListing = (edit: (nodes: NodeInfo[]) => NodeInfo[]) =>
    ((path, _m, json, req) => {
      if (path !== `/api/nodes/${id.docs}/children` || req.search.includes('nameHash')) return json;
      const body = json as { nodes: NodeInfo[] };
      return { ...body, nodes: changed(edit(body.nodes)) };
    }) satisfies JsonRewrite;

  test('get of a folder whose listing names a file twice: exit 6 naming it, no crash', async () => {
    const dest = join(out, 'docs-twice');
    const r = await lying(
      ['get', '/docs', dest],
      docsListing((nodes) => [...nodes, nodes.find((n) => n.id === id.a) as NodeInfo]),
    );
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /"a\.txt" twice/);
    assert.doesNotMatch(r.stderr, /ENOENT|rename|at .*\.ts:/);
    // The honest run wrote the files; the lying one changed none of them.
    assert.deepEqual(await readFile(join(dest, 'a.txt')), Buffer.from(CONTENT.a));
  });

  test('an answer that does not match the protocol: the message says so, --json keeps the detail', async () => {
    const r = await lying(
      ['ls', '/docs', '--json'],
      docsListing((nodes) => nodes.map((n) => ({ ...n, keyVersion: 0 }))),
    );
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /the hub's answer fails verification/);
    assert.doesNotMatch(r.stderr, /Too small/);
    const { error } = JSON.parse(r.stdout) as {
      error: { code: string; message: string; detail?: string };
    };
    assert.equal(error.code, 'integrity');
    assert.match(error.detail ?? '', /nodes\.0\.keyVersion/);
  });

  test('versions with an older revision called current: exit 6', async () => {
    const r = await lying(['versions', '/docs/multi.txt'], (path, _m, json) => {
      const body = json as { nodes?: NodeInfo[] };
      if (!path.endsWith('/children') || !body.nodes) return json;
      return {
        ...body,
        nodes: body.nodes.map((n) => (n.id === id.multi ? changed({ ...n, revision: 1 }) : n)),
      };
    });
    assert.equal(r.code, 6, r.stderr);
    // `get /docs` above verified revision 2, and the config dir keeps that pin: rolled back.
    assert.match(r.stderr, /rolled back|not the revision its metadata describes/);
  });

  test('a session answered with another account: exit 6, not "log in again"', async () => {
    const r = await lying(['whoami'], (path, _m, json) =>
      path === '/api/account' ? changed(structuredClone(bobAccount)) : json,
    );
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /another account than the one this session is for/);
  });
});
