import { fromBase64Url, type SigningPublicKey } from '@coffer/crypto';
import { AuthError, ConflictError, NotFoundError, ValidationError } from '@coffer/errors';
import {
  type Capability,
  HOST_EXIT_LABEL,
  HOST_HELLO_LABEL,
  hostExitSchema,
  hostHelloSchema,
  hostIdFromKey,
  openMessage,
  peekMessage,
  type RouteResponse,
  signCapability,
} from '@coffer/protocol';
import { sql } from 'kysely';
import type { Hub } from '../context.ts';
import type { HostRow } from '../db/schema.ts';
import { newRecordId } from './ids.ts';

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
    .select(['id', 'last_seen_at'])
    .where('id', '=', h.host)
    .executeTakeFirst();
  const state = {
    url: h.url,
    country: h.country,
    capacity: h.capacity,
    used_bytes: h.usedBytes,
    chunks: h.chunks,
    last_seen_at: now,
  };
  if (existing) {
    await hub.db.updateTable('hosts').set(state).where('id', '=', h.host).execute();
  } else {
    await hub.db
      .insertInto('hosts')
      .values({
        id: h.host,
        public_key: h.publicKey,
        stored_bytes: 0,
        registered_at: now,
        state: hub.config.hostApproval === 'auto' ? 'active' : 'pending',
        ...state,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet(state))
      .execute();
  }
  return { hostId: h.host, hubPublicKey: hub.publicKey, heartbeatMs: hub.config.heartbeatMs };
}

/**
 * Graceful exit ([Note: Repair]): an exiting host's replicas stop counting, so repair copies
 * them elsewhere (from the host itself while it is online) and then forgets them; once it holds
 * none, the host has exited. Signed with the key the host registered with.
 */
export async function exit(hub: Hub, text: string): Promise<RouteResponse<'hostExit'>> {
  const claimed = peekMessage('exit', text, hostExitSchema);
  const host = await hub.db
    .selectFrom('hosts')
    .selectAll()
    .where('id', '=', claimed.host)
    .executeTakeFirst();
  if (!host) throw new NotFoundError('exit.host: no host with this id is registered');
  const key = fromBase64Url(host.public_key, 'public_key', 32) as SigningPublicKey;
  const e = openMessage(HOST_EXIT_LABEL, 'exit', text, hostExitSchema, key);
  if (Math.abs(hub.now() - e.at) > HELLO_WINDOW_MS) {
    throw new AuthError('exit.at: too old or in the future; check the host clock');
  }
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

export const isOnline = (hub: Hub, h: Pick<HostRow, 'last_seen_at'>) =>
  hub.now() - h.last_seen_at <= hub.config.offlineAfterMs;

/** The state the operator sees: an active host is online or offline. */
export const displayState = (hub: Hub, h: Pick<HostRow, 'last_seen_at' | 'state'>) =>
  h.state === 'active' ? (isOnline(hub, h) ? 'online' : 'offline') : h.state;

/** May receive new data: online and in good standing. */
export const placeable = (hub: Hub, h: Pick<HostRow, 'last_seen_at' | 'state'>) =>
  isOnline(hub, h) && h.state === 'active';

export async function adminHosts(hub: Hub): Promise<RouteResponse<'adminHosts'>> {
  const rows = await hub.db.selectFrom('hosts').selectAll().orderBy('country').execute();
  return {
    hosts: rows.map((h) => ({
      id: h.id,
      url: h.url,
      country: h.country,
      capacity: h.capacity,
      usedBytes: Math.max(h.used_bytes, h.stored_bytes),
      chunks: h.chunks,
      online: isOnline(hub, h),
      state: displayState(hub, h),
      audits: { passed: Number(h.audits_passed), failed: Number(h.audits_failed) },
      lastSeenAt: h.last_seen_at,
      registeredAt: h.registered_at,
    })),
  };
}

export async function hostKeys(hub: Hub, ids: string[]): Promise<Map<string, HostRow>> {
  const out = new Map<string, HostRow>();
  if (ids.length === 0) return out;
  const rows = await hub.db.selectFrom('hosts').selectAll().where('id', 'in', ids).execute();
  for (const r of rows) out.set(r.id, r);
  return out;
}

/** A capability token for one operation on one chunk at one host, signed by the hub. */
export function capability(hub: Hub, c: Omit<Capability, 'v' | 'exp' | 'serial'>): string {
  return signCapability(
    {
      v: 1,
      ...c,
      exp: hub.now() + hub.config.tokenTtlSeconds * 1000,
      serial: newRecordId(),
    },
    hub.signingKey,
  );
}
