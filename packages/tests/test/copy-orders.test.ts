import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  fromBase64Url,
  newAccountId,
  newSigningKeyPair,
  type SigningSecretKey,
  sha256Hex,
  toBase64Url,
} from '@coffer/crypto';
import {
  COPY_ORDER_LABEL,
  COPY_PULL_LABEL,
  type CopyOrder,
  type CopyProgress,
  signMessage,
} from '@coffer/protocol';
import { CofferClient } from '@coffer/sdk';
import { noiseBytes } from '../src/files.ts';
import {
  accountingDrift,
  cli,
  holdsOnDisk,
  hubNetworkBytes,
  hubSql,
  type Network,
  onEachDatabase,
  type Proc,
  replicasOf,
  startNetwork,
  until,
} from '../src/index.ts';

// Direct copies ([Note: Direct copies] in protocol/src/copy-orders.ts), on SQLite and
// PostgreSQL: the hub orders a destination host to pull chunks straight from a source host. The
// chunks arrive byte for byte, the hub records the replicas from the destination's receipts,
// and the hub's own byte counter shows no content passed through it. The source refuses a
// replayed order or request, an expired order, one presented by a third host, and a forged
// one. A copy whose destination is killed midway resumes; both hosts' bandwidth limits apply.

const MIB = 1024 * 1024;

interface Chunk {
  id: string;
  size: number;
}

