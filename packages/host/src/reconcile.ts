import type { SigningPublicKey } from '@coffer/crypto';
import { IntegrityError } from '@coffer/errors';
import {
  HOST_RECONCILE_LABEL,
  KEEP_PAGE_LABEL,
  type KeepPage,
  keepPageSchema,
  MAX_SIGNED_PAGE,
  openMessage,
  RECONCILE_PAGE,
  routes,
  signMessage,
} from '@coffer/protocol';
import type { HostIdentity } from './identity.ts';
import { postToHub } from './post-to-hub.ts';
import type { ChunkStore } from './store/index.ts';

// The host's side of [Note: Reconciliation] (packages/hub/src/services/hosts.ts): walk the
// store and the hub's keep-set side by side, in chunk id order, a page at a time. Only a page
// signed with the pinned hub key, naming this host and the request, can make the host delete.

export interface ReconcileReport {
  /** Chunks held and listed by the hub. */
  kept: number;
  /** Orphans deleted: held, not listed, older than the grace period. */
  deleted: number;
  /** Listed by the hub but not held: reported, so the hub forgets them. */
  missing: number;
}

const LAST_ID = 'f'.repeat(64);
const OWN_PAGE = 1000;

export async function reconcileStore(o: {
  store: ChunkStore;
  hubUrl: string;
  identity: HostIdentity;
  hubKey: SigningPublicKey;
  signal?: AbortSignal;
}): Promise<ReconcileReport> {
  const report: ReconcileReport = { kept: 0, deleted: 0, missing: 0 };
  const ask = async (after: string | null, missing: string[]): Promise<KeepPage> => {
    const request = signMessage(
      HOST_RECONCILE_LABEL,
      { v: 1, host: o.identity.hostId, at: Date.now(), after, missing },
      o.identity.secretKey,
    );
    const answer = await postToHub({
      hubUrl: o.hubUrl,
      route: routes.hostReconcile,
      body: { request },
      what: 'reconcile',
      signal: o.signal,
    });
    const page = openMessage(
      KEEP_PAGE_LABEL,
      'page',
      answer.page,
      keepPageSchema,
      o.hubKey,
      MAX_SIGNED_PAGE,
    );
    if (page.host !== o.identity.hostId || page.after !== after) {
      throw new IntegrityError('reconcile: the page answers another request');
    }
    if (
      page.keep.some((id, i) =>
        i > 0 ? id <= (page.keep[i - 1] ?? '') : after !== null && id <= after,
      )
    ) {
      throw new IntegrityError('reconcile: the page is not in chunk id order');
    }
    return page;
  };

  let after: string | null = null;
  let missing: string[] = [];
  for (;;) {
    const page = await ask(after, missing);
    const listed = new Set(page.keep);
    const upTo = page.next; // null: through the end of the store
    const oldEnough = Date.now() - page.graceMs;
    let cursor = after;
    for (;;) {
      const own = o.store.listAfter(cursor, OWN_PAGE);
      const inRange = upTo === null ? own : own.filter((c) => c.id <= upTo);
      for (const c of inRange) {
        if (listed.delete(c.id)) report.kept++;
        else if (c.storedAt < oldEnough && (await o.store.delete(c.id))) report.deleted++;
      }
      if (inRange.length < own.length || own.length < OWN_PAGE) break;
      cursor = own.at(-1)?.id ?? null;
    }
    missing = [...listed];
    report.missing += missing.length;
    if (page.next === null) break;
    after = page.next;
  }
  // The last page's missing ids still have to reach the hub.
  for (let i = 0; i < missing.length; i += RECONCILE_PAGE) {
    await ask(LAST_ID, missing.slice(i, i + RECONCILE_PAGE));
  }
  return report;
}

/**
 * Reconciles at start and then every `intervalMs()` (the hub's `reconcile.intervalMs`, 24 h
 * until it says). A failed round is logged and tried again at the next interval.
 */
export function startReconciler(o: {
  store: ChunkStore;
  hubUrl: string;
  identity: HostIdentity;
  hubKey: () => SigningPublicKey | null;
  intervalMs: () => number | null;
  log: (line: string) => void;
}) {
  const stopper = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const round = async () => {
    const hubKey = o.hubKey();
    if (!hubKey) return;
    try {
      const r = await reconcileStore({ ...o, hubKey, signal: stopper.signal });
      if (r.deleted || r.missing) {
        o.log(
          `reconcile: ${r.kept} chunks kept, ${r.deleted} orphans deleted, ${r.missing} missing reported to the hub`,
        );
      }
    } catch (e) {
      if (!stopper.signal.aborted) o.log(`reconcile: ${(e as Error).message}`);
    }
  };
  const next = () => {
    if (stopper.signal.aborted) return;
    timer = setTimeout(() => {
      running = round().finally(next);
    }, o.intervalMs() ?? 86_400_000);
    timer.unref();
  };
  running = round().finally(next);
  return {
    async stop() {
      stopper.abort();
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
