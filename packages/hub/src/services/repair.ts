import { fromBase64Url, type SigningPublicKey } from '@coffer/crypto';
import { HOST, hostRoutes, openMessage, RECEIPT_LABEL, receiptSchema } from '@coffer/protocol';
import { sql } from 'kysely';
import type { Hub } from '../context.ts';
import type { HostRow } from '../db/schema.ts';
import { deleteOnHost } from './gc.ts';
import { capability, isOnline, placeable } from './hosts.ts';
import { periodic } from './periodic.ts';
import { allowedBy, choosePlacement } from './placement.ts';

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

const PARALLEL_COPIES = 4;

export interface RepairRound {
  /** Live chunks below their target when the round started (at most `repair.batch`). */
  underReplicated: number;
  /** Copies made. */
  copied: number;
  /** Chunks left below target this round (no source online, no eligible host, copy failed). */
  failed: number;
}

export interface RepairStatus extends RepairRound {
  lastRoundAt: number | null;
  copiedTotal: number;
}

export async function repairRound(hub: Hub): Promise<RepairRound> {
  const policy = hub.config.placement;
  const lostBefore = hub.now() - hub.config.repair.lostAfterMs;
  const hosts = await hub.db.selectFrom('hosts').selectAll().execute();
  const byId = new Map(hosts.map((h) => [h.id, h]));
  const counts = (h: HostRow) =>
    h.state === 'active' && h.last_seen_at >= lostBefore && allowedBy(policy, h.country);
  const good = hosts.filter(counts).map((h) => h.id);

  // Live chunks whose replicas on counting hosts span fewer countries than the policy needs.
  const goodCountries = good.length
    ? sql<number>`count(distinct case when r.host_id in (${sql.join(good)}) then h.country end)`
    : sql<number>`0`;
  const candidates = await hub.db
    .selectFrom('chunk_replicas as r')
    .innerJoin('hosts as h', 'h.id', 'r.host_id')
    .innerJoin('chunks as c', 'c.id', 'r.chunk_id')
    .select(['r.chunk_id', 'c.size'])
    .where(sql<boolean>`exists (select 1 from revision_chunks rc where rc.chunk_id = r.chunk_id)`)
    .groupBy(['r.chunk_id', 'c.size'])
    .having(goodCountries, '<', policy.replicas)
    // Only chunks with a holder online now: one whose every copy is gone (or whose holders are
    // all away) would otherwise take a batch slot every round and starve the rest (bench/sim
    // found this). Random order shares the batch fairly among chunks that cannot be placed.
    .having(
      sql<number>`count(case when h.last_seen_at >= ${hub.now() - hub.config.offlineAfterMs} then 1 end)`,
      '>',
      0,
    )
    .orderBy(sql`random()`)
    .limit(hub.config.repair.batch)
    .execute();
  const round: RepairRound = { underReplicated: candidates.length, copied: 0, failed: 0 };
  const online = hosts.map((h) => ({ ...h, online: placeable(hub, h) }));
  const reserved = new Map<string, number>();

  // Copies run side by side: each is one source read, one transfer and one fsync elsewhere.
  const repairOne = async ({ chunk_id: chunk, size }: (typeof candidates)[number]) => {
    const replicas = await hub.db
      .selectFrom('chunk_replicas')
      .select('host_id')
      .where('chunk_id', '=', chunk)
      .execute();
    const holders = replicas.map((r) => byId.get(r.host_id)).filter((h) => h !== undefined);
    const have = holders.filter(counts).map((h) => ({ hostId: h.id, country: h.country }));
    const targets = choosePlacement(
      online,
      policy,
      size,
      have,
      new Set(holders.map((h) => h.id)),
      reserved,
    );
    const sources = holders.filter((h) => isOnline(hub, h));
    if (!targets?.length || !sources.length) {
      round.failed++;
      return;
    }
    let complete = true;
    for (const target of targets) {
      let done = false;
      for (const source of sources) {
        if (await copy(hub, chunk, size, source, target)) {
          done = true;
          round.copied++;
          reserved.set(target.id, (reserved.get(target.id) ?? 0) + size);
          break;
        }
      }
      if (!done) complete = false;
    }
    if (!complete) {
      round.failed++;
      return;
    }
    // Back at target: forget replicas on lost or disqualified hosts, move those out of
    // disallowed countries.
    for (const h of holders) {
      if (h.last_seen_at < lostBefore || h.state !== 'active') await forget(hub, chunk, h.id, size);
      else if (!allowedBy(policy, h.country) && (await deleteOnHost(hub, h.id, h.url, chunk))) {
        await forget(hub, chunk, h.id, size);
      }
    }
  };
  const queue = [...candidates];
  await Promise.all(
    Array.from({ length: PARALLEL_COPIES }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await repairOne(next);
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
      signal: AbortSignal.timeout(120_000),
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
    await hub.db.transaction().execute(async (tx) => {
      const added = await tx
        .insertInto('chunk_replicas')
        .values({ chunk_id: chunk, host_id: target.id, receipt: text, stored_at: r.at })
        .onConflict((oc) => oc.columns(['chunk_id', 'host_id']).doNothing())
        .executeTakeFirst();
      if ((added.numInsertedOrUpdatedRows ?? 0n) > 0n) {
        await tx
          .updateTable('hosts')
          .set((eb) => ({ stored_bytes: eb('stored_bytes', '+', size) }))
          .where('id', '=', target.id)
          .execute();
      }
    });
    return true;
  }
  return false;
}

export async function forget(hub: Hub, chunk: string, hostId: string, size: number) {
  await hub.db.transaction().execute(async (tx) => {
    const gone = await tx
      .deleteFrom('chunk_replicas')
      .where('chunk_id', '=', chunk)
      .where('host_id', '=', hostId)
      .executeTakeFirst();
    if (gone.numDeletedRows > 0n) {
      await tx
        .updateTable('hosts')
        .set((eb) => ({
          stored_bytes: sql<number>`case when ${eb.ref('stored_bytes')} > ${size} then ${eb.ref('stored_bytes')} - ${size} else 0 end`,
        }))
        .where('id', '=', hostId)
        .execute();
    }
  });
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
    async () => {
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
    },
    log,
  );
  return { status: () => ({ ...status }), stop: loop.stop };
}
