import { ChunkStore } from './store.ts';
import type { CompactionReport, CompactOptions, StoreStats } from './types.ts';

// Compaction without being asked: on a timer in a running host, or once from the command line.

export interface CompactorOptions extends Omit<CompactOptions, 'signal' | 'onStep'> {
  /** Time between runs. Default 5 minutes. */
  intervalMs?: number;
  /** Time before the first run, so start-up is not slowed. Default 30 s. */
  firstRunMs?: number;
}

export interface Compactor {
  /** Stops the timer and the run in progress (after its batch); resolves when it has stopped. */
  stop(): Promise<void>;
}

/**
 * Runs `store.compact()` every `intervalMs` until stopped or the store closes. Failures are
 * logged and retried at the next run. A run that reclaimed something is logged.
 */
export function startCompactor(store: ChunkStore, o: CompactorOptions = {}): Compactor {
  const { intervalMs = 5 * 60_000, firstRunMs = 30_000, ...compactOptions } = o;
  const stopped = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  const schedule = (ms: number) => {
    if (stopped.signal.aborted) return;
    timer = setTimeout(run, ms);
    timer.unref();
  };
  const run = () => {
    try {
      store.checkOpen();
    } catch {
      return; // the store closed: nothing more to do
    }
    running = store
      .compact({ ...compactOptions, signal: stopped.signal })
      .then(
        (r) => {
          if (r.segmentsCompacted > 0) {
            store.logLine(
              `store: compacted ${r.segmentsCompacted} segments: moved ${r.bytesMoved} bytes, reclaimed ${r.bytesReclaimed}`,
            );
          }
        },
        (e) => store.logLine(`store: compaction failed (retrying later): ${String(e)}`),
      )
      .finally(() => {
        running = null;
        schedule(intervalMs);
      });
  };
  schedule(firstRunMs);
  return {
    stop: async () => {
      stopped.abort();
      clearTimeout(timer);
      await running;
    },
  };
}

/**
 * Opens the store in `dir`, compacts it and closes it: for the command line, with the host
 * stopped (a running host compacts by itself with `startCompactor`).
 */
export async function compactStore(
  dir: string,
  o: CompactOptions & { log?: (line: string) => void; compactDeadRatio?: number } = {},
): Promise<
  CompactionReport & Pick<StoreStats, 'chunks' | 'segments' | 'deadBytes' | 'reclaimableBytes'>
> {
  const { log, compactDeadRatio, ...compactOptions } = o;
  const store = await ChunkStore.open({
    dir,
    capacity: Number.MAX_SAFE_INTEGER,
    ...(log ? { log } : {}),
    ...(compactDeadRatio !== undefined ? { compactDeadRatio } : {}),
  });
  try {
    const report = await store.compact(compactOptions);
    const { chunks, segments, deadBytes, reclaimableBytes } = store.stats();
    return { ...report, chunks, segments, deadBytes, reclaimableBytes };
  } finally {
    await store.close();
  }
}
