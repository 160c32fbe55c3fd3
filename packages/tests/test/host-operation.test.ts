import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sha256Hex } from '@coffer/crypto';
import { HOST } from '@coffer/protocol';
import { CofferClient } from '@coffer/sdk';
import { noiseBytes } from '../src/files.ts';
import {
  cli,
  type Network,
  type Proc,
  replicasOf,
  startNetwork,
  tempDir,
  until,
} from '../src/index.ts';

// Running a host: the bandwidth limit (--bandwidth), tags (--tag) and HTTPS (--tls-cert,
// --tls-key; the hub's "tls" config), on networks of real hub and host processes.

const TLS = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const CA = join(TLS, 'ca.pem');
const CERT = join(TLS, 'cert.pem');
const KEY = join(TLS, 'key.pem');
const OTHER_KEY = join(TLS, 'other-key.pem');

const MB = 1_000_000;

/** One sample of a host's Prometheus metrics (plain HTTP hosts only). */
async function metric(host: Proc, name: string): Promise<number> {
  const text = await (await fetch(`${host.url}${HOST.metricsPath}`)).text();
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text);
  assert.ok(m, `${name} in the metrics of ${host.url}`);
  return Number(m[1]);
}

interface AdminHost {
  id: string;
  url: string;
  country: string;
  tags: Record<string, string>;
  chunks: number;
  online: boolean;
  audits: { passed: number; failed: number };
  bytesIn: number;
  bytesOut: number;
  bandwidth: number | null;
}

