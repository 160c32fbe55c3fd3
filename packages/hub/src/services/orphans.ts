import {
  HOST_SWEEP_LABEL,
  hostSweepSchema,
  MAX_SIGNED_PAGE,
  type RouteResponse,
  SWEEP_VERDICT_LABEL,
  type SweepVerdict,
  signMessage,
} from '@coffer/protocol';
import type { Hub } from '../context.ts';
import { openHostMessage } from './hosts.ts';

// [Note: Orphan sweep]
// A host can hold a chunk the hub has no record of: a client dies after the host stored it but
// before its receipts reached the hub, a host in a chain stored a copy the commit did without,
// an upload expires with copies whose receipts never came. Reconciliation ([Note:
// Reconciliation]) finds these, but it walks every chunk the host holds, against every record
// of the hub, so it runs rarely (a day apart): millions of chunks a host, thousands of hosts.
//
// The sweep looks only at what is new. Every orphan was once a chunk the host stored, so the
// host keeps a journal, the index of its store by time stored, and a cursor in it. Every
// `orphans.intervalMs` it reports, signed, the ids stored since the cursor and before
// `orphans.graceMs` ago, a page at a time, plus the ids the hub told it to ask about again.
// The hub answers, signed and bound to the report by its nonce, for each id:
//   - keep (not named): it records a copy on this host;
//   - wait: no copy recorded here, but an upload in progress (not committed, not expired)
//     holds the chunk, or a copy job running to this host names it ([Note: Direct copies]),
//     so its receipts may still come; the host asks again next time;
//   - drop: neither; the host deletes it.
// Every chunk put on a host was placed in an upload first (placeInUpload records the hold
// before it hands out put tokens), and an upload accepts receipts only while it holds the
// chunk: until it commits (which ends it, [Note: A commit ends its upload]) or expires. So
// "no record and no live hold" is final for uploads. A repair copy is recorded by the hub right
// after the target stores it; the grace period covers that gap, and a hub that crashed in it
// leaves a true orphan. A verdict can be overtaken: the chunk is dropped, and before the host
// acts on it a new upload (a rerun of the one that died) or a repair places it on this host
// again, and the host, which still holds it, signs a receipt at once. A put of a chunk the host
// already holds therefore moves it to the end of the journal, and the host deletes only chunks
// stored before the round's report; the moved one is reported again later, and dropped then
// if its receipt never reached the hub either. What remains is a put in the instant between
// that check and the deletion; an audit finds the missing copy and repair makes it anew.
//
// Cost: the host reads its journal from the cursor (an index range), the hub looks each id up
// by primary key (chunk_replicas) and by index (upload_chunks): work in proportion to the
// chunks stored since the last sweep, not to the chunks held. Defaults, 20 min apart and 10 min
// of grace, have an orphan gone within about half an hour of the moment it became one.
// Reconciliation stays, rare, for what no journal sees (a host's clock stepping back, chunks
// kept while the hub lost its records).

/** The verdict on reported chunks: pure, for the sweep and its tests. */
export function sweepVerdict(
  reported: readonly string[],
  /** Chunks the hub records on the reporting host. */
  recorded: ReadonlySet<string>,
  /** Chunks an upload in progress holds. */
  held: ReadonlySet<string>,
): Pick<SweepVerdict, 'drop' | 'wait'> {
  const drop: string[] = [];
  const wait: string[] = [];
  for (const id of new Set(reported)) {
    if (recorded.has(id)) continue;
    (held.has(id) ? wait : drop).push(id);
  }
  return { drop, wait };
}

export async function sweep(hub: Hub, text: string): Promise<RouteResponse<'hostSweep'>> {
  const { host, message } = await openHostMessage(
    hub,
    HOST_SWEEP_LABEL,
    'report',
    text,
    hostSweepSchema,
    MAX_SIGNED_PAGE,
  );
  const ids = [...new Set(message.chunks)];
  const recorded = new Set<string>();
  const held = new Set<string>();
  if (ids.length) {
    for (const r of await hub.db
      .selectFrom('chunk_replicas')
      .select('chunk_id')
      .where('host_id', '=', host.id)
      .where('chunk_id', 'in', ids)
      .execute())
      recorded.add(r.chunk_id);
    const rest = ids.filter((x) => !recorded.has(x));
    if (rest.length) {
      for (const r of await hub.db
        .selectFrom('upload_chunks as uc')
        .innerJoin('uploads as u', 'u.id', 'uc.upload_id')
        .select('uc.chunk_id')
        .where('uc.chunk_id', 'in', rest)
        .where('u.expires_at', '>=', hub.now())
        .execute())
        held.add(r.chunk_id);
      // A copy job running to this host holds its chunks too: the report may still come.
      for (const r of await hub.db
        .selectFrom('copy_job_chunks as c')
        .innerJoin('copy_jobs as j', 'j.id', 'c.job_id')
        .select('c.chunk_id')
        .where('c.chunk_id', 'in', rest)
        .where('j.destination_id', '=', host.id)
        .where('j.state', '=', 'running')
        .execute())
        held.add(r.chunk_id);
    }
  }
  const verdict: SweepVerdict = {
    v: 1,
    host: host.id,
    at: hub.now(),
    nonce: message.nonce,
    ...sweepVerdict(ids, recorded, held),
  };
  return { verdict: signMessage(SWEEP_VERDICT_LABEL, verdict, hub.signingKey) };
}
