import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CofferClient, QuotaError } from '@coffer/sdk';
import { cli, type Network, startNetwork, tempDir } from '../src/index.ts';

// [Note: Account quota]: an operator's per-account quota and donation link, through the SDK,
// the HTTP API and the CLI. Uploads past the quota are refused with the figures, and leave
// nothing half-written; the trash counts until it is emptied.

const password = 'correct horse battery staple';
const QUOTA = 1024 * 1024;
const DONATE = 'https://example.org/support-coffer';
const bytes = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * 31 + seed) % 251);
const refusedWith = (used: number) => (e: unknown) =>
  e instanceof QuotaError &&
  e.figures?.used === used &&
  e.figures.quota === QUOTA &&
  /^quota exceeded: .* of 1\.0 MiB used, and this upload needs/.test(e.message);

describe('account quota and donation link', () => {
  let net: Network;
  const signup = async (email: string) =>
    (await CofferClient.signup({ hubUrl: net.hubUrl, email, password })).client;

  before(async () => {
    net = await startNetwork({
      hosts: 2,
      hubConfig: { accountQuota: '1MiB', donationUrl: DONATE },
    });
  });
  after(() => net?.close());

  test('the usage route: 401 without a session, 400 naming what it does not take', async () => {
    const anonymous = await fetch(`${net.hubUrl}/api/account/usage`);
    assert.equal(anonymous.status, 401);
    const dora = await signup('dora@example.com');
    const headers = { authorization: `Bearer ${dora.saved().token}` };
    const bad = await fetch(`${net.hubUrl}/api/account/usage?size=all`, { headers });
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { error: { code: string; field?: string } };
    assert.equal(body.error.code, 'validation');
    assert.match(body.error.field ?? '', /query/);
    const ok = await fetch(`${net.hubUrl}/api/account/usage`, { headers });
    assert.deepEqual(await ok.json(), {
      files: 0,
      versions: 0,
      trash: 0,
      total: 0,
      quota: QUOTA,
      donationUrl: DONATE,
    });
  });

  test('an upload past the quota is refused with the figures, and nothing of it is kept', async () => {
    const alice = await signup('alice@example.com');
    await alice.upload('/a.bin', bytes(600_000, 1));
    const usage = await alice.account.usage();
    // What the hosts keep: the file encrypted, a few bytes more.
    const stored = usage.files;
    assert.ok(stored >= 600_000 && stored < 600_100, `${stored}`);
    assert.deepEqual(usage, {
      files: stored,
      versions: 0,
      trash: 0,
      total: stored,
      quota: QUOTA,
      donationUrl: DONATE,
    });
    await assert.rejects(alice.upload('/b.bin', bytes(600_000, 2)), refusedWith(stored));
    // A new version counts too: the old one is kept.
    await assert.rejects(alice.upload('/a.bin', bytes(600_000, 3)), refusedWith(stored));
    assert.deepEqual(
      (await alice.list('/')).map((e) => [e.name, e.size]),
      [['a.bin', 600_000]],
    );
    assert.equal((await alice.versions('/a.bin')).length, 1);
    assert.equal((await alice.account.usage()).total, stored);

    // The trash counts until it is emptied.
    await alice.trash('/a.bin');
    const trashed = await alice.account.usage();
    assert.deepEqual([trashed.files, trashed.trash, trashed.total], [0, stored, stored]);
    await assert.rejects(alice.upload('/b.bin', bytes(600_000, 2)), refusedWith(stored));
    await alice.purge('a.bin');
    await alice.upload('/b.bin', bytes(600_000, 2));
    assert.equal((await alice.account.usage()).files, stored);
  });

  test('two uploads at once that fit one at a time: one lands, the other is refused whole', async () => {
    const bob = await signup('bob@example.com');
    const results = await Promise.allSettled([
      bob.upload('/one.bin', bytes(700_000, 4)),
      bob.upload('/two.bin', bytes(700_000, 5)),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.find((r) => r.status === 'rejected');
    assert.ok(refused && refusedWith(refused.reason.figures?.used ?? -1)(refused.reason));
    assert.equal((await bob.list('/')).length, 1);
    const { total } = await bob.account.usage();
    assert.ok(total >= 700_000 && total < 700_100, `${total}`);
  });

  test('coffer whoami shows the quota and the donation link; coffer put past the quota fails clearly', async () => {
    const dir = await tempDir();
    const env = { ...net.env, COFFER_CONFIG_DIR: join(dir, 'config'), COFFER_PASSWORD: password };
    const up = await cli(['signup', 'carol@example.com'], env);
    assert.equal(up.code, 0, up.stderr);
    const who = await cli(['whoami'], env);
    assert.equal(who.code, 0, who.stderr);
    assert.match(who.stdout, /Quota: 0 B of 1\.0 MiB used/);
    assert.match(who.stdout, /Support this network: https:\/\/example\.org\/support-coffer/);
    const json = (await cli(['whoami', '--json'], env)).json<{
      usage: { quota: number; donationUrl: string; total: number };
    }>();
    assert.deepEqual(
      [json.usage.quota, json.usage.donationUrl, json.usage.total],
      [QUOTA, DONATE, 0],
    );

    await writeFile(join(dir, 'big.bin'), bytes(1_500_000, 6));
    const put = await cli(['put', join(dir, 'big.bin'), '/big.bin'], env);
    assert.notEqual(put.code, 0);
    assert.match(put.stderr, /quota exceeded: 0 B of 1\.0 MiB used, and this upload needs/);
    const ls = await cli(['ls', '/', '--json'], env);
    assert.equal(ls.code, 0, ls.stderr);
    assert.doesNotMatch(ls.stdout, /big\.bin/);
  });
});

test('coffer hub refuses a quota or a donation link it cannot read, naming the setting', async () => {
  const dir = await tempDir();
  const quota = await cli(['hub', '--data', dir, '--port', '0', '--account-quota', 'lots']);
  assert.equal(quota.code, 2);
  assert.match(quota.stderr, /accountQuota: expected bytes or a size such as 10GiB/);
  const link = await cli(['hub', '--data', dir, '--port', '0', '--donation-url', 'http://x.org']);
  assert.equal(link.code, 2);
  assert.match(link.stderr, /donationUrl: expected an https:\/\/ URL/);
});