async function adminHosts(net: Network): Promise<AdminHost[]> {
  const res = await fetch(`${net.hubUrl}/api/admin/hosts`, {
    headers: { authorization: `Bearer ${net.operatorToken}` },
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { hosts: AdminHost[] }).hosts;
}

describe('a host with --bandwidth 1MB/s and tags', () => {
  let net: Network;
  let client: CofferClient;
  let slow: Proc; // FR, limited to 1 MB/s
  let fast: Proc; // DE, no limit
  const file = noiseBytes(3 * MB, 7);

  before(async () => {
    net = await startNetwork({
      hosts: 0,
      hubConfig: {
        heartbeatMs: 200,
        offlineAfterMs: 1500,
        repair: { intervalMs: 300, lostAfterMs: 2500 },
        // No audits during the test: they would add to the traffic being measured.
        audit: { intervalMs: 3_600_000 },
      },
    });
    slow = await net.addHost('FR', [
      '--bandwidth',
      '1MB/s',
      '--tag',
      'power=solar',
      '--tag',
      'tier=home',
    ]);
    fast = await net.addHost('DE');
    ({ client } = await CofferClient.signup({
      hubUrl: net.hubUrl,
      email: 'bandwidth@example.com',
      password: 'pw',
    }));
  });
  after(async () => {
    await net?.close();
  });

  test('the limit and the traffic counters are in the metrics; the tags reach the hub', async () => {
    assert.equal(await metric(slow, 'coffer_host_bandwidth_limit_bytes_per_second'), MB);
    assert.equal(await metric(fast, 'coffer_host_bandwidth_limit_bytes_per_second'), 0);
    const hosts = await adminHosts(net);
    const fr = hosts.find((h) => h.url === slow.url);
    assert.deepEqual(fr?.tags, { power: 'solar', tier: 'home' });
    assert.deepEqual(hosts.find((h) => h.url === fast.url)?.tags, {});
    assert.equal(fr?.bandwidth, MB);
    assert.equal(hosts.find((h) => h.url === fast.url)?.bandwidth, null);
  });

  test('3 MB up and down through the limited host take at least 2 s each, and arrive intact', async () => {
    const inBefore = await metric(slow, 'coffer_host_chunk_bytes_received_total');
    let t = performance.now();
    await client.upload('/three.bin', file);
    const up = (performance.now() - t) / 1000;
    assert.ok(up >= 2, `the upload took ${up.toFixed(2)} s`);
    const received = (await metric(slow, 'coffer_host_chunk_bytes_received_total')) - inBefore;
    assert.ok(received >= 3 * MB, `the limited host received ${received} bytes`);

    // Every copy the limited host holds, fetched straight from it.
    const mine = (await replicasOf(client, '/three.bin')).filter((r) => r.url === slow.url);
    assert.ok(mine.reduce((n, r) => n + r.size, 0) >= 3 * MB);
    const outBefore = await metric(slow, 'coffer_host_chunk_bytes_sent_total');
    t = performance.now();
    for (const r of mine) {
      const res = await fetch(r.url + HOST.chunkPath(r.id), {
        headers: { authorization: `Bearer ${r.token}` },
      });
      assert.equal(res.status, 200);
      assert.equal(await sha256Hex(new Uint8Array(await res.arrayBuffer())), r.id);
    }
    const down = (performance.now() - t) / 1000;
    assert.ok(down >= 2, `the download took ${down.toFixed(2)} s`);
    const sent = (await metric(slow, 'coffer_host_chunk_bytes_sent_total')) - outBefore;
    assert.ok(sent >= 3 * MB, `the limited host sent ${sent} bytes`);
    assert.ok(
      (await metric(slow, 'coffer_host_bandwidth_wait_seconds_total{direction="out"}')) > 0,
    );

    const back = new Uint8Array(
      await new Response((await client.download('/three.bin')).stream).arrayBuffer(),
    );
    assert.deepEqual(back, file);

    // The hello carries the counters; the hub keeps them.
    await until('the hub has the traffic counters', async () => {
      const fr = (await adminHosts(net)).find((h) => h.url === slow.url);
      return (fr?.bytesIn ?? 0) >= 3 * MB && (fr?.bytesOut ?? 0) >= 3 * MB;
    });
  });

  test('a repair copy sent by the limited host keeps to the limit too', async () => {
    const es = await net.addHost('ES');
    await fast.kill(); // DE is lost: the limited host holds the only copies left
    const sent = () => metric(slow, 'coffer_host_chunk_bytes_sent_total');
    const base = await sent();
    let started = 0;
    let finished = 0;
    await until(
      'the repair copies leave the limited host',
      async () => {
        const n = await sent();
        if (!started && n > base) started = performance.now();
        if (n >= base + 3 * MB) finished = performance.now();
        return finished > 0;
      },
      60_000,
    );
    const seconds = (finished - started) / 1000;
    // 3 MB at 1 MB/s, sampled every 100 ms or so: well over 1.5 s.
    assert.ok(seconds >= 1.5, `the copies took ${seconds.toFixed(2)} s`);
    await until('ES holds the copies', async () => {
      const h = (await adminHosts(net)).find((x) => x.url === es.url);
      return (h?.chunks ?? 0) >= 1;
    });
    const back = new Uint8Array(
      await new Response((await client.download('/three.bin')).stream).arrayBuffer(),
    );
    assert.deepEqual(back, file);
  });
});

describe('bad host and hub flags', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir();
  });

  const host = (extra: string[]) =>
    cli([
      'host',
      '--hub',
      'http://127.0.0.1:9',
      '--country',
      'FR',
      '--capacity',
      '1GiB',
      '--data',
      join(dir, 'host'),
      ...extra,
    ]);

  const refused = async (run: Promise<{ code: number; stderr: string }>, re: RegExp) => {
    const r = await run;
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  };

  test('bandwidth values', async () => {
    await refused(host(['--bandwidth', 'fast']), /--bandwidth: expected a rate such as 10MB\/s/);
    await refused(
      host(['--bandwidth', '10Mb/s']),
      /--bandwidth: "Mb" is ambiguous: write 10MB\/s for bytes or 10Mbit\/s for bits/,
    );
    await refused(host(['--bandwidth', '10kB/s']), /--bandwidth: expected at least 256KiB\/s/);
  });

  test('tags', async () => {
    await refused(host(['--tag', 'power']), /--tag: expected key=value/);
    await refused(host(['--tag', 'Power=solar']), /--tag: the key of "Power=solar": expected/);
    await refused(host(['--tag', 'power=so lar']), /--tag: the value of "power=so lar"/);
    await refused(host(['--tag', 'a=1', '--tag', 'a=2']), /--tag: "a" is given twice/);
    const many = Array.from({ length: 17 }, (_, i) => ['--tag', `k${i}=v`]).flat();
    await refused(host(many), /--tag: expected at most 16 tags, got 17/);
  });

  test('certificates and keys', async () => {
    await refused(host(['--tls-cert', CERT]), /--tls-key: required with --tls-cert/);
    await refused(
      host(['--tls-cert', join(dir, 'missing.pem'), '--tls-key', KEY]),
      /--tls-cert: cannot read .*missing\.pem: no such file/,
    );
    await refused(
      host(['--tls-cert', KEY, '--tls-key', KEY]),
      /--tls-cert: .* holds no PEM certificate/,
    );
    await refused(
      host(['--tls-cert', CERT, '--tls-key', OTHER_KEY]),
      /--tls-key: .*other-key\.pem is not the key of the certificate in .*cert\.pem/,
    );
    const hub = (extra: string[]) =>
      cli(['hub', '--data', join(dir, 'hub'), '--port', '0', ...extra]);
    await refused(
      hub(['--tls-cert', CERT, '--tls-key', join(dir, 'missing.pem')]),
      /--tls-key: cannot read/,
    );
    const config = join(dir, 'hub.json');
    await writeFile(
      config,
      JSON.stringify({ dataDir: join(dir, 'hub'), port: 0, tls: { cert: CERT, key: OTHER_KEY } }),
    );
    await refused(hub(['--config', config]), /tls\.key: .* is not the key of the certificate/);
  });
});

