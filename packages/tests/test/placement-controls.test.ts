import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { newSigningKeyPair, sha256Hex } from '@coffer/crypto';
import { AuthError } from '@coffer/errors';
import { HOST, HOST_CLAIM_LABEL, signMessage } from '@coffer/protocol';
import { CofferClient } from '@coffer/sdk';
import {
  cli,
  corruptStoredChunk,
  type Dialect,
  type Network,
  postgresAvailable,
  startNetwork,
  until,
} from '../src/index.ts';

// What operators, folder owners and hosters control about placement, on SQLite and PostgreSQL:
// confirmed countries and tags, suspension, per-folder policies enforced by repair, vetting,
// bad replicas reported by readers, and hosts claimed by their hosters.

interface HostView {
  id: string;
  url: string;
  country: string;
  state: string;
  tags: Record<string, string>;
  tagsConfirmed: boolean;
  countryConfirmed: boolean;
  vetted: boolean;
  chunks: number;
  usedBytes: number;
  audits: { passed: number; failed: number };
}

/** Operator calls, through the CLI and plain HTTP. */
function operator(net: Network) {
  const env = { ...net.env, COFFER_ADMIN_TOKEN: net.operatorToken };
  return {
    cli: (args: string[]) => cli(['admin', ...args, '--json'], env),
    async hosts(): Promise<HostView[]> {
      const res = await fetch(`${net.hubUrl}/api/admin/hosts`, {
        headers: { authorization: `Bearer ${net.operatorToken}` },
      });
      return ((await res.json()) as { hosts: HostView[] }).hosts;
    },
    async placement(client: CofferClient, path: string) {
      const node = await client.resolve(path);
      const res = await fetch(`${net.hubUrl}/api/admin/placement/${node.info.id}`, {
        headers: { authorization: `Bearer ${net.operatorToken}` },
      });
      assert.equal(res.status, 200);
      return ((await res.json()) as { chunks: { id: string; hosts: { id: string }[] }[] }).chunks;
    },
  };
}

const bytes = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * seed) % 251);
const read = async (client: CofferClient, path: string) =>
  new Uint8Array(await new Response((await client.download(path)).stream).arrayBuffer());

