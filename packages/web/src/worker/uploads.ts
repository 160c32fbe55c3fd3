// Uploads of the account's files: each job is recorded in IndexedDB before anything is sent, so a
// reload continues it; pausing keeps its progress, cancelling forgets it.
import type { CofferClient } from '@coffer/sdk';
import { call, need } from './session.ts';
import { makeThumbnail } from './thumbnail.ts';
import {
  forgetJobs,
  KEEP_FILE_LIMIT,
  pendingJobs,
  resumeStore,
  saveBatch,
  saveJobs,
} from './upload-jobs.ts';

/** The running uploads, by job id (a batch's jobs share one). */
const running = new Map<string, AbortController>();
const CANCELLED = new DOMException('cancelled', 'AbortError');
const cancelled = new Set<string>();

/** At logout: every running upload stops. */
export function stopAllUploads() {
  for (const abort of running.values()) abort.abort(CANCELLED);
}

/** Upload jobs as IndexedDB keeps them, so that a reload continues them. */
function asJobs(c: CofferClient, list: { id: string; path: string; file: File }[]) {
  const accountId = c.whoami().accountId;
  return list.map(({ id, path, file }) => ({
    id,
    accountId,
    path,
    name: file.name,
    size: file.size,
    lastModified: file.lastModified,
    file,
  }));
}

export const uploadsApi = {
  /**
   * Uploads (or continues uploading) a job. It is remembered until it completes or is
   * cancelled; `pause` stops it with its progress kept.
   */
  upload: (
    job: { id: string; path: string; file: File },
    onProgress: (done: number, total: number) => void,
  ) =>
    call(async () => {
      // Registered before anything is awaited, so a pause or cancel that follows always finds it.
      const abort = new AbortController();
      running.set(job.id, abort);
      const c = need();
      const { file } = job;
      try {
        await saveJobs(
          asJobs(c, [job]).map((j) => ({ ...j, file: file.size <= KEEP_FILE_LIMIT ? file : null })),
        );
        abort.signal.throwIfAborted();
        const thumbnail = await makeThumbnail(file);
        const entry = await c.upload(job.path, file.stream(), {
          ...(thumbnail ? { thumbnail } : {}),
          size: file.size,
          mtime: file.lastModified,
          parents: true,
          ...(file.type ? { mime: file.type } : {}),
          resume: { store: resumeStore, key: job.id },
          // Each request costs more in a browser than in Node: keep more chunks in flight.
          concurrency: 8,
          signal: abort.signal,
          onProgress: (p) => onProgress(p.bytesDone, file.size),
        });
        await forgetJobs([job.id]);
        return entry;
      } finally {
        running.delete(job.id);
        if (cancelled.delete(job.id)) await forgetJobs([job.id]);
      }
    }),
  /**
   * Uploads many small files as one unit: packed together and committed in one call, all or
   * nothing. Pausing or cancelling any of them stops the unit; the page queues the rest again.
   */
  uploadBatch: (
    batch: { id: string; path: string; file: File }[],
    onProgress: (done: number) => void,
  ) =>
    call(async () => {
      const abort = new AbortController();
      for (const job of batch) running.set(job.id, abort);
      const c = need();
      try {
        await saveBatch(asJobs(c, batch));
        abort.signal.throwIfAborted();
        // One read of them all: a read per file cost as much as encrypting it.
        const all = new Uint8Array(await new Blob(batch.map((j) => j.file)).arrayBuffer());
        const starts: number[] = [];
        let at = 0;
        for (const j of batch) {
          starts.push(at);
          at += j.file.size;
        }
        const files = await Promise.all(
          batch.map(async ({ path, file }, i) => {
            const thumbnail = await makeThumbnail(file);
            const start = starts[i] ?? 0;
            return {
              path,
              bytes: all.slice(start, start + file.size),
              mtime: file.lastModified,
              ...(file.type ? { mime: file.type } : {}),
              ...(thumbnail ? { thumbnail } : {}),
            };
          }),
        );
        await c.uploadMany(files, {
          parents: true,
          signal: abort.signal,
          onProgress: (p) => onProgress(p.bytesDone),
        });
        await forgetJobs(batch.map((j) => j.id));
      } finally {
        for (const job of batch) running.delete(job.id);
        await forgetJobs(batch.map((j) => j.id).filter((id) => cancelled.delete(id)));
      }
    }),
  pauseUpload: (id: string) => running.get(id)?.abort(new DOMException('paused', 'AbortError')),
  cancelUpload: async (id: string) => {
    // A paused upload may still be winding down; its own cleanup forgets it again.
    const upload = running.get(id);
    if (upload) {
      cancelled.add(id);
      upload.abort(CANCELLED);
    }
    await forgetJobs([id]);
  },
  /** Uploads this account left unfinished, in this browser. */
  pendingUploads: () => call(() => pendingJobs(need().whoami().accountId)),
};
