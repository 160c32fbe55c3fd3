import { fromBase64Url, type SigningPublicKey } from '@coffer/crypto';
import { AuthError, ConflictError, NotFoundError, ValidationError } from '@coffer/errors';
import {
  HOST_CLAIM_LABEL,
  HOST_EXIT_LABEL,
  HOST_HELLO_LABEL,
  HOST_RECONCILE_LABEL,
  hostClaimSchema,
  hostExitSchema,
  hostHelloSchema,
  hostIdFromKey,
  hostReconcileSchema,
  KEEP_PAGE_LABEL,
  type KeepPage,
  MAX_SIGNED_PAGE,
  openMessage,
  peekMessage,
  RECONCILE_PAGE,
  type RouteBody,
  type RouteResponse,
  signMessage,
} from '@coffer/protocol';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Caller, Hub } from '../context.ts';
import type { HostRow } from '../db/schema.ts';
import { diskOf, isOvercommitted, storedOn } from './host-disks.ts';
import { displayState, isOnline, isVetted, tagsOf } from './host-state.ts';
import { forget } from './replicas.ts';
import { foldStoredBytes } from './stored-bytes.ts';

/** A signed hello may be at most this old or this far in the future (clock skew). */
const HELLO_WINDOW_MS = 5 * 60_000;

/**
 * Registration and heartbeat. The hello is signed by the host key it carries, and the host id
 * is derived from that key, so nobody can speak for a host without its private key.
 */