for (const dialect of ['sqlite', 'postgres'] as Dialect[]) {
  describe(`placement controls on ${dialect}`, async () => {
    if (dialect === 'postgres' && !(await postgresAvailable())) {
      if (process.env.CI) throw new Error('PostgreSQL is required in CI but is not reachable');
      console.log('PostgreSQL is not reachable: skipping the placement-control tests on it');
      return;
    }
    let net: Network;
    let client: CofferClient;
    let op: ReturnType<typeof operator>;
    /** Host ids by the index they were started with. */
    let ids: string[];

    before(async () => {
      net = await startNetwork({
        dialect,
        hosts: 5,
        countries: ['FR', 'DE', 'ES', 'FR', 'ES'],
        hubConfig: {
          placement: { replicas: 2 },
          repair: { intervalMs: 300, lostAfterMs: 60_000 },
          // No audit rounds: a bad replica is found only when a reader reports it.
          audit: { intervalMs: 3_600_000 },
          vetting: { audits: 0, share: 1 },
          history: { intervalMs: 500 },
          heartbeatMs: 200,
        },
      });
      op = operator(net);
      ({ client } = await CofferClient.signup({
        hubUrl: net.hubUrl,
        email: 'placement@example.com',
        password: 'pw',
      }));
      const hosts = await op.hosts();
      ids = net.hosts.map((p) => {
        const h = hosts.find((x) => x.url === p.url);
        assert.ok(h);
        return h.id;
      });
    });
    after(async () => {
      await net?.close();
    });

    const hostsOf = async (path: string) =>
      new Set((await op.placement(client, path)).flatMap((c) => c.hosts.map((h) => h.id)));

    test('the operator confirms tags and country, which the host can no longer change; bad input is refused', async () => {
      const [fr0, , es2] = ids as [string, string, string];
      for (const id of [fr0, es2]) {
        const r = await op.cli(['hosts', 'set', id, '--tag', 'power=solar', '--tag', 'tier=home']);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(r.json<{ tags: unknown }>().tags, { power: 'solar', tier: 'home' });
      }
      const country = await op.cli(['hosts', 'set', fr0, '--country', 'fr']);
      assert.equal(country.code, 0, country.stderr);
      await new Promise((r) => setTimeout(r, 800)); // a few heartbeats
      const h = (await op.hosts()).find((x) => x.id === fr0);
      assert.deepEqual(h?.tags, { power: 'solar', tier: 'home' });
      assert.equal(h?.tagsConfirmed, true);
      assert.equal(h?.countryConfirmed, true);
      assert.equal(h?.country, 'FR');

      const none = await op.cli(['hosts', 'set', fr0]);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /--country/);
      const noEquals = await op.cli(['hosts', 'set', fr0, '--tag', 'solar']);
      assert.equal(noEquals.code, 2);
      assert.match(noEquals.stderr, /--tag.*key=value/);
      const badTag = await op.cli(['hosts', 'set', fr0, '--tag', 'Power=SOLAR']);
      assert.equal(badTag.code, 2);
      assert.match(badTag.stderr, /tags/);
      const badCountry = await op.cli(['hosts', 'set', fr0, '--country', 'France']);
      assert.equal(badCountry.code, 2);
      assert.match(badCountry.stderr, /country/);
      const unknown = await op.cli(['hosts', 'set', 'f'.repeat(32), '--country', 'FR']);
      assert.equal(unknown.code, 4);
    });

    test('a suspended host gets no new data, keeps what it holds, and takes data again once resumed', async () => {
      const es4 = ids[4] as string;
      const r = await op.cli(['hosts', 'suspend', es4]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json<{ state: string }>().state, 'suspended');
      assert.equal((await op.hosts()).find((h) => h.id === es4)?.state, 'suspended');
      for (let i = 0; i < 8; i++) {
        await client.upload(`/suspended/f${i}`, bytes(300_000, i + 3), { parents: true });
        assert.ok(!(await hostsOf(`/suspended/f${i}`)).has(es4), 'no copy on the suspended host');
      }
      const back = await op.cli(['hosts', 'resume', es4]);
      assert.equal(back.code, 0, back.stderr);
      assert.equal(back.json<{ state: string }>().state, 'online');
    });

    test('a folder policy: uploads follow it from the first copy, subfolders inherit it, repair moves what no longer fits, and impossible policies are refused', async () => {
      const [fr0, de1, es2] = ids as [string, string, string];
      const env = { ...net.env, COFFER_PASSWORD: 'pw' };
      assert.equal((await cli(['login', 'placement@example.com'], env)).code, 0);
      const policy = (args: string[]) => cli(['policy', ...args, '--json'], env);

      await client.mkdir('/solar/sub', { parents: true });
      const set = await policy(['/solar', '--exclude', 'de']);
      assert.equal(set.code, 0, set.stderr);
      assert.deepEqual(set.json<{ own: unknown }>().own, { excludeCountries: ['DE'] });
      const big = bytes(9 * 1024 * 1024, 7);
      await client.upload('/solar/big.bin', big);
      await client.uploadMany(
        Array.from({ length: 20 }, (_, i) => ({
          path: `/solar/sub/s${i}`,
          bytes: bytes(2000, i + 1),
        })),
      );
      for (const path of ['/solar/big.bin', '/solar/sub/s0', '/solar/sub/s19']) {
        assert.ok(!(await hostsOf(path)).has(de1), `${path} has a copy in Germany`);
      }
      const inherited = await policy(['/solar/sub']);
      assert.equal(inherited.json<{ own: unknown }>().own, null);
      assert.deepEqual(inherited.json<{ effective: { excludeCountries: string[] } }>().effective, {
        replicas: 2,
        excludeCountries: ['DE'],
      });

      // A file moved in from outside, then a stricter policy: only the two solar hosts.
      await client.upload('/outside.bin', bytes(3 * 1024 * 1024, 5));
      await client.move('/outside.bin', '/solar/outside.bin');
      const strict = await policy(['/solar', '--exclude', 'DE', '--require', 'power=solar']);
      assert.equal(strict.code, 0, strict.stderr);
      const solar = new Set([fr0, es2]);
      const paths = ['/solar/big.bin', '/solar/sub/s0', '/solar/sub/s19', '/solar/outside.bin'];
      await until('repair moves every copy onto the solar hosts', async () => {
        for (const p of paths) {
          for (const c of await op.placement(client, p)) {
            const on = c.hosts.map((h) => h.id);
            if (on.length !== 2 || !on.every((h) => solar.has(h))) return false;
          }
        }
        return true;
      });
      assert.deepEqual(await read(client, '/solar/big.bin'), big);
      assert.deepEqual(await read(client, '/solar/sub/s19'), bytes(2000, 20));
      // New uploads land there directly.
      await client.upload('/solar/sub/new.bin', bytes(100_000, 9));
      assert.deepEqual(await hostsOf('/solar/sub/new.bin'), solar);

      // Policies no network can meet, or that contradict an enclosing one, are refused.
      const three = await policy(['/solar', '--replicas', '3', '--require', 'power=solar']);
      assert.equal(three.code, 2);
      assert.match(three.stderr, /policy\.requiredTags.*2 countries \(ES, FR\); 3 replicas/);
      const clash = await policy(['/solar/sub', '--require', 'power=coal']);
      assert.equal(clash.code, 2);
      assert.match(clash.stderr, /policy\.requiredTags\.power.*power=solar/);
      const onFile = await policy(['/solar/big.bin', '--replicas', '3']);
      assert.equal(onFile.code, 2);
      assert.match(onFile.stderr, /folders/);
      const notCountry = await policy(['/solar', '--allow', 'FRANCE']);
      assert.equal(notCountry.code, 2);
      assert.match(notCountry.stderr, /policy\.allowCountries/);
      const one = await policy(['/solar', '--replicas', '1']);
      assert.equal(one.code, 2);
      assert.match(one.stderr, /policy\.replicas/);

      const cleared = await policy(['/solar', '--clear']);
      assert.equal(cleared.code, 0, cleared.stderr);
      assert.equal(cleared.json<{ own: unknown }>().own, null);
    });

    test('a replica found bad on read is reported; the hub checks it itself and has it replaced', async () => {
      const data = bytes(5 * 1024 * 1024, 3);
      await client.upload('/rot-on-read.bin', data);
      const manifest = await client.manifest(await client.resolve('/rot-on-read.bin'));
      const chunkId = manifest.chunks[0]?.id as string;
      const { chunks } = await client.hub.call('locateChunks', { body: { ids: [chunkId] } });
      const [first] = chunks[0]?.replicas ?? [];
      assert.ok(first);
      const get = (r: { url: string; token: string }) =>
        fetch(r.url + HOST.chunkPath(chunkId), { headers: { authorization: `Bearer ${r.token}` } });
      const stored = new Uint8Array(await (await get(first)).arrayBuffer());
      const proc = net.hosts.find((h) => h.url === first.url);
      assert.ok(proc && (await corruptStoredChunk(proc.dir, stored)));
      const failedBefore = (await op.hosts()).find((h) => h.id === first.hostId)?.audits.failed;

      // A reader gets the right bytes from the other replica, and reports the bad one. The hub
      // lists replicas in random order, so a few reads are sure to try the bad one first.
      await until('the hub confirms the bad copy and counts it against the host', async () => {
        assert.deepEqual(await read(client, '/rot-on-read.bin'), data);
        const h = (await op.hosts()).find((x) => x.id === first.hostId);
        return (h?.audits.failed ?? 0) > (failedBefore ?? 0);
      });
      await until('both replicas serve the right bytes again', async () => {
        const now = await client.hub.call('locateChunks', { body: { ids: [chunkId] } });
        const replicas = now.chunks[0]?.replicas ?? [];
        if (replicas.length < 2) return false;
        for (const r of replicas) {
          const res = await get(r);
          const body = new Uint8Array(await res.arrayBuffer());
          if (res.status !== 200 || (await sha256Hex(body)) !== chunkId) return false;
        }
        return true;
      });
      // A report about a good copy changes nothing; reports about others' chunks are refused.
      const { chunks: again } = await client.hub.call('locateChunks', { body: { ids: [chunkId] } });
      const good = again[0]?.replicas[0];
      assert.ok(good);
      assert.deepEqual(
        await client.hub.call('reportChunk', { body: { chunkId, hostId: good.hostId } }),
        { outcome: 'good' },
      );
      const { client: stranger } = await CofferClient.signup({
        hubUrl: net.hubUrl,
        email: 'stranger@example.com',
        password: 'pw',
      });
      await assert.rejects(
        stranger.hub.call('reportChunk', { body: { chunkId, hostId: good.hostId } }),
        /chunkId: no such chunk/,
      );
    });

    test('a hoster claims a host with its key and sees its storage, audits, uptime and traffic', async () => {
      const env = { ...net.env, COFFER_PASSWORD: 'pw' };
      assert.equal((await cli(['signup', 'hoster@example.com'], env)).code, 0);
      const host = net.hosts[1];
      assert.ok(host);
      const claimed = await cli(['host', 'claim', '--data', host.dir, '--json'], env);
      assert.equal(claimed.code, 0, claimed.stderr);
      assert.equal(claimed.json<{ hostId: string }>().hostId, ids[1]);
      const mine = await cli(['hosts', '--json'], env);
      assert.equal(mine.code, 0, mine.stderr);
      const [h] = mine.json<{ hosts: (HostView & { uptime: number })[] }>().hosts;
      assert.equal(h?.id, ids[1]);
      assert.equal(h?.country, 'DE');
      assert.equal(h?.state, 'online');
      assert.ok((h?.uptime ?? 0) > 0.5, `uptime ${h?.uptime}`);
      assert.ok((h?.usedBytes ?? 0) > 0);
      assert.match(mine.stdout, /"bytesIn": \d+/);

      const nowhere = await cli(['host', 'claim', '--data', `${host.dir}-nope`], env);
      assert.equal(nowhere.code, 4);
      assert.match(nowhere.stderr, /host key/);
      // A claim must be signed with the host's own key.
      const forged = signMessage(
        HOST_CLAIM_LABEL,
        { v: 1, host: ids[1], account: client.whoami().accountId, at: Date.now() },
        newSigningKeyPair().secretKey,
      );
      await assert.rejects(client.claimHost(forged), AuthError);
      assert.deepEqual(await client.myHosts(), []);
    });

    test('the operator sees the network over time', async () => {
      await until('two history samples', async () => {
        const res = await fetch(`${net.hubUrl}/api/admin/history`, {
          headers: { authorization: `Bearer ${net.operatorToken}` },
        });
        const { points } = (await res.json()) as {
          points: { hosts: number; files: number; chunks: number }[];
        };
        return points.length >= 2 && points.at(-1)?.hosts === 5 && (points.at(-1)?.files ?? 0) > 0;
      });
      const bad = await fetch(`${net.hubUrl}/api/admin/history?since=yesterday`, {
        headers: { authorization: `Bearer ${net.operatorToken}` },
      });
      assert.equal(bad.status, 400);
      assert.match(await bad.text(), /since/);
    });
  });

  describe(`vetting on ${dialect}`, async () => {
    if (dialect === 'postgres' && !(await postgresAvailable())) return;
    let net: Network;
    before(async () => {
      net = await startNetwork({
        dialect,
        hosts: 2,
        countries: ['FR', 'DE'],
        hubConfig: {
          audit: { intervalMs: 200, perHost: 2 },
          vetting: { audits: 3, share: 0 },
          heartbeatMs: 200,
        },
      });
    });
    after(async () => {
      await net?.close();
    });

    test('a new host gets no share of new data until vetted (share 0), unless no vetted host can take it', async () => {
      const op = operator(net);
      const { client } = await CofferClient.signup({
        hubUrl: net.hubUrl,
        email: 'vetting@example.com',
        password: 'pw',
      });
      await client.upload('/seed.bin', bytes(200_000, 3));
      await until('the first two hosts are vetted', async () =>
        (await op.hosts()).every((h) => h.vetted),
      );
      const fresh = await net.addHost('FR');
      const freshId = await (async () => {
        let id = '';
        await until('the new host registers', async () => {
          id = (await op.hosts()).find((h) => h.url === fresh.url)?.id ?? '';
          return id !== '';
        });
        return id;
      })();
      assert.equal((await op.hosts()).find((h) => h.id === freshId)?.vetted, false);
      for (let i = 0; i < 10; i++) {
        await client.upload(`/v${i}.bin`, bytes(100_000, i + 5));
        const on = (await op.placement(client, `/v${i}.bin`)).flatMap((c) =>
          c.hosts.map((h) => h.id),
        );
        assert.ok(!on.includes(freshId), 'the unvetted host got a copy');
      }
      // The vetted French host goes away: the new one is the only French host left.
      const [frVetted] = net.hosts;
      assert.ok(frVetted);
      await frVetted.kill();
      await until('the hub sees the vetted French host offline', async () =>
        (await op.hosts()).some((h) => h.url === frVetted.url && h.state === 'offline'),
      );
      await client.upload('/after.bin', bytes(100_000, 11));
      const on = (await op.placement(client, '/after.bin')).flatMap((c) =>
        c.hosts.map((h) => h.id),
      );
      assert.ok(on.includes(freshId), 'the unvetted host takes data when no vetted host can');
    });
  });

  describe(`reconciliation on ${dialect}`, async () => {
    if (dialect === 'postgres' && !(await postgresAvailable())) return;
    let net: Network;
    let client: CofferClient;
    let op: ReturnType<typeof operator>;
    before(async () => {
      net = await startNetwork({
        dialect,
        hosts: 3,
        countries: ['FR', 'DE', 'ES'],
        hubConfig: {
          repair: { intervalMs: 300, lostAfterMs: 3000 },
          // A grace long enough for receipts to reach the hub; orphans here are older.
          reconcile: { intervalMs: 1000, graceMs: 2000 },
          heartbeatMs: 200,
          offlineAfterMs: 1500,
        },
      });
      op = operator(net);
      ({ client } = await CofferClient.signup({
        hubUrl: net.hubUrl,
        email: 'reconcile@example.com',
        password: 'pw',
      }));
    });
    after(async () => {
      await net?.close();
    });

    const chunksOn = async (url: string) =>
      (await op.hosts()).find((h) => h.url === url)?.chunks ?? -1;
    const procOf = (id: string, hosts: HostView[]) => {
      const url = hosts.find((h) => h.id === id)?.url;
      const p = net.hosts.find((h) => h.url === url);
      assert.ok(p);
      return p;
    };

    test('a host back after it was counted lost deletes the copies the hub forgot', async () => {
      const data = bytes(3 * 1024 * 1024, 7);
      await client.upload('/orphans.bin', data);
      const [chunk] = await op.placement(client, '/orphans.bin');
      const holder = procOf(chunk?.hosts[0]?.id as string, await op.hosts());
      await until('the holder reports its chunks', async () => (await chunksOn(holder.url)) > 0);
      await holder.kill();
      await until('repair has moved the copy off the lost host', async () => {
        const now = await op.placement(client, '/orphans.bin');
        return now.every(
          (c) => c.hosts.length === 2 && !c.hosts.some((h) => h.id === chunk?.hosts[0]?.id),
        );
      });
      await holder.restart();
      await until(
        'the host has deleted its orphans',
        async () => (await chunksOn(holder.url)) === 0,
      );
      assert.deepEqual(await read(client, '/orphans.bin'), data);
    });

    test('a host that lost its disk but kept its key reports what it lacks, and repair restores it at once', async () => {
      const data = bytes(3 * 1024 * 1024, 9);
      await client.upload('/amnesia.bin', data);
      const [chunk] = await op.placement(client, '/amnesia.bin');
      const id = chunk?.hosts[0]?.id as string;
      const holder = procOf(id, await op.hosts());
      const failedBefore = (await op.hosts()).find((h) => h.id === id)?.audits.failed;
      await holder.kill();
      for (const f of await readdir(holder.dir)) {
        if (f === 'segments' || f.startsWith('index.sqlite')) {
          await rm(join(holder.dir, f), { recursive: true, force: true });
        }
      }
      await holder.restart();
      await until('every chunk is back on two hosts that serve it', async () => {
        for (const c of await op.placement(client, '/amnesia.bin')) {
          if (c.hosts.length < 2) return false;
        }
        const m = await client.manifest(await client.resolve('/amnesia.bin'));
        const ids = m.chunks.map((c) => c.id);
        const { chunks } = await client.hub.call('locateChunks', { body: { ids } });
        for (const c of chunks) {
          for (const r of c.replicas) {
            const res = await fetch(r.url + HOST.chunkPath(c.id), {
              headers: { authorization: `Bearer ${r.token}` },
            });
            const body = new Uint8Array(await res.arrayBuffer());
            if (res.status !== 200 || (await sha256Hex(body)) !== c.id) return false;
          }
        }
        return true;
      });
      // Found by reconciliation, not by an audit.
      assert.equal((await op.hosts()).find((h) => h.id === id)?.audits.failed, failedBefore);
      assert.deepEqual(await read(client, '/amnesia.bin'), data);
    });
  });
}
