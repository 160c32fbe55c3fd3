import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newAccountId, type SigningPublicKey } from '@coffer/crypto';
import { IntegrityError } from '@coffer/errors';
import {
  HOST_SWEEP_LABEL,
  MAX_SIGNED_PAGE,
  openMessage,
  routes,
  SWEEP_PAGE,
  SWEEP_VERDICT_LABEL,
  type SweepVerdict,
  signMessage,
  sweepVerdictSchema,
} from '@coffer/protocol';
import type { HostIdentity } from './identity.ts';
import { postToHub } from './post-to-hub.ts';
import type { ChunkStore } from './store/index.ts';

// The host's side of [Note: Orphan sweep] (packages/hub/src/services/orphans.ts): report the
// chunks stored since the cursor, past the grace period, and delete what the hub's signed
// verdict drops. The cursor and the ids to ask about again live in DATA/sweep.json.

export interface SweepSettings {
  intervalMs: number;
  graceMs: number;
}

interface SweepState {
  v: 1;
  /** The last chunk reported, by time stored and id; null: none yet. */
  cursor: { at: number; id: string } | null;
  /** Ids the hub said to ask about again (an upload in progress holds them). */
  recheck: string[];
}

export interface SweepRound {
  reported: number;
  deleted: number;
  waiting: number;
}

/** Beyond this many ids to ask about again, the oldest are left to reconciliation. */
const MAX_RECHECK = 200_000;

const statePath = (dir: string) => join(dir, 'sweep.json');

async function loadState(dir: string): Promise<SweepState> {
  try {
    const v = JSON.parse(await readFile(statePath(dir), 'utf8')) as Partial<SweepState>;
    if (v.v === 1 && Array.isArray(v.recheck)) {
      const c = v.cursor;
      const cursor =
        c && typeof c.at === 'number' && typeof c.id === 'string' ? { at: c.at, id: c.id } : null;
      return { v: 1, cursor, recheck: v.recheck.filter((x) => typeof x === 'string') };
    }
  } catch {
    // Missing or damaged: start from the beginning of the journal.
  }
  return { v: 1, cursor: null, recheck: [] };
}

async function saveState(dir: string, s: SweepState): Promise<void> {
  const tmp = `${statePath(dir)}.tmp`;
  await writeFile(tmp, JSON.stringify(s), { mode: 0o600 });
  await rename(tmp, statePath(dir));
}

/**
 * Checks a verdict against the report it answers and returns the ids the host may delete and
 * those to ask about again. Pure, for the sweep and its tests.
 */
export function acceptVerdict(
  v: SweepVerdict,
  report: { host: string; nonce: string; chunks: readonly string[] },
): { drop: string[]; wait: string[] } {
  if (v.host !== report.host || v.nonce !== report.nonce) {
    throw new IntegrityError('sweep: the verdict answers another report');
  }
  const asked = new Set(report.chunks);
  if ([...v.drop, ...v.wait].some((id) => !asked.has(id))) {
    throw new IntegrityError('sweep: the verdict names chunks that were not reported');
  }
  return { drop: [...new Set(v.drop)], wait: [...new Set(v.wait)] };
}

export interface SweepOptions {
  store: ChunkStore;
  dataDir: string;
  hubUrl: string;
  identity: HostIdentity;
  hubKey: SigningPublicKey;
  graceMs: number;
  signal?: AbortSignal;
}

async function ask(o: SweepOptions, chunks: string[]) {
  const report = { host: o.identity.hostId, nonce: newAccountId(), chunks };
  const text = signMessage(
    HOST_SWEEP_LABEL,
    { v: 1, at: Date.now(), ...report },
    o.identity.secretKey,
  );
  const answer = await postToHub({
    hubUrl: o.hubUrl,
    route: routes.hostSweep,
    body: { report: text },
    what: 'sweep',
    signal: o.signal,
  });
  const verdict = openMessage(
    SWEEP_VERDICT_LABEL,
    'verdict',
    answer.verdict,
    sweepVerdictSchema,
    o.hubKey,
    MAX_SIGNED_PAGE,
  );
  return acceptVerdict(verdict, report);
}

/** One sweep: the ids to ask about again, then the journal from the cursor to the grace. */
export async function sweepStore(o: SweepOptions): Promise<SweepRound> {
  const round: SweepRound = { reported: 0, deleted: 0, waiting: 0 };
  const state = await loadState(o.dataDir);
  const before = Date.now() - o.graceMs;
  const waiting = new Set<string>();
  const settle = async (chunks: string[]) => {
    const { drop, wait } = await ask(o, chunks);
    round.reported += chunks.length;
    for (const id of drop) {
      // Stored again since the report (deleted and put back)? Then it is not the one judged.
      const now = o.store.locate(id);
      if (now && now.storedAt < before && (await o.store.delete(id))) round.deleted++;
    }
    for (const id of wait) waiting.add(id);
  };
  const recheck = state.recheck.filter((id) => o.store.has(id));
  for (let i = 0; i < recheck.length; i += SWEEP_PAGE) {
    await settle(recheck.slice(i, i + SWEEP_PAGE));
  }
  for (;;) {
    o.signal?.throwIfAborted();
    const page = o.store.listStored(state.cursor, before, SWEEP_PAGE);
    if (!page.length) break;
    await settle(page.map((c) => c.id));
    const last = page.at(-1) as { id: string; storedAt: number };
    state.cursor = { at: last.storedAt, id: last.id };
    state.recheck = [...waiting].slice(-MAX_RECHECK);
    await saveState(o.dataDir, state);
    if (page.length < SWEEP_PAGE) break;
  }
  state.recheck = [...waiting].slice(-MAX_RECHECK);
  await saveState(o.dataDir, state);
  round.waiting = waiting.size;
  return round;
}

/**
 * Sweeps every `settings().intervalMs` (the hub's `orphans`, told in its hello answer), or
 * `intervalMs` when the host was started with one. A failed round is logged and tried again
 * at the next interval.
 */
export function startSweeper(o: {
  store: ChunkStore;
  dataDir: string;
  hubUrl: string;
  identity: HostIdentity;
  hubKey: () => SigningPublicKey | null;
  settings: () => SweepSettings | null;
  intervalMs?: number;
  log: (line: string) => void;
}) {
  const stopper = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const round = async () => {
    const hubKey = o.hubKey();
    const settings = o.settings();
    if (!hubKey || !settings) return;
    try {
      const r = await sweepStore({
        ...o,
        hubKey,
        graceMs: settings.graceMs,
        signal: stopper.signal,
      });
      if (r.deleted) {
        o.log(
          `sweep: ${r.reported} chunks reported, ${r.deleted} orphans deleted, ${r.waiting} held by uploads in progress`,
        );
      }
    } catch (e) {
      if (!stopper.signal.aborted) o.log(`sweep: ${(e as Error).message}`);
    }
  };
  const next = () => {
    if (stopper.signal.aborted) return;
    timer = setTimeout(
      () => {
        running = round().finally(next);
      },
      o.intervalMs ?? o.settings()?.intervalMs ?? 20 * 60_000,
    );
    timer.unref();
  };
  next();
  return {
    async stop() {
      stopper.abort();
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
