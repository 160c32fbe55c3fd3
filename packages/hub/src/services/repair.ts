import { fromBase64Url, type SigningPublicKey } from '@coffer/crypto';
import { HOST, hostRoutes, openMessage, RECEIPT_LABEL, receiptSchema } from '@coffer/protocol';
import { sql } from 'kysely';
import type { Hub, RepairRound, RepairStatus } from '../context.ts';
import type { HostRow } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { inTransaction } from '../db/transaction.ts';
import { capability } from './capability.ts';
import { deleteOnHost } from './gc.ts';
import {
  type HostView,
  hostViews,
  inGoodStanding,
  isOnline,
  transferTimeoutMs,
} from './host-state.ts';
import { led, periodic } from './periodic.ts';
import {
  allowedByAny,
  belowPolicy,
  choosePlacement,
  type Holding,
  hostAllowed,
  type Placement,
} from './placement.ts';
import { chunkPolicies, chunksUnderPolicies } from './policies.ts';
import { forget, recordReplicas, replicaOf } from './replicas.ts';

// [Note: Repair]
// A replica counts toward a chunk's target only on a host in good standing (not disqualified
// by audits), not lost (seen within
// `repair.lostAfterMs`) and in a country the policy allows; a host that is merely offline for
// a while still counts, so a restart does not set off a wave of copies. Each round finds up to
// `repair.batch` live chunks with fewer counting replicas (in distinct countries) than the
// policy asks for, picks new hosts with the upload placement rules, and orders a host-to-host
// copy: a copy token for a healthy source names the target, and the target's own put token
// rides along. The target checks the bytes against the chunk id and signs a receipt, which the
// hub verifies against the target's key before it records the replica. The hub never relays
// the data. Once a chunk is back at its target, replicas on lost hosts are forgotten and those
// in countries the policy no longer allows are deleted from their hosts.

// [Note: Repair throughput]
// A copy's time is mostly waiting: for the source's read, the transfer, the target's hash and
// fsync, and the answers back through two processes on a busy machine. Four copies at a time in
// all left both cores idle part of the time; now each online host gets COPIES_PER_HOST (so a
// round with more hosts uses them all), and each copy goes out from its least busy holder, so
// no host sends while another with the same chunks sits idle. The round also reads the holders
// of its whole batch at once instead of one query per chunk. The CPU a gigabyte costs is in
// docs/benchmarks.md (Repair): most of it is on the hosts (the transfer over HTTP, the hash,
// the writes), not here.

/** Copies in flight per online host, and at most in all (see [Note: Repair throughput]). */
const COPIES_PER_HOST = 4;
const MAX_PARALLEL_COPIES = 64;
/** Chunks under folder policies checked per round. */
const POLICY_SCAN = 20_000;

/**
 * Live chunks whose replicas on counting hosts span fewer countries than the network's policy
 * needs, or that have a copy on a host the policy no longer allows. With `repairable`, only
 * those with a holder online now: repair can work on nothing else.
 */
function belowTarget(hub: Hub, hosts: readonly HostView[], repairable: boolean) {
  const network = hub.config.placement;
  const lostBefore = hub.now() - hub.config.repair.lostAfterMs;
  const publicHosts = hosts.filter((h) => !h.isPersonal);
  const good = publicHosts
    .filter((h) => inGoodStanding(h) && h.last_seen_at >= lostBefore && hostAllowed(network, h))
    .map((h) => h.id);
  const outside = publicHosts.filter((h) => !hostAllowed(network, h)).map((h) => h.id);
  // A chunk on a personal server follows its folder's policy: the folder scan checks it.
  const personal = hosts.filter((h) => h.isPersonal).map((h) => h.id);
  const goodCountries = good.length
    ? sql<number>`count(distinct case when r.host_id in (${sql.join(good)}) then h.country end)`
    : sql<number>`0`;
  const misplaced = outside.length
    ? sql<number>`count(case when r.host_id in (${sql.join(outside)}) then 1 end)`
    : sql<number>`0`;
  const onPersonalServers = personal.length
    ? sql<number>`count(case when r.host_id in (${sql.join(personal)}) then 1 end)`
    : sql<number>`0`;
  const online = sql<number>`count(case when h.last_seen_at >= ${hub.now() - hub.config.offlineAfterMs} then 1 end)`;
  return hub.db
    .selectFrom('chunk_replicas as r')
    .innerJoin('hosts as h', 'h.id', 'r.host_id')
    .innerJoin('chunks as c', 'c.id', 'r.chunk_id')
    .select(['r.chunk_id', 'c.size'])
    .where(sql<boolean>`exists (select 1 from revision_chunks rc where rc.chunk_id = r.chunk_id)`)
    .groupBy(['r.chunk_id', 'c.size'])
    .having((eb) =>
      eb.and([
        eb.or([eb(goodCountries, '<', network.replicas), eb(misplaced, '>', 0)]),
        eb(onPersonalServers, '=', 0),
        ...(repairable ? [eb(online, '>', 0)] : []),
      ]),
    );
}

