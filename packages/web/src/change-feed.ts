// The account's change feed on the page: one long poll at a time, through the worker, for every
// view that shows part of the tree.
import type { ChangeInfo } from '@coffer/sdk';
import { type Result, worker } from './api.ts';

// [Note: Listings follow the change feed]
// Views that show the tree (the open folder, Shared, the trash) refresh when the hub's change
// feed says something they show changed, never on a timer: nothing else refreshes a listing
// behind the user's back, so a test that sees another device's change proves the feed works.
// One loop serves every view. It runs only while some view listens and the tab is visible (a
// hidden tab holds no connection to the hub); on becoming visible again it takes a fresh
// `latest()` and tells every view to reload (`'all'`), as it missed whatever happened while
// hidden. A 410 (the cursor expired) does the same. Other errors wait, doubling from 1 s up to
// a minute, and go on from the same cursor, so nothing is missed. The long poll runs in the
// worker outside queue.ts's turn, with its own AbortSignal (`changesStop`).

export type ChangeNews = readonly ChangeInfo[] | 'all';
type Listener = (news: ChangeNews) => void;

const listeners = new Set<Listener>();
let running: { stop: () => void } | null = null;
let nextId = 1;

const MAX_BACKOFF_MS = 60_000;

/** Calls `listener` with each page of changes (or `'all'`: reload); returns the unsubscribe. */
export function onChanges(listener: Listener): () => void {
  listeners.add(listener);
  steer(false);
  return () => {
    listeners.delete(listener);
    steer(false);
  };
}

function visible() {
  return document.visibilityState === 'visible';
}

/** Starts or stops the loop to match: someone listens, and the tab is visible. */
function steer(resumed: boolean) {
  const wanted = listeners.size > 0 && visible();
  if (wanted && !running) running = start(resumed);
  else if (!wanted && running) {
    running.stop();
    running = null;
  }
}

document.addEventListener('visibilitychange', () => steer(true));

function emit(news: ChangeNews) {
  for (const l of [...listeners]) l(news);
}

function start(resumed: boolean) {
  const id = nextId++;
  let stopped = false;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  void (async () => {
    let cursor: string | null = null;
    let backoff = 0;
    // The views listed what they show as they opened; after that, a new cursor means a gap.
    let gap = resumed;
    while (!stopped) {
      if (backoff > 0) await pause(backoff);
      if (stopped) break;
      if (cursor === null) {
        const r = await worker.changesLatest();
        if (stopped) break;
        if (!r.ok) {
          backoff = Math.min(Math.max(backoff * 2, 1000), MAX_BACKOFF_MS);
          continue;
        }
        cursor = r.value;
        backoff = 0;
        if (gap) emit('all');
        gap = true;
        continue;
      }
      const r: Result<{ changes: ChangeInfo[]; cursor: string }> = await worker.changesNext(
        id,
        cursor,
      );
      if (stopped) break;
      if (!r.ok) {
        if (r.code === 'expired') cursor = null;
        else backoff = Math.min(Math.max(backoff * 2, 1000), MAX_BACKOFF_MS);
        continue;
      }
      backoff = 0;
      cursor = r.value.cursor;
      if (r.value.changes.length > 0) emit(r.value.changes);
    }
  })();
  return {
    stop() {
      stopped = true;
      void worker.changesStop(id);
      wake?.();
    },
  };
}