describe('HTTPS: a hub and hosts with certificates, the CLI trusting the CA', () => {
  let net: Network;
  let env: Record<string, string>;
  let dir: string;

  before(async () => {
    // Read at start-up by every process spawned from here on: the hub, the hosts, the CLI.
    // This test process itself does not trust the CA.
    process.env.NODE_EXTRA_CA_CERTS = CA;
    net = await startNetwork({
      hosts: 0,
      hubConfig: {
        tls: { cert: CERT, key: KEY },
        gc: { intervalMs: 300 },
        audit: { intervalMs: 300, perHost: 2 },
      },
    });
    const tls = ['--tls-cert', CERT, '--tls-key', KEY];
    await net.addHost('FR', tls);
    await net.addHost('DE', tls);
    dir = await tempDir();
    env = { ...net.env, COFFER_PASSWORD: 'correct horse', NODE_EXTRA_CA_CERTS: CA };
  });
  after(async () => {
    delete process.env.NODE_EXTRA_CA_CERTS;
    await net?.close();
  });

  const admin = async () => {
    const r = await cli(
      ['admin', 'hosts', '--json', '--token-file', join(net.dir, 'hub', 'operator-token')],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    return r.json<{ hosts: AdminHost[] }>().hosts;
  };

  test('the hub and hosts announce https URLs', () => {
    assert.match(net.hubUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    for (const h of net.hosts) assert.match(h.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test('the CLI signs up, uploads and downloads end to end over https', async () => {
    const signup = await cli(['signup', 'tls@example.com', '--json'], env);
    assert.equal(signup.code, 0, signup.stderr);
    const src = join(dir, 'in.bin');
    const content = noiseBytes(1_500_000, 11);
    await writeFile(src, content);
    const put = await cli(['put', src, '/in.bin', '--json'], env);
    assert.equal(put.code, 0, put.stderr);
    const out = join(dir, 'out.bin');
    const get = await cli(['get', '/in.bin', out], env);
    assert.equal(get.code, 0, get.stderr);
    assert.deepEqual(new Uint8Array(await readFile(out)), content);

    // Host to host: the first host forwarded every chunk to the second, over https.
    const placement = await cli(
      [
        'admin',
        'placement',
        '/in.bin',
        '--json',
        '--token-file',
        join(net.dir, 'hub', 'operator-token'),
      ],
      env,
    );
    assert.equal(placement.code, 0, placement.stderr);
    const chunks = placement.json<{ chunks: { hosts: { country: string }[] }[] }>().chunks;
    assert.ok(chunks.length > 0);
    for (const c of chunks) assert.deepEqual(c.hosts.map((h) => h.country).sort(), ['DE', 'FR']);
  });

  test('the hub audits the hosts over https, and collects deleted chunks from them', async () => {
    await until('both hosts passed audits', async () =>
      (await admin()).every((h) => h.audits.passed >= 1 && h.audits.failed === 0),
    );
    const rm = await cli(['rm', '/in.bin'], env);
    assert.equal(rm.code, 0, rm.stderr);
    const purge = await cli(['trash', 'purge', 'in.bin'], env);
    assert.equal(purge.code, 0, purge.stderr);
    await until('the hosts hold no chunks', async () =>
      (await admin()).every((h) => h.chunks === 0),
    );
  });

  test('plain http to the TLS ports fails, and so does https without the CA', async () => {
    for (const url of [net.hubUrl, ...net.hosts.map((h) => h.url)]) {
      const plain = url.replace(/^https:/, 'http:');
      await assert.rejects(fetch(`${plain}${HOST.healthPath}`), TypeError, plain);
      // This process started without NODE_EXTRA_CA_CERTS: the certificate is not trusted.
      await assert.rejects(fetch(`${url}${HOST.healthPath}`), (e: Error) => {
        assert.match(String((e.cause as Error)?.message ?? e), /certificate|signature/i);
        return true;
      });
    }
  });
});

describe('a hub behind a reverse proxy', () => {
  const loginStart = (net: Network, forwardedFor: string, email: string) =>
    fetch(`${net.hubUrl}/api/login/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ email, request: 'AAAA' }),
    }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });
  const login = { perEmail: 1000, perAddress: 2, windowSeconds: 60 };

  test('with the proxy trusted, login limits count each client address X-Forwarded-For names', async () => {
    const net = await startNetwork({
      hosts: 0,
      hubConfig: { login, trustedProxies: ['127.0.0.1'] },
    });
    try {
      const a = '203.0.113.7';
      assert.notEqual(await loginStart(net, a, 'a1@example.com'), 429);
      assert.notEqual(await loginStart(net, `198.51.100.1, ${a}`, 'a2@example.com'), 429);
      assert.equal(await loginStart(net, a, 'a3@example.com'), 429, 'the third from one client');
      assert.notEqual(await loginStart(net, '203.0.113.8', 'b1@example.com'), 429);
    } finally {
      await net.close();
    }
  });

  test('without it, X-Forwarded-For is ignored: a client cannot pick its address', async () => {
    const net = await startNetwork({ hosts: 0, hubConfig: { login } });
    try {
      assert.notEqual(await loginStart(net, '203.0.113.1', 'c1@example.com'), 429);
      assert.notEqual(await loginStart(net, '203.0.113.2', 'c2@example.com'), 429);
      assert.equal(await loginStart(net, '203.0.113.3', 'c3@example.com'), 429);
    } finally {
      await net.close();
    }
  });

  test('a trusted proxy that is not an address is refused at start', async () => {
    const dir = await tempDir();
    const config = join(dir, 'hub.json');
    await writeFile(
      config,
      JSON.stringify({ dataDir: join(dir, 'hub'), trustedProxies: ['proxy'] }),
    );
    const r = await cli(['hub', '--config', config, '--port', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /trustedProxies\.0/);
  });
});