/** For the operator: chunks below target (network policy), and those repair can work on. */
export async function belowTargetCounts(hub: Hub) {
  const hosts = await hostViews(hub);
  const count = async (repairable: boolean) =>
    Number(
      (
        await hub.db
          .selectFrom(belowTarget(hub, hosts, repairable).as('t'))
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { underReplicated: await count(false), repairQueue: await count(true) };
}

export async function repairRound(hub: Hub): Promise<RepairRound> {
  const network = hub.config.placement;
  const lostBefore = hub.now() - hub.config.repair.lostAfterMs;
  const hosts = await hostViews(hub);
  const byId = new Map(hosts.map((h) => [h.id, h]));
  /** The replica counts toward targets: its host is in good standing and not lost. */
  const counts = (h: HostView) => inGoodStanding(h) && h.last_seen_at >= lostBefore;
  // Only chunks with a holder online: one whose every copy is gone (or whose holders are all
  // away) would otherwise take a batch slot every round and starve the rest (bench/sim found
  // this). Random order shares the batch fairly among chunks that cannot be placed.
  // The chunks on personal servers are only in the per-chunk pass below: a quarter of the batch
  // stays for it, so a long outage on the network does not starve them.
  const batch = hub.config.repair.batch;
  const reserve = hosts.some((h) => h.isPersonal) ? Math.ceil(batch / 4) : 0;
  const found = await belowTarget(hub, hosts, true)
    .orderBy(sql`random()`)
    .limit(Math.max(1, batch - reserve))
    .execute();
  const sizes = new Map(found.map((r) => [r.chunk_id, r.size]));
  // Folder policies ([Note: Folder policies]) are checked here, chunk by chunk.
  if (sizes.size < hub.config.repair.batch) {
    const under = [
      ...new Set([
        ...(await chunksUnderPolicies(hub, POLICY_SCAN)),
        ...(await chunksOnPersonalServers(hub, hosts, POLICY_SCAN)),
      ]),
    ];
    const policies = await chunkPolicies(hub, under);
    const replicas = await holdersOf(hub, under);
    for (const chunk of under) {
      if (sizes.size >= hub.config.repair.batch) break;
      const required = policies.get(chunk) ?? [network];
      const holders = (replicas.get(chunk)?.holders ?? [])
        .map((id) => byId.get(id))
        .filter((h) => h !== undefined);
      const counting = holders.filter(counts).map(holding);
      if (
        belowPolicy(required, counting, holders.map(holding), hosts) &&
        holders.some((h) => isOnline(hub, h))
      ) {
        sizes.set(chunk, replicas.get(chunk)?.size ?? 0);
      }
    }
  }
  const candidates = [...sizes.keys()];
  const policies = await chunkPolicies(hub, candidates);
  const round: RepairRound = { underReplicated: candidates.length, copied: 0, failed: 0 };
  const reserved = new Map<string, number>();
  // The holders of every candidate in one query: a query per chunk cost the hub more than the
  // copy order itself. A replica recorded meanwhile (an upload) only makes a copy redundant.
  const holdersNow = await holdersOf(hub, candidates);
  // [Note: No copies to a suspect]
  // A host whose last audit failed is a suspect until it passes one: repair places copies
  // elsewhere when it can. Otherwise the copy a failed audit dropped tends to go straight back
  // to it (it has the most free space once its replicas are forgotten), a host that lost its
  // data passes audits of those fresh copies, and its failures never come three in a row. A
  // suspect is still used when no other host fits, so a small network is never left short.
  const trusted = hosts.filter((h) => Number(h.failed_streak) === 0);
  /** Copies in flight from each source: a copy goes out from the least busy holder. */
  const sending = new Map<string, number>();

  // Copies run side by side: each is one source read, one transfer and one fsync elsewhere.
  const repairOne = async (chunk: string) => {
    const size = sizes.get(chunk) ?? 0;
    const required = policies.get(chunk) ?? [network];
    const holders = (holdersNow.get(chunk)?.holders ?? [])
      .map((id) => byId.get(id))
      .filter((h) => h !== undefined);
    const have = holders.filter(counts).map(holding);
    // Each account's requirement in turn, counting what the ones before it chose; the network
    // part and the personal part of each apart, so that a personal server away for a while
    // does not hold up copies on the network (or another account's), and the other way round.
    const targets: HostView[] = [];
    let placedAll = true;
    for (const part of required.flatMap(parts)) {
      const place = (among: readonly HostView[]) =>
        choosePlacement(
          among,
          part,
          size,
          [...have, ...targets.map(holding)],
          new Set([...holders, ...targets].map((h) => h.id)),
          reserved,
          hub.config.vetting.share,
        );
      const more = place(trusted) ?? place(hosts);
      if (more) targets.push(...more);
      else placedAll = false;
    }
    const busy = (h: HostView) => sending.get(h.id) ?? 0;
    const sources = holders.filter((h) => isOnline(hub, h)).sort((a, b) => busy(a) - busy(b));
    if (targets.length > 0 && !sources.length) {
      round.failed++;
      return;
    }
    let complete = true;
    for (const target of targets) {
      let done = false;
      for (const source of sources) {
        sending.set(source.id, busy(source) + 1);
        const copied = await copy(hub, chunk, size, source, target);
        sending.set(source.id, busy(source) - 1);
        if (copied) {
          done = true;
          round.copied++;
          reserved.set(target.id, (reserved.get(target.id) ?? 0) + size);
          break;
        }
      }
      if (!done) complete = false;
    }
    if (!complete || !placedAll) {
      // What was copied stays; nothing is deleted until every requirement is met.
      round.failed++;
      return;
    }
    // Back at target: forget replicas on lost or disqualified hosts, move those no requirement
    // allows (excluded country, missing tag, a personal server no policy keeps it on).
    for (const h of holders) {
      if (h.last_seen_at < lostBefore || !inGoodStanding(h)) await forget(hub, chunk, h.id, size);
      else if (
        !allowedByAny(required, holding(h)) &&
        (await deleteOnHost(hub, h.id, h.url, chunk))
      ) {
        await forget(hub, chunk, h.id, size);
      }
    }
  };
  const queue = [...candidates];
  const online = hosts.filter((h) => isOnline(hub, h)).length;
  const parallel = Math.min(MAX_PARALLEL_COPIES, Math.max(4, COPIES_PER_HOST * online));
  await Promise.all(
    Array.from({ length: Math.min(parallel, queue.length) }, async () => {
      // The lease is looked at between chunks: a process that lost it (stalled past it) stops
      // rather than copying beside the new leader.
      for (let next = queue.shift(); next && hub.leads('repair'); next = queue.shift()) {
        await repairOne(next);
      }
    }),
  );
  // An exiting host whose last chunk has been copied elsewhere has exited.
  await hub.db
    .updateTable('hosts')
    .set({ state: 'exited' })
    .where('state', '=', 'exiting')
    .where(sql<boolean>`not exists (select 1 from chunk_replicas r where r.host_id = hosts.id)`)
    .execute();
  return round;
}

/** A requirement as what repair places separately: "both" is a network and a personal part. */
const parts = (p: Placement): Placement[] =>
  p.on === 'both'
    ? [
        { ...p, on: 'network' },
        { ...p, on: 'personal' },
      ]
    : [p];

const holding = (h: HostView): Holding => ({
  hostId: h.id,
  country: h.country,
  labels: h.labels,
  isPersonal: h.isPersonal,
  owner_account_id: h.owner_account_id,
});

/**
 * Up to `limit` chunks with a copy on a personal server, in random order: their folders' policy
 * may have changed (or been cleared), which the network's scan does not look at.
 */
async function chunksOnPersonalServers(hub: Hub, hosts: readonly HostView[], limit: number) {
  const personal = hosts.filter((h) => h.isPersonal).map((h) => h.id);
  if (personal.length === 0) return [];
  const rows = await hub.db
    .selectFrom('chunk_replicas')
    .select('chunk_id')
    .where('host_id', 'in', personal)
    // Only committed chunks: an upload in progress, or a copy its member has not adopted yet,
    // has no folder to say where it belongs, and the network's policy would move it away.
    .where(
      sql<boolean>`exists (select 1 from revision_chunks rc where rc.chunk_id = chunk_replicas.chunk_id)`,
    )
    .groupBy('chunk_id')
    .orderBy(sql`random()`)
    .limit(limit)
    .execute();
  return rows.map((r) => r.chunk_id);
}

/** The hosts recorded for each chunk, and its size. */
async function holdersOf(hub: Hub, chunks: readonly string[]) {
  const out = new Map<string, { size: number; holders: string[] }>();
  for (const part of slices(chunks)) {
    const rows = await hub.db
      .selectFrom('chunk_replicas as r')
      .innerJoin('chunks as c', 'c.id', 'r.chunk_id')
      .select(['r.chunk_id', 'r.host_id', 'c.size'])
      .where('r.chunk_id', 'in', part)
      .execute();
    for (const r of rows) {
      const e = out.get(r.chunk_id) ?? { size: r.size, holders: [] };
      e.holders.push(r.host_id);
      out.set(r.chunk_id, e);
    }
  }
  return out;
}

/** Orders `source` to send the chunk to `target`; records the replica on a valid receipt. */
async function copy(hub: Hub, chunk: string, size: number, source: HostRow, target: HostRow) {
  const copyToken = capability(hub, {
    host: source.id,
    op: 'copy',
    chunk,
    max: size,
    fwd: [{ host: target.id, url: target.url }],
  });
  const putToken = capability(hub, { host: target.id, op: 'put', chunk, max: size });
  let body: unknown;
  try {
    const res = await fetch(source.url + HOST.chunkPath(chunk), {
      method: 'POST',
      headers: { authorization: `Bearer ${copyToken}`, [HOST.forwardHeader]: putToken },
      signal: AbortSignal.timeout(transferTimeoutMs(120_000, size, source, target)),
    });
    body = await res.json().catch(() => undefined);
    if (res.status !== 201) return false;
  } catch {
    return false;
  }
  const parsed = hostRoutes.putResponse.safeParse(body);
  if (!parsed.success) return false;
  const key = fromBase64Url(target.public_key, 'public_key', 32) as SigningPublicKey;
  for (const text of parsed.data.receipts) {
    let r: ReturnType<typeof receiptSchema.parse>;
    try {
      r = openMessage(RECEIPT_LABEL, 'receipt', text, receiptSchema, key);
    } catch {
      continue;
    }
    if (r.host !== target.id || r.chunk !== chunk || r.size !== size) continue;
    await inTransaction(hub.db, (tx) => recordReplicas(tx, [replicaOf(r, text)]));
    return true;
  }
  return false;
}

/** Runs repair rounds every `repair.intervalMs`; `status()` is what the operator sees. */
export function startRepairer(hub: Hub, log: (line: string) => void) {
  const status: RepairStatus = {
    underReplicated: 0,
    copied: 0,
    failed: 0,
    lastRoundAt: null,
    copiedTotal: 0,
  };
  const loop = periodic(
    'repair',
    hub.config.repair.intervalMs,
    led(hub, 'repair', async () => {
      const r = await repairRound(hub);
      Object.assign(status, r, {
        lastRoundAt: hub.now(),
        copiedTotal: status.copiedTotal + r.copied,
      });
      if (r.copied || r.failed) {
        log(
          `repair: ${r.underReplicated} chunks below target, ${r.copied} copies made, ${r.failed} left`,
        );
      }
    }),
    log,
  );
  return { status: () => ({ ...status }), stop: loop.stop };
}