export async function hello(hub: Hub, text: string): Promise<RouteResponse<'hostHello'>> {
  const claimed = peekMessage('hello', text, hostHelloSchema);
  const publicKey = fromBase64Url(claimed.publicKey, 'hello.publicKey', 32) as SigningPublicKey;
  const h = openMessage(HOST_HELLO_LABEL, 'hello', text, hostHelloSchema, publicKey);
  if ((await hostIdFromKey(publicKey)) !== h.host) {
    throw new ValidationError('hello.host', 'is not derived from the public key');
  }
  const now = hub.now();
  if (Math.abs(now - h.at) > HELLO_WINDOW_MS) {
    throw new AuthError('hello.at: too old or in the future; check the host clock');
  }
  const existing = await hub.db
    .selectFrom('hosts')
    .selectAll()
    .where('id', '=', h.host)
    .executeTakeFirst();
  const declaredTags = JSON.stringify(h.tags ?? {});
  const state = {
    url: h.url,
    declared_country: h.country,
    declared_tags: declaredTags,
    capacity: h.capacity,
    used_bytes: h.usedBytes,
    chunks: h.chunks,
    last_seen_at: now,
    reported_in: h.bytesIn ?? 0,
    reported_out: h.bytesOut ?? 0,
    bandwidth: h.bandwidth ?? null,
    personal: h.personal ? 1 : 0,
    disk_free_bytes: h.disk?.freeBytes ?? null,
    disk_size_bytes: h.disk?.sizeBytes ?? null,
  };
  if (existing) {
    // The counters are summed by the database from the row as it is then, never written back
    // from `existing`: two hellos of one host at once (a retry, a replay within the window)
    // would otherwise count the same gap and bytes twice, or lose them. The host's own
    // counters restart at 0 with its process; the hub keeps the running sum.
    const grew = (
      total: 'bytes_in' | 'bytes_out',
      last: 'reported_in' | 'reported_out',
      now: number,
    ) =>
      sql<number>`${sql.ref(total)} + case when ${now} >= ${sql.ref(last)} then ${now} - ${sql.ref(last)} else ${now} end`;
    await hub.db
      .updateTable('hosts')
      .set({
        ...state,
        ...(existing.country_confirmed ? {} : { country: h.country }),
        ...(existing.tags_confirmed ? {} : { tags: declaredTags }),
        online_ms: sql<number>`online_ms + case when ${now} - last_seen_at > 0 and ${now} - last_seen_at <= ${hub.config.offlineAfterMs} then ${now} - last_seen_at else 0 end`,
        bytes_in: grew('bytes_in', 'reported_in', state.reported_in),
        bytes_out: grew('bytes_out', 'reported_out', state.reported_out),
      })
      .where('id', '=', h.host)
      .execute();
  } else {
    await hub.db
      .insertInto('hosts')
      .values({
        id: h.host,
        public_key: h.publicKey,
        country: h.country,
        tags: declaredTags,
        stored_bytes: 0,
        registered_at: now,
        owner_account_id: null,
        bytes_in: state.reported_in,
        bytes_out: state.reported_out,
        state: hub.config.hostApproval === 'auto' ? 'active' : 'pending',
        ...state,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet(state))
      .execute();
  }
  return {
    hostId: h.host,
    hubPublicKey: hub.publicKey,
    heartbeatMs: hub.config.heartbeatMs,
    reconcileMs: hub.config.reconcile.intervalMs,
    sweep: hub.config.orphans,
  };
}

/**
 * Graceful exit ([Note: Repair]): an exiting host's replicas stop counting, so repair copies
 * them elsewhere (from the host itself while it is online) and then forgets them; once it holds
 * none, the host has exited. Signed with the key the host registered with.
 */
export async function exit(hub: Hub, text: string): Promise<RouteResponse<'hostExit'>> {
  const { host } = await openHostMessage(hub, HOST_EXIT_LABEL, 'exit', text, hostExitSchema);
  if (host.state === 'disqualified') {
    throw new ConflictError('exit: this host is disqualified; its chunks are moved already');
  }
  const { n } = await hub.db
    .selectFrom('chunk_replicas')
    .select(sql<number>`count(*)`.as('n'))
    .where('host_id', '=', host.id)
    .executeTakeFirstOrThrow();
  const remaining = Number(n);
  const state = remaining === 0 ? 'exited' : 'exiting';
  if (host.state !== state) {
    await hub.db.updateTable('hosts').set({ state }).where('id', '=', host.id).execute();
  }
  return { state, remaining };
}

/**
 * A message signed by a registered host: checked against the key it registered with, and
 * fresh (within the hello window).
 */
export async function openHostMessage<T extends { host: string; at: number }>(
  hub: Hub,
  label: string,
  field: string,
  text: string,
  schema: z.ZodType<T>,
  maxChars?: number,
): Promise<{ host: HostRow; message: T }> {
  const claimed = peekMessage(field, text, schema, maxChars);
  const host = await hub.db
    .selectFrom('hosts')
    .selectAll()
    .where('id', '=', claimed.host)
    .executeTakeFirst();
  if (!host) throw new NotFoundError(`${field}.host: no host with this id is registered`);
  const key = fromBase64Url(host.public_key, 'public_key', 32) as SigningPublicKey;
  const message = openMessage(label, field, text, schema, key, maxChars);
  if (Math.abs(hub.now() - message.at) > HELLO_WINDOW_MS) {
    throw new AuthError(`${field}.at: too old or in the future; check the host clock`);
  }
  return { host, message };
}

/**
 * [Note: Reconciliation]
 * A host walks its store against the hub's records a page at a time (the keep-set, in chunk id
 * order). What it holds and the hub does not list is an orphan (a delete it missed while
 * offline, a copy the hub forgot when it counted the host lost): it deletes it once older than
 * `reconcile.graceMs`. What the hub lists and the host lacks, it reports; the hub forgets those
 * replicas, so repair restores them instead of waiting for an audit to find them.
 */
export async function reconcile(hub: Hub, text: string): Promise<RouteResponse<'hostReconcile'>> {
  const { host, message } = await openHostMessage(
    hub,
    HOST_RECONCILE_LABEL,
    'request',
    text,
    hostReconcileSchema,
    MAX_SIGNED_PAGE,
  );
  if (message.missing.length) {
    const sizes = await hub.db
      .selectFrom('chunk_replicas as r')
      .innerJoin('chunks as c', 'c.id', 'r.chunk_id')
      .select(['c.id', 'c.size'])
      .where('r.host_id', '=', host.id)
      .where('r.chunk_id', 'in', message.missing)
      .execute();
    for (const c of sizes) await forget(hub, c.id, host.id, c.size);
  }
  const rows = await hub.db
    .selectFrom('chunk_replicas')
    .select('chunk_id')
    .where('host_id', '=', host.id)
    .$if(message.after !== null, (q) => q.where('chunk_id', '>', message.after as string))
    .orderBy('chunk_id')
    .limit(RECONCILE_PAGE + 1)
    .execute();
  const keep = rows.slice(0, RECONCILE_PAGE).map((r) => r.chunk_id);
  const page: KeepPage = {
    v: 1,
    host: host.id,
    at: hub.now(),
    after: message.after,
    keep,
    next: rows.length > RECONCILE_PAGE ? (keep.at(-1) ?? null) : null,
    graceMs: hub.config.reconcile.graceMs,
  };
  return { page: signMessage(KEEP_PAGE_LABEL, page, hub.signingKey) };
}

/** The operator lets a pending host take data. */
export async function approve(hub: Hub, id: string): Promise<RouteResponse<'adminApproveHost'>> {
  const host = await hub.db
    .selectFrom('hosts')
    .select('state')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!host) throw new NotFoundError('id: no host with this id is registered');
  if (host.state === 'pending') {
    await hub.db.updateTable('hosts').set({ state: 'active' }).where('id', '=', id).execute();
  } else if (host.state !== 'active') {
    throw new ConflictError(`id: the host is ${host.state}; only a pending host can be approved`);
  }
  return { id, state: 'active' };
}