onEachDatabase('direct copies', (dialect) => {
  let net: Network;
  let alice: CofferClient;
  let chunks: Chunk[];
  /** The two public hosts every chunk of the file is on. */
  let fr: Proc;
  let de: Proc;
  /** Bob's personal server, the destination of the first copy. */
  let home: Proc;
  /** A third host, for orders presented by the wrong host. */
  let third: Proc;
  const ids = new Map<Proc, string>();

  before(async () => {
    net = await startNetwork({
      dialect,
      hosts: 2,
      countries: ['FR', 'DE'],
      hubConfig: {
        // Neither may move chunks behind the test's back, nor download any through the hub.
        repair: { intervalMs: 3_600_000 },
        audit: { intervalMs: 3_600_000 },
        vetting: { audits: 0, share: 1 },
        // Orders live 10 minutes, so that a finished copy's order is still unexpired when a
        // later test replays it, however slow the machine (at 60 s, a loaded run saw `expired`
        // where it checks `already completed`); the expired case is an order made already past.
        copies: { intervalMs: 200, nudgeMs: 1_000, orderTtlMs: 600_000 },
      },
    });
    [fr, de] = net.hosts as [Proc, Proc];
    ({ client: alice } = await CofferClient.signup({
      hubUrl: net.hubUrl,
      email: 'alice@example.com',
      password: 'pw',
    }));
    await alice.upload('/film.bin', noiseBytes(20 * MIB, 5));
    const replicas = await replicasOf(alice, '/film.bin');
    chunks = [...new Map(replicas.map((r) => [r.id, { id: r.id, size: r.size }])).values()];
    assert.ok(chunks.length >= 5, `expected a multi-chunk file, got ${chunks.length} chunks`);

    const bob = { ...net.env, COFFER_PASSWORD: 'pw', COFFER_CONFIG_DIR: join(net.dir, 'bob') };
    assert.equal((await cli(['signup', 'bob@example.com'], bob)).code, 0);
    home = await net.addHost('NL', ['--personal']);
    const claimed = await cli(['host', 'claim', '--data', home.dir, '--json'], bob);
    assert.equal(claimed.code, 0, claimed.stderr);
    third = await net.addHost('ES');
    for (const p of [fr, de, home, third]) ids.set(p, await hostIdOf(p));
  });
  after(() => net?.close());

  const operator = (path: string, body?: unknown) =>
    fetch(`${net.hubUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${net.operatorToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const startCopy = async (source: Proc, destination: Proc, list: Chunk[]) => {
    const res = await operator('/api/admin/copies', {
      source: ids.get(source),
      destination: ids.get(destination),
      chunks: list,
    });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as CopyProgress;
  };
  const progress = async (id: string) => {
    const res = await operator(`/api/admin/copies/${id}`);
    assert.equal(res.status, 200);
    return (await res.json()) as CopyProgress;
  };
  const copied = (id: string) =>
    until(`copy job ${id} to finish`, async () => {
      const p = await progress(id);
      assert.notEqual(p.state, 'failed', `the copy failed: ${p.lastError}`);
      return p.state === 'done' ? p : false;
    });

  /**
   * The bytes a host holds for a chunk, once the hub records the copy there: as it serves them
   * with a get token the hub gives alice, or, for a personal server of someone else (which the
   * hub never names to alice), as alice reads them elsewhere and found on that server's disk.
   */
  const served = async (host: Proc, chunk: Chunk) => {
    const recorded = await hubSql(
      net,
      `select host_id from chunk_replicas where chunk_id = '${chunk.id}' and host_id = '${ids.get(host)}'`,
    );
    assert.equal(recorded.length, 1, `the hub records no copy of ${chunk.id} on ${ids.get(host)}`);
    const named = (await replicasOf(alice, '/film.bin')).filter((r) => r.id === chunk.id);
    const replica = named.find((r) => r.hostId === ids.get(host)) ?? named[0];
    assert.ok(replica, `alice cannot read ${chunk.id} anywhere`);
    const res = await fetch(`${replica.url}/chunks/${chunk.id}`, {
      headers: { authorization: `Bearer ${replica.token}` },
    });
    assert.equal(res.status, 200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (replica.hostId !== ids.get(host))
      assert.ok(await holdsOnDisk(host.dir, bytes), `${chunk.id} is not on the host's disk`);
    return bytes;
  };

  const hubBytes = () => hubNetworkBytes(net);

  const refused = async (res: Response, status: number, message: RegExp) => {
    const text = await res.text();
    assert.equal(res.status, status, text);
    assert.match(JSON.parse(text).error.message, message);
  };

  test('the hub refuses a copy it cannot make, naming the field', async () => {
    const c = chunks[0] as Chunk;
    const cases: [unknown, number, RegExp][] = [
      [{ source: ids.get(fr), destination: ids.get(fr), chunks: [c] }, 400, /destination/],
      [{ source: ids.get(fr), destination: ids.get(home), chunks: [c, c] }, 400, /chunks\.1\.id/],
      [
        { source: ids.get(fr), destination: ids.get(third), chunks: [{ ...c, size: c.size + 1 }] },
        400,
        /chunks\.0\.size/,
      ],
      [
        {
          source: ids.get(fr),
          destination: ids.get(third),
          chunks: [{ id: 'a'.repeat(64), size: 1 }],
        },
        400,
        /chunks\.0\.id/,
      ],
      [
        { source: ids.get(third), destination: ids.get(home), chunks: [c] },
        400,
        /chunks\.0\.id: the source holds no copy/,
      ],
      [{ source: 'b'.repeat(32), destination: ids.get(home), chunks: [c] }, 404, /source/],
    ];
    for (const [body, status, message] of cases) {
      await refused(await operator('/api/admin/copies', body), status, message);
    }
    await refused(await operator(`/api/admin/copies/${'c'.repeat(32)}`), 404, /no such copy job/);
  });

  test('a file is copied straight from one host to a personal server, never through the hub', async () => {
    const total = chunks.reduce((s, c) => s + c.size, 0);
    const before = await hubBytes();
    const job = await startCopy(fr, home, chunks);
    assert.deepEqual(job.chunks, { done: 0, total: chunks.length });
    assert.deepEqual(job.bytes, { done: 0, total });
    const done = await copied(job.id);
    const moved = (await hubBytes()) - before;
    console.log(`the hub moved ${moved} bytes while ${total} bytes were copied`);
    assert.ok(moved > 0, 'the hub byte counter counts nothing');
    assert.ok(moved < total / 20, `the hub moved ${moved} bytes of a ${total}-byte copy`);
    assert.deepEqual(done.chunks, { done: chunks.length, total: chunks.length });
    assert.deepEqual(done.bytes, { done: total, total });
    assert.ok(done.finishedAt !== null && done.orders >= 1);

    for (const c of chunks) {
      const copy = await served(home, c);
      assert.equal(await sha256Hex(copy), c.id);
      assert.deepEqual(copy, await served(fr, c));
    }
    await until('the personal server accounted for', async () => {
      const h = (await accountingDrift(net)).hosts.find((x) => x.id === ids.get(home));
      return h?.agree && h.replicas === total;
    });
  });

  /** A copy order as the hub signs it, with the hub's own key (read from its database). */
  const hubKey = async () => {
    const [row] = await hubSql(net, "select value from hub_secrets where name = 'signing_key'");
    return fromBase64Url(String(row?.value), 'signing_key', 32) as SigningSecretKey;
  };
  const hostKey = async (p: Proc) => {
    const file = JSON.parse(await readFile(join(p.dir, 'host-key.json'), 'utf8'));
    return {
      secret: fromBase64Url(file.secretKey, 'secretKey', 32) as SigningSecretKey,
      public: file.publicKey as string,
    };
  };
  const order = async (
    o: Omit<Partial<CopyOrder>, 'dest'> & { dest: Proc },
    key?: SigningSecretKey,
  ) => {
    const { dest, ...rest } = o;
    const value: CopyOrder = {
      v: 1,
      id: newAccountId(),
      source: ids.get(fr) as string,
      sourceUrl: fr.url,
      dest: ids.get(dest) as string,
      destKey: (await hostKey(dest)).public,
      chunks: chunks.slice(0, 2),
      exp: Date.now() + 60_000,
      ...rest,
    };
    return { value, text: signMessage(COPY_ORDER_LABEL, value, key ?? (await hubKey())) };
  };
  const request = async (orderId: string, chunk: string | null, by: Proc) =>
    signMessage(
      COPY_PULL_LABEL,
      { v: 1, order: orderId, chunk, at: Date.now(), nonce: newAccountId() },
      (await hostKey(by)).secret,
    );
  const pull = async (from: Proc, chunk: string | null, body: { order: string; request: string }) =>
    fetch(`${from.url}/pull/${chunk ?? 'close'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('the source refuses a replayed order and request, and orders from anyone but the hub and the destination', async () => {
    const c = chunks[0] as Chunk;
    // The order of the finished copy: the destination closed it.
    const [row] = await hubSql(
      net,
      `select order_text, order_id from copy_jobs where destination_id = '${ids.get(home)}'`,
    );
    const done = { order: String(row?.order_text), id: String(row?.order_id) };
    await refused(
      await pull(fr, c.id, { order: done.order, request: await request(done.id, c.id, home) }),
      409,
      /order: already completed/,
    );

    // A fresh order for the third host: it may pull, and pull again (a retry), but never with
    // the same request twice.
    const fresh = await order({ dest: third });
    const asked = { order: fresh.text, request: await request(fresh.value.id, c.id, third) };
    const first = await pull(fr, c.id, asked);
    assert.equal(first.status, 200);
    assert.equal(await sha256Hex(new Uint8Array(await first.arrayBuffer())), c.id);
    await refused(await pull(fr, c.id, asked), 409, /request: replayed/);
    const again = await pull(fr, c.id, {
      order: fresh.text,
      request: await request(fresh.value.id, c.id, third),
    });
    assert.equal(again.status, 200);
    await again.arrayBuffer();

    // Presented by another host than the one it names.
    await refused(
      await pull(fr, c.id, {
        order: fresh.text,
        request: await request(fresh.value.id, c.id, home),
      }),
      403,
      /request: not signed by the destination host the order names/,
    );
    // At a host it does not name as source, and for a chunk it does not name.
    await refused(
      await pull(de, c.id, {
        order: fresh.text,
        request: await request(fresh.value.id, c.id, third),
      }),
      403,
      /order: names another source host/,
    );
    const other = chunks[4] as Chunk;
    await refused(
      await pull(fr, other.id, {
        order: fresh.text,
        request: await request(fresh.value.id, other.id, third),
      }),
      403,
      /order: does not name this chunk/,
    );

    // Closed by its destination: refused from then on.
    const close = await pull(fr, null, {
      order: fresh.text,
      request: await request(fresh.value.id, null, third),
    });
    assert.equal(close.status, 204);
    await refused(
      await pull(fr, c.id, {
        order: fresh.text,
        request: await request(fresh.value.id, c.id, third),
      }),
      409,
      /order: already completed/,
    );

    // Expired.
    const old = await order({ dest: third, exp: Date.now() - 1000 });
    await refused(
      await pull(fr, c.id, { order: old.text, request: await request(old.value.id, c.id, third) }),
      401,
      /order: expired/,
    );

    // Forged: signed by another key, its signature on other content, or none at all.
    const forged = await order({ dest: third }, newSigningKeyPair().secretKey);
    const [payload, signature] = fresh.text.split('.') as [string, string];
    const tampered = `${toBase64Url(
      new TextEncoder().encode(JSON.stringify({ ...fresh.value, dest: ids.get(home) })),
    )}.${signature}`;
    for (const [what, text, status] of [
      ['signed by another key', forged.text, 401],
      ['with a signature for other content', tampered, 401],
      ['with a garbage signature', `${payload}.${'A'.repeat(86)}`, 401],
      ['unsigned', payload, 400],
    ] as const) {
      const res = await pull(fr, c.id, {
        order: text,
        request: await request(fresh.value.id, c.id, third),
      });
      assert.equal(res.status, status, `an order ${what}: ${await res.clone().text()}`);
      assert.match(await res.text(), /"order/, `an order ${what}`);
    }
    // The destination takes orders from the hub only, and only its own.
    const deliver = (to: Proc, text: string) =>
      fetch(`${to.url}/copy-orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ order: text }),
      });
    await refused(await deliver(third, forged.text), 401, /order: signature does not verify/);
    await refused(await deliver(home, (await order({ dest: third })).text), 403, /another dest/);
  });

  test('hosts refuse malformed copy orders and pulls with a 4xx naming the field', async () => {
    const c = chunks[0] as Chunk;
    const post = (path: string, body: string, method = 'POST') =>
      fetch(`${fr.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body } : {}),
      });
    const cases: [string, string, number, string, string?][] = [
      ['/copy-orders', 'not json', 400, 'body'],
      ['/copy-orders', '{}', 400, 'body.order'],
      ['/copy-orders', '{"order":"x","extra":1}', 400, 'body'],
      ['/copy-orders', JSON.stringify({ order: 'A'.repeat(200_000) }), 413, 'body'],
      ['/copy-orders', '{"order":"eyJ2IjoxfQ.c2ln"}', 400, 'order.id'],
      [`/pull/${c.id}`, '[]', 400, 'body'],
      [`/pull/${c.id}`, '{"order":"x"}', 400, 'body.request'],
      [`/pull/${c.id}`, '{"order":1,"request":"x"}', 400, 'body.order'],
      ['/pull/xyz', '{}', 400, 'chunkId'],
      ['/pull/close', '{"order":"eyJ2IjoxfQ.c2ln","request":"x"}', 400, 'order.id'],
      ['/copy-orders', '', 405, 'method', 'GET'],
    ];
    for (const [path, body, status, field, method] of cases) {
      const res = await post(path, body, method);
      const text = await res.text();
      assert.equal(res.status, status, `${method ?? 'POST'} ${path} ${body.slice(0, 40)}: ${text}`);
      assert.equal(JSON.parse(text).error.field, field, `${path} ${body.slice(0, 40)}: ${text}`);
    }
  });

  /** A host's metric, summed over the label values that match. */
  const hostMetric = async (p: Proc, name: string, labels = '') => {
    const text = await (await fetch(`${p.url}/metrics`)).text();
    let total = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name}{${labels}`) || line.startsWith(`${name} `)) {
        total += Number(line.split(' ').at(-1));
      }
    }
    return total;
  };

  test("both hosts' bandwidth limits hold the copy back, and it completes", async () => {
    const slow = await net.addHost('BE', ['--bandwidth', '2MiB/s']);
    ids.set(slow, await hostIdOf(slow));
    const some = chunks.slice(0, 2);
    const wait = 'coffer_host_bandwidth_wait_seconds_total';
    const waitedIn = await hostMetric(slow, wait, 'direction="in"');
    await copied((await startCopy(de, slow, some)).id);
    assert.ok((await hostMetric(slow, wait, 'direction="in"')) > waitedIn, 'no wait receiving');
    // Now from the limited host to one without a limit.
    const waitedOut = await hostMetric(slow, wait, 'direction="out"');
    await copied((await startCopy(slow, third, some)).id);
    assert.ok((await hostMetric(slow, wait, 'direction="out"')) > waitedOut, 'no wait sending');
  });

  test('a copy whose destination is killed midway resumes when it is back, and completes', async () => {
    const dest = await net.addHost('IT', ['--bandwidth', '2MiB/s']);
    ids.set(dest, await hostIdOf(dest));
    const job = await startCopy(de, dest, chunks);
    await until('some chunks copied', async () => (await progress(job.id)).chunks.done >= 1);
    await dest.kill();
    const midway = await progress(job.id);
    assert.equal(midway.state, 'running');
    assert.ok(midway.chunks.done < chunks.length, 'the copy was over before the host was killed');
    await dest.restart();
    const done = await copied(job.id);
    assert.equal(done.chunks.done, chunks.length);
    for (const c of chunks) assert.equal(await sha256Hex(await served(dest, c)), c.id);
  });
});

async function hostIdOf(p: Proc): Promise<string> {
  const res = await fetch(`${p.url}/health`);
  return ((await res.json()) as { hostId: string }).hostId;
}
