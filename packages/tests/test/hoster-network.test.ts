import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { newSigningKeyPair, sha256Hex } from '@coffer/crypto';
import { HOST, HOST_EXIT_LABEL, signMessage } from '@coffer/protocol';
import { CofferClient } from '@coffer/sdk';
import {
  cli,
  corruptStoredChunk,
  type Dialect,
  type Network,
  postgresAvailable,
  replicasOf,
  segmentFiles,
  startNetwork,
  until,
} from '../src/index.ts';

// The hoster network, on SQLite and on PostgreSQL: 7 hosts in 4 countries, Brazil excluded by
// the placement policy, with garbage collection, repair and audit rounds a few times a second,
// a host offline after 2.5 s without a heartbeat and lost after 5 s.

for (const dialect of ['sqlite', 'postgres'] as Dialect[]) {
  describe(`the hoster network on ${dialect}`, async () => {
    if (dialect === 'postgres' && !(await postgresAvailable())) {
      if (process.env.CI) throw new Error('PostgreSQL is required in CI but is not reachable');
      console.log('PostgreSQL is not reachable: skipping the hoster-network tests on it');
      return;
    }
    let net: Network;
    let client: CofferClient;

    before(async () => {
      net = await startNetwork({
        dialect,
        // Two hosts in each allowed country, so that after a host dies and another exits
        // some country still has two live hosts for the lying-host test.
        hosts: 7,
        countries: ['FR', 'DE', 'ES', 'BR', 'FR', 'DE', 'ES'],
        hubConfig: {
          placement: { replicas: 2, excludeCountries: ['BR'] },
          gc: { intervalMs: 500 },
          repair: { intervalMs: 300, lostAfterMs: 5000 },
          audit: { intervalMs: 200, perHost: 4, disqualifyAfter: 3 },
          heartbeatMs: 200,
          offlineAfterMs: 2500,
        },
      });
      ({ client } = await CofferClient.signup({
        hubUrl: net.hubUrl,
        email: 'hoster-net@example.com',
        password: 'pw',
      }));
    });
    after(async () => {
      await net?.close();
    });

    const status = async (r: { id: string; url: string; token: string }) =>
      (
        await fetch(r.url + HOST.chunkPath(r.id), {
          method: 'HEAD',
          headers: { authorization: `Bearer ${r.token}` },
        })
      ).status;

    test('garbage collection: after a purge, the chunks disappear from the hosts; kept files stay', async () => {
      await client.upload(
        '/gc/big.bin',
        new Uint8Array(9 * 1024 * 1024).map((_, i) => i % 249),
        { parents: true },
      );
      await client.uploadMany(
        Array.from({ length: 30 }, (_, i) => ({
          path: `/gc/small/s${i}`,
          bytes: new Uint8Array(500).fill(i),
        })),
        { parents: true },
      );
      await client.upload('/kept.bin', new Uint8Array(5 * 1024 * 1024).fill(7));
      const doomed = [
        ...(await replicasOf(client, '/gc/big.bin')),
        ...(await replicasOf(client, '/gc/small/s3')),
      ];
      const kept = await replicasOf(client, '/kept.bin');
      assert.ok(doomed.length >= 6, 'three chunks and a pack, two replicas each');
      for (const r of [...doomed, ...kept]) assert.equal(await status(r), 200);

      await client.trash('/gc');
      for (const r of doomed)
        assert.equal(await status(r), 200, 'the trash still holds the chunks');
      const trashed = (await client.listTrash()).find((e) => e.name === 'gc');
      assert.ok(trashed);
      await client.purge(trashed.id);

      await until('every purged replica is gone', async () => {
        for (const r of doomed) if ((await status(r)) !== 404) return false;
        return true;
      });
      for (const r of kept) assert.equal(await status(r), 200, 'a live file keeps its chunks');
      assert.deepEqual(
        await client
          .download('/kept.bin')
          .then(async (d) => new Uint8Array(await new Response(d.stream).arrayBuffer())),
        new Uint8Array(5 * 1024 * 1024).fill(7),
      );
      // The hub's accounting follows: what the hosts hold is what live files need.
      const stats = (await (
        await fetch(`${net.hubUrl}/api/admin/stats`, {
          headers: { authorization: `Bearer ${net.operatorToken}` },
        })
      ).json()) as { storedBytes: number };
      const keptBytes = 2 * 5 * 1024 * 1024; // two replicas; each chunk adds a few bytes of framing
      assert.ok(stats.storedBytes >= keptBytes, `stored ${stats.storedBytes}`);
      assert.ok(stats.storedBytes < keptBytes + kept.length * 1024, `stored ${stats.storedBytes}`);
    });

    async function placementOf(path: string) {
      const node = await client.resolve(path);
      const res = await fetch(`${net.hubUrl}/api/admin/placement/${node.info.id}`, {
        headers: { authorization: `Bearer ${net.operatorToken}` },
      });
      assert.equal(res.status, 200);
      return (
        (await res.json()) as { chunks: { id: string; hosts: { id: string; country: string }[] }[] }
      ).chunks;
    }

    const bytesOf = async (path: string) =>
      new Uint8Array(await new Response((await client.download(path)).stream).arrayBuffer());

    test('a host that dies for good: its chunks are copied host to host until every file is back at 2 replicas in 2 countries, readable throughout, never in Brazil', async () => {
      const big = new Uint8Array(10 * 1024 * 1024).map((_, i) => (i * 7) % 251);
      await client.upload('/repair/big.bin', big, { parents: true });
      const small = Array.from({ length: 40 }, (_, i) => ({
        path: `/repair/small/s${i}`,
        bytes: new Uint8Array(2000).fill(i),
      }));
      await client.uploadMany(small, { parents: true });
      const paths = ['/repair/big.bin', '/repair/small/s0', '/repair/small/s39'];
      for (const p of paths) {
        for (const c of await placementOf(p)) {
          assert.ok(
            !c.hosts.some((h) => h.country === 'BR'),
            'no chunk lands in an excluded country',
          );
        }
      }

      // The host holding the most of these chunks dies and never comes back.
      const holdings = new Map<string, number>();
      for (const p of paths) {
        for (const c of await placementOf(p))
          for (const h of c.hosts) holdings.set(h.id, (holdings.get(h.id) ?? 0) + 1);
      }
      const [victimId] = [...holdings.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
      const hostsInfo = (await (
        await fetch(`${net.hubUrl}/api/admin/hosts`, {
          headers: { authorization: `Bearer ${net.operatorToken}` },
        })
      ).json()) as { hosts: { id: string; url: string }[] };
      const victimUrl = hostsInfo.hosts.find((h) => h.id === victimId)?.url;
      const victim = net.hosts.find((h) => h.url === victimUrl);
      assert.ok(victim, 'the victim is one of ours');
      await victim.kill();

      const healed = async () => {
        for (const p of paths) {
          for (const c of await placementOf(p)) {
            const live = c.hosts.filter((h) => h.id !== victimId);
            if (new Set(live.map((h) => h.country)).size < 2) return false;
          }
        }
        return true;
      };
      // Every file stays readable while the network heals.
      const deadline = Date.now() + 60_000;
      while (!(await healed())) {
        assert.ok(Date.now() < deadline, 'repair did not restore the replicas within 60 s');
        assert.deepEqual(await bytesOf('/repair/big.bin'), big);
        assert.deepEqual(await bytesOf('/repair/small/s7'), small[7]?.bytes);
      }
      for (const p of paths) {
        for (const c of await placementOf(p)) {
          assert.ok(!c.hosts.some((h) => h.id === victimId), 'the lost host is forgotten');
          assert.ok(
            !c.hosts.some((h) => h.country === 'BR'),
            'repair never places in Brazil either',
          );
          assert.equal(new Set(c.hosts.map((h) => h.country)).size, 2);
        }
      }
      assert.deepEqual(await bytesOf('/repair/big.bin'), big);
      const stats = (await (
        await fetch(`${net.hubUrl}/api/admin/stats`, {
          headers: { authorization: `Bearer ${net.operatorToken}` },
        })
      ).json()) as { repair: { copiedTotal: number } };
      assert.ok(stats.repair.copiedTotal >= 1, 'the repair shows in the stats');
    });

    interface HostView {
      id: string;
      url: string;
      country: string;
      state: string;
      audits: { passed: number; failed: number };
    }

    async function adminHosts(): Promise<HostView[]> {
      const res = await fetch(`${net.hubUrl}/api/admin/hosts`, {
        headers: { authorization: `Bearer ${net.operatorToken}` },
      });
      return ((await res.json()) as { hosts: HostView[] }).hosts;
    }

    /** Without `h`, the `live` hosts still span two allowed countries (Brazil is excluded). */
    function leavesTwoCountries(live: HostView[], h: HostView) {
      const rest = live.filter((o) => o.id !== h.id && o.country !== 'BR');
      return new Set(rest.map((o) => o.country)).size >= 2;
    }

    /** `coffer admin ARGS --json` with the operator token. */
    const adminCli = (args: string[]) =>
      cli(['admin', ...args, '--hub', net.hubUrl, '--json'], {
        ...net.env,
        COFFER_ADMIN_TOKEN: net.operatorToken,
      });

    /** The segment files of the host serving at `url`. */
    async function segmentsOf(url: string) {
      const proc = net.hosts.find((h) => h.url === url);
      assert.ok(proc);
      return segmentFiles(proc.dir);
    }

    test('bit rot: a chunk corrupted on disk fails its audit and is copied again from a healthy replica', async () => {
      const data = new Uint8Array(6 * 1024 * 1024).map((_, i) => (i * 13) % 241);
      await client.upload('/rot.bin', data);
      const [replica] = await replicasOf(client, '/rot.bin');
      assert.ok(replica);
      const stored = new Uint8Array(
        await (
          await fetch(replica.url + HOST.chunkPath(replica.id), {
            headers: { authorization: `Bearer ${replica.token}` },
          })
        ).arrayBuffer(),
      );
      // Counted before the corruption: a round may fail the copy the moment it is corrupted.
      const failedBefore =
        (await adminHosts()).find((h) => h.id === replica.hostId)?.audits.failed ?? 0;
      // Find the chunk's bytes in the host's segment files and flip one in the middle.
      const proc = net.hosts.find((h) => h.url === replica.url);
      assert.ok(proc);
      assert.ok(await corruptStoredChunk(proc.dir, stored), 'the chunk was found on disk');

      // The operator audits that copy now rather than waiting for a round to pick it at random.
      // A round may have got there first: then the hub holds no record of the copy, or repair
      // has already put a fresh one in its place, which passes (the round's failure is counted
      // below either way). No verdict (the host busy, or late with a heartbeat on a loaded
      // machine) is asked again.
      const verdict = await until('an audit of the rotten copy that reaches its host', async () => {
        const res = await fetch(`${net.hubUrl}/api/admin/audits`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${net.operatorToken}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ hostId: replica.hostId, chunkId: replica.id }),
        });
        const body = (await res.json()) as {
          audits?: { chunkId: string; outcome: string }[];
          disqualified?: boolean;
          error?: { message: string };
        };
        if (res.status === 409) return false;
        if (res.status === 200 && body.audits?.[0]?.outcome === 'unreachable') return false;
        return { status: res.status, body };
      });
      if (verdict.status === 200) {
        assert.equal(verdict.body.audits?.length, 1, JSON.stringify(verdict.body));
        assert.equal(verdict.body.audits?.[0]?.chunkId, replica.id);
        assert.match(verdict.body.audits?.[0]?.outcome ?? '', /^(failed|passed)$/);
        assert.equal(verdict.body.disqualified, false);
      } else {
        assert.equal(verdict.status, 404, JSON.stringify(verdict.body));
        assert.match(
          verdict.body.error?.message ?? '',
          /chunkId: the hub records no copy of it on that host/,
        );
      }
      await until('the rotten replica fails an audit', async () => {
        const h = (await adminHosts()).find((x) => x.id === replica.hostId);
        return (h?.audits.failed ?? 0) > failedBefore;
      });
      await until('every replica of the file serves the right bytes again', async () => {
        const all = await replicasOf(client, '/rot.bin');
        if (all.filter((r) => r.id === replica.id).length < 2) return false;
        for (const r of all) {
          const res = await fetch(r.url + HOST.chunkPath(r.id), {
            headers: { authorization: `Bearer ${r.token}` },
          });
          const body = new Uint8Array(await res.arrayBuffer());
          if (res.status !== 200 || (await sha256Hex(body)) !== r.id) return false;
        }
        return true;
      });
      assert.deepEqual(await bytesOf('/rot.bin'), data);

      // Without a chunk, the operator's audit takes a round's picks; a healthy host passes.
      const healthy = (await replicasOf(client, '/rot.bin')).find(
        (r) => r.hostId !== replica.hostId,
      );
      assert.ok(healthy);
      // (A host late with a heartbeat on a loaded machine is offline for a moment: 409, again.)
      const round = await until('a round of audits on a healthy host', async () => {
        const r = await adminCli(['audit', healthy.hostId]);
        return r.code === 5 ? false : r;
      });
      assert.equal(round.code, 0, round.stderr);
      const picked = round.json<{ audits: { chunkId: string; outcome: string }[] }>().audits;
      assert.ok(picked.length >= 1 && picked.length <= 4, JSON.stringify(picked));
      for (const a of picked) assert.notEqual(a.outcome, 'failed', JSON.stringify(a));
      // What it cannot audit is refused, naming what was wrong.
      const unknownHost = await adminCli(['audit', 'e'.repeat(32)]);
      assert.equal(unknownHost.code, 4);
      assert.match(unknownHost.stderr, /hostId: no such host/);
      const notHeld = await adminCli(['audit', healthy.hostId, 'e'.repeat(64)]);
      assert.equal(notHeld.code, 4);
      assert.match(notHeld.stderr, /chunkId: the hub records no copy of it on that host/);
      const badChunk = await adminCli(['audit', healthy.hostId, 'not-a-chunk']);
      assert.equal(badChunk.code, 2);
      assert.match(badChunk.stderr, /CHUNK/);
    });

    test('graceful exit: `coffer host exit --wait` returns once the host holds nothing, and no chunk is below its target', async () => {
      const data = new Uint8Array(9 * 1024 * 1024).map((_, i) => (i * 11) % 233);
      await client.upload('/exit.bin', data);
      const files = ['/exit.bin', '/kept.bin', '/rot.bin'];
      const held = new Map<string, number>();
      for (const p of files) {
        for (const c of await placementOf(p)) {
          for (const h of c.hosts) held.set(h.id, (held.get(h.id) ?? 0) + 1);
        }
      }
      const live = (await adminHosts()).filter((h) => h.state === 'online');
      // Any holder whose leaving still leaves two allowed countries.
      const [leaver] = live
        .filter((h) => leavesTwoCountries(live, h))
        .sort((a, b) => (held.get(b.id) ?? 0) - (held.get(a.id) ?? 0));
      assert.ok(
        leaver && (held.get(leaver.id) ?? 0) > 0,
        `a host with chunks to hand off: ${JSON.stringify({ live, held: [...held] })}`,
      );
      const proc = net.hosts.find((h) => h.url === leaver.url);
      assert.ok(proc);

      // Nobody but the host can make it leave: an exit signed with another key is refused.
      const forged = signMessage(
        HOST_EXIT_LABEL,
        { v: 1, host: leaver.id, at: Date.now() },
        newSigningKeyPair().secretKey,
      );
      const refused = await fetch(`${net.hubUrl}/api/hosts/exit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ exit: forged }),
      });
      assert.equal(refused.status, 401);
      assert.equal((await adminHosts()).find((h) => h.id === leaver.id)?.state, 'online');

      const r = await cli([
        'host',
        'exit',
        '--hub',
        net.hubUrl,
        '--data',
        proc.dir,
        '--wait',
        '--json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.json(), { hostId: leaver.id, state: 'exited', remaining: 0 });
      assert.equal((await adminHosts()).find((h) => h.id === leaver.id)?.state, 'exited');
      for (const p of files) {
        for (const c of await placementOf(p)) {
          assert.ok(!c.hosts.some((h) => h.id === leaver.id), `${p}: nothing left on the leaver`);
          assert.equal(new Set(c.hosts.map((h) => h.country)).size, 2, `${p}: at target`);
        }
      }
      // It gets no new data, and the files read back once it is gone.
      await proc.kill();
      await client.upload('/after-exit.bin', new Uint8Array(3 * 1024 * 1024).fill(5));
      for (const c of await placementOf('/after-exit.bin')) {
        assert.ok(!c.hosts.some((h) => h.id === leaver.id));
      }
      assert.deepEqual(await bytesOf('/exit.bin'), data);

      const stray = await cli(['host', 'exit', '--hub', net.hubUrl, '--data', `${proc.dir}-nope`]);
      assert.notEqual(stray.code, 0);
      assert.match(stray.stderr, /--data: .* holds no host key/);
    });

    test('a lying host, which answers audits with bytes it does not have, is disqualified and its chunks move', async () => {
      const data = new Uint8Array(20 * 1024 * 1024).map((_, i) => (i * 3) % 239);
      await client.upload('/lies.bin', data);
      // The liar: the host holding the most chunks, among those whose loss still leaves two
      // allowed countries. Each failed audit drops one replica, so it needs a few to fail in a row.
      const live = (await adminHosts()).filter((h) => h.state === 'online');
      const held = new Map<string, number>();
      for (const p of ['/lies.bin', '/kept.bin', '/rot.bin']) {
        for (const c of await placementOf(p)) {
          for (const h of c.hosts) held.set(h.id, (held.get(h.id) ?? 0) + 1);
        }
      }
      const [liar] = live
        .filter((h) => leavesTwoCountries(live, h))
        .sort((a, b) => (held.get(b.id) ?? 0) - (held.get(a.id) ?? 0));
      assert.ok(
        liar && (held.get(liar.id) ?? 0) >= 3,
        'a host holding 3 chunks whose loss leaves 2 countries',
      );
      // Its disk now holds noise of the same size: every answer it gives is the wrong bytes.
      for (const file of await segmentsOf(liar.url)) {
        const fh = await open(file, 'r+');
        const { size } = await fh.stat();
        const noise = Buffer.alloc(Math.min(size, 64 * 1024 * 1024)).map(
          () => (Math.random() * 256) | 0,
        );
        await fh.write(noise, 0, noise.length, 0);
        await fh.close();
      }
      await until('the liar is disqualified', async () => {
        return (await adminHosts()).find((h) => h.id === liar.id)?.state === 'disqualified';
      });
      const refused = await adminCli(['audit', liar.id]);
      assert.equal(refused.code, 5);
      assert.match(refused.stderr, /hostId: the host is disqualified/);
      await until('its chunks are back at 2 replicas in 2 countries elsewhere', async () => {
        for (const p of ['/lies.bin', '/kept.bin', '/rot.bin']) {
          for (const c of await placementOf(p)) {
            const others = c.hosts.filter((h) => h.id !== liar.id);
            if (c.hosts.some((h) => h.id === liar.id)) return false;
            if (new Set(others.map((h) => h.country)).size < 2) return false;
          }
        }
        return true;
      });
      assert.deepEqual(await bytesOf('/lies.bin'), data);
    });

    test('with manual approval, a new host takes no data until the operator approves it', async () => {
      const manual = await startNetwork({
        hosts: 2,
        countries: ['FR', 'DE'],
        hubConfig: { hostApproval: 'manual' },
      });
      try {
        const admin = (args: string[]) =>
          cli(['admin', ...args, '--hub', manual.hubUrl, '--json'], {
            ...manual.env,
            COFFER_ADMIN_TOKEN: manual.operatorToken,
          });
        const listed = await admin(['hosts']);
        assert.equal(listed.code, 0, listed.stderr);
        const hosts = listed.json<{ hosts: { id: string; state: string }[] }>().hosts;
        assert.deepEqual(
          hosts.map((h) => h.state),
          ['pending', 'pending'],
        );
        const { client: c } = await CofferClient.signup({
          hubUrl: manual.hubUrl,
          email: 'manual@example.com',
          password: 'pw',
          retry: { maxElapsedMs: 0, firstDelayMs: 10, maxDelayMs: 10 },
        });
        await assert.rejects(c.upload('/x.bin', new Uint8Array(1000)), /host/i);

        const bad = await admin(['hosts', 'approve', 'not-a-host-id']);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /ID/);
        for (const h of hosts) {
          const r = await admin(['hosts', 'approve', h.id]);
          assert.equal(r.code, 0, r.stderr);
          assert.deepEqual(r.json(), { id: h.id, state: 'active' });
        }
        const after = (await admin(['hosts'])).json<{ hosts: { state: string }[] }>().hosts;
        assert.deepEqual(
          after.map((h) => h.state),
          ['online', 'online'],
        );
        await c.upload('/x.bin', new Uint8Array(1000).fill(3));
        assert.deepEqual(
          new Uint8Array(await new Response((await c.download('/x.bin')).stream).arrayBuffer()),
          new Uint8Array(1000).fill(3),
        );
      } finally {
        await manual.close();
      }
    });

    test('Prometheus metrics: the hub (to the operator) and every host', async () => {
      const anonymous = await fetch(`${net.hubUrl}/metrics`);
      assert.equal(anonymous.status, 401);
      const hub = await fetch(`${net.hubUrl}/metrics`, {
        headers: { authorization: `Bearer ${net.operatorToken}` },
      });
      assert.equal(hub.status, 200);
      assert.match(hub.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await hub.text();
      assert.match(text, /^coffer_hub_accounts 1$/m);
      assert.match(text, /^coffer_hub_hosts\{state="disqualified"\} [1-9]\d*$/m);
      assert.match(text, /^coffer_hub_hosts\{state="exited"\} [1-9]\d*$/m);
      assert.match(text, /^coffer_hub_repair_copies_total [1-9]\d*$/m);
      assert.match(text, /^coffer_hub_stored_bytes \d+$/m);
      const live = net.hosts.filter(
        (h) => h.child.exitCode === null && h.child.signalCode === null,
      );
      for (const h of live) {
        await (await fetch(`${h.url}/health`)).arrayBuffer();
        const res = await fetch(`${h.url}/metrics`);
        assert.equal(res.status, 200);
        const body = await res.text();
        assert.match(body, /^coffer_host_chunks \d+$/m);
        assert.match(body, /^coffer_host_capacity_bytes 10737418240$/m);
        assert.match(body, /^coffer_host_requests_total\{method="GET",status="200"\} \d+$/m);
      }
    });
  });
}