/**
 * Share of the time since registration the host was seen online: the gaps between its hellos
 * that were short enough to count, plus the time since its last hello while it is online.
 */
function uptime(hub: Hub, h: HostRow) {
  const current = isOnline(hub, h) ? Math.max(0, hub.now() - h.last_seen_at) : 0;
  return Math.min(1, (Number(h.online_ms) + current) / Math.max(1, hub.now() - h.registered_at));
}

const usage = (hub: Hub, h: HostRow) => ({
  id: h.id,
  url: h.url,
  country: h.country,
  state: displayState(hub, h),
  capacity: h.capacity,
  usedBytes: storedOn(h),
  chunks: h.chunks,
  audits: { passed: Number(h.audits_passed), failed: Number(h.audits_failed) },
  vetted: isVetted(hub, h),
  uptime: uptime(hub, h),
  bytesIn: Number(h.bytes_in),
  bytesOut: Number(h.bytes_out),
  bandwidth: h.bandwidth,
  personal: Boolean(h.personal),
  disk: diskOf(h),
  overcommitted: isOvercommitted(h),
  lastSeenAt: h.last_seen_at,
  registeredAt: h.registered_at,
});

export async function adminHosts(hub: Hub): Promise<RouteResponse<'adminHosts'>> {
  await foldStoredBytes(hub.db);
  const rows = await hub.db.selectFrom('hosts').selectAll().orderBy('country').execute();
  return {
    hosts: rows.map((h) => ({
      ...usage(hub, h),
      declaredCountry:
        h.declared_country && h.declared_country !== h.country ? h.declared_country : null,
      countryConfirmed: Boolean(h.country_confirmed),
      tags: tagsOf(h),
      tagsConfirmed: Boolean(h.tags_confirmed),
      online: isOnline(hub, h),
    })),
  };
}

/**
 * The operator confirms (or corrects) a host's country and tags, which the host's hello can
 * then no longer change, and suspends or resumes it. Repair moves whatever a change puts
 * outside the policy.
 */
export async function updateHost(
  hub: Hub,
  id: string,
  b: RouteBody<'adminUpdateHost'>,
): Promise<RouteResponse<'adminUpdateHost'>> {
  const host = await hub.db.selectFrom('hosts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!host) throw new NotFoundError('id: no host with this id is registered');
  let state = host.state;
  if (b.suspended === true) {
    if (state !== 'active' && state !== 'suspended') {
      throw new ConflictError(
        `suspended: the host is ${state}; only an active host can be suspended`,
      );
    }
    state = 'suspended';
  } else if (b.suspended === false && state === 'suspended') {
    state = 'active';
  }
  const tags = b.tags ? JSON.stringify(b.tags) : host.tags;
  const country = b.country ?? host.country;
  await hub.db
    .updateTable('hosts')
    .set({
      state,
      country,
      tags,
      ...(b.country ? { country_confirmed: 1 } : {}),
      ...(b.tags ? { tags_confirmed: 1 } : {}),
    })
    .where('id', '=', id)
    .execute();
  return {
    id,
    state: displayState(hub, { ...host, state }),
    country,
    tags: JSON.parse(tags) as Record<string, string>,
  };
}

/** Links a host to the caller's account: the claim is signed with the host key. */
export async function claim(
  hub: Hub,
  c: Caller,
  text: string,
): Promise<RouteResponse<'hostClaim'>> {
  const { host, message } = await openHostMessage(
    hub,
    HOST_CLAIM_LABEL,
    'claim',
    text,
    hostClaimSchema,
  );
  if (message.account !== c.accountId) {
    throw new AuthError('claim.account: the claim names another account');
  }
  await hub.db
    .updateTable('hosts')
    .set({ owner_account_id: c.accountId })
    .where('id', '=', host.id)
    .execute();
  return { hostId: host.id };
}

export async function myHosts(hub: Hub, c: Caller): Promise<RouteResponse<'myHosts'>> {
  await foldStoredBytes(hub.db);
  const rows = await hub.db
    .selectFrom('hosts')
    .selectAll()
    .where('owner_account_id', '=', c.accountId)
    .orderBy('registered_at')
    .execute();
  return { hosts: rows.map((h) => usage(hub, h)) };
}
