import assert from 'node:assert/strict';
import { readFile, statfs } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { newSigningKeyPair, toBase64Url } from '@coffer/crypto';
import { HOST_HELLO_LABEL, hostIdFromKey, signMessage } from '@coffer/protocol';
import {
  cli,
  hubMetricsText,
  type Network,
  onEachDatabase,
  type Proc,
  startNetwork,
  until,
} from '../src/index.ts';

// Declared and real space ([Note: Declared and real space] in the protocol), with real host
// processes on SQLite and PostgreSQL: each host reports the disk under its store, a host that
// declares far more than its disk has says so in its log at start and is flagged in the admin
// listing and stats, the same disk counts once in the totals, and a hello with bad disk
// figures is a 400 naming the field while one without them (an older host) still registers.

const GiB = 1024 ** 3;

interface AdminHost {
  id: string;
  url: string;
  capacity: number;
  usedBytes: number;
  disk: { freeBytes: number; sizeBytes: number } | null;
  overcommitted: boolean;
}
interface Stats {
  hosts: number;
  capacity: number;
  disk: { freeBytes: number; sizeBytes: number; reporting: number; overcommitted: number };
}

const WARNING =
  /host: WARNING: --capacity 1000\.0 TiB is more than the disk has: .* free \(of .*\) under .*lower it\./;

onEachDatabase('host disks', (dialect) => {
  let net: Network;
  let big: Proc;

  before(async () => {
    net = await startNetwork({ dialect, hosts: 2, countries: ['FR', 'DE'] });
    big = await net.addHost('ES', ['--capacity', '1000TiB']);
  });
  after(async () => {
    await net?.close();
  });

  const admin = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${net.hubUrl}${path}`, {
      headers: { authorization: `Bearer ${net.operatorToken}` },
    });
    assert.equal(res.status, 200, path);
    return (await res.json()) as T;
  };
  const hosts = async () => (await admin<{ hosts: AdminHost[] }>('/api/admin/hosts')).hosts;

  test('a host that declares far more than its disk has warns at start and is flagged in the admin listing and stats', async () => {
    const disk = await statfs(net.dir);
    const size = disk.blocks * disk.bsize;
    const listed = await until('every host to report its disk', async () => {
      const all = await hosts();
      return all.length === 3 && all.every((h) => h.disk !== null) && all;
    });
    const flagged = listed.find((h) => h.url === big.url);
    assert.ok(flagged, 'the big host is listed');
    assert.equal(flagged.capacity, 1000 * 1024 * GiB);
    assert.equal(flagged.overcommitted, true);
    for (const h of listed) {
      // The hosts' stores share the test's disk: its size, and its free space give or take
      // what others write meanwhile.
      assert.equal(h.disk?.sizeBytes, size, h.url);
      const free = h.disk?.freeBytes ?? 0;
      assert.ok(free > 0 && free <= size, `${h.url}: ${free} free`);
      assert.equal(h.overcommitted, h.capacity - h.usedBytes > free, h.url);
    }
    const others = listed.filter((h) => h.url !== big.url);
    const stats = await admin<Stats>('/api/admin/stats');
    assert.equal(stats.hosts, 3);
    assert.equal(stats.capacity, 1000 * 1024 * GiB + 2 * 10 * GiB);
    assert.equal(stats.disk.reporting, 3);
    assert.equal(stats.disk.overcommitted, 1 + others.filter((h) => h.overcommitted).length);
    // Three hosts on one machine and one disk: that disk counts once.
    assert.equal(stats.disk.sizeBytes, size);
    assert.ok(stats.disk.freeBytes > 0 && stats.disk.freeBytes <= size);
    const metrics = await hubMetricsText(net);
    assert.match(
      metrics,
      new RegExp(`^coffer_hub_hosts_overcommitted ${stats.disk.overcommitted}$`, 'm'),
    );
    assert.match(metrics, /^coffer_hub_disk_free_bytes [1-9]\d*$/m);
    // And the operator's CLI says so under the host's line.
    const listing = await cli(['admin', 'hosts'], {
      ...net.env,
      COFFER_ADMIN_TOKEN: net.operatorToken,
    });
    assert.equal(listing.code, 0, listing.stderr);
    assert.match(
      listing.stdout,
      new RegExp(
        `^${flagged.id} .*\\n  ! declares 1000\\.0 TiB but its disk has [\\d.]+ \\S+ free \\(of [\\d.]+ \\S+\\)$`,
        'm',
      ),
    );

    // The host says so at start, in one line; a host that fits its disk does not.
    const log = await until('the warning in the big host log', async () => {
      const text = await readFile(big.logFile, 'utf8');
      return WARNING.test(text) && text;
    });
    assert.equal(log.split('\n').filter((l) => l.includes('WARNING')).length, 1);
    for (const [i, h] of net.hosts.entries()) {
      if (h === big) continue;
      const text = await readFile(h.logFile, 'utf8');
      assert.ok(text.includes('registered with hub'), `host ${i} logged`);
      const fits = !others.find((o) => o.url === h.url)?.overcommitted;
      if (fits) assert.doesNotMatch(text, /WARNING: --capacity/, `host ${i} fits its disk`);
    }
  });

  test('a hello with bad disk figures is a 400 naming the field; one without them (an older host) registers', async () => {
    const keys = newSigningKeyPair();
    const id = await hostIdFromKey(keys.publicKey);
    const helloWith = (extra: Record<string, unknown>) =>
      fetch(`${net.hubUrl}/api/hosts/hello`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          hello: signMessage(
            HOST_HELLO_LABEL,
            {
              v: 1,
              host: id,
              publicKey: toBase64Url(keys.publicKey),
              url: 'http://127.0.0.1:9',
              country: 'PT',
              capacity: 400 * GiB,
              usedBytes: 0,
              chunks: 0,
              at: Date.now(),
              ...extra,
            },
            keys.secretKey,
          ),
        }),
      });
    const refused: [unknown, string][] = [
      [{ freeBytes: -1, sizeBytes: GiB }, 'hello.disk.freeBytes'],
      [{ freeBytes: 2 * GiB, sizeBytes: GiB }, 'hello.disk.freeBytes'],
      [{ freeBytes: 1 }, 'hello.disk.sizeBytes'],
      ['78GB', 'hello.disk'],
    ];
    for (const [disk, field] of refused) {
      const res = await helloWith({ disk });
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(res.status, 400, JSON.stringify(disk));
      assert.equal(body.error.code, 'validation');
      assert.ok(body.error.message.startsWith(`${field}: `), body.error.message);
    }
    assert.equal((await hosts()).length, 3, 'nothing registered by the refused hellos');
    const res = await helloWith({});
    assert.equal(res.status, 200);
    const old = (await hosts()).find((h) => h.id === id);
    assert.ok(old, 'the older host registered');
    assert.equal(old.disk, null);
    assert.equal(old.overcommitted, false);
    assert.equal((await admin<Stats>('/api/admin/stats')).disk.reporting, 3);
  });
});
