// The upload queue: what is waiting, running, paused or failed, with progress per file and
// overall, speed and time left. The crypto worker keeps each job in IndexedDB, so the queue
// picks unfinished uploads up again after a reload.
import * as Comlink from 'comlink';
import { useRef, useSyncExternalStore } from 'react';
import { type Result, worker } from './api.ts';
import type { Strings } from './i18n/en.ts';
import { fill } from './i18n/format.ts';
import { useT } from './i18n/use-t.ts';
import { QuotaExceeded, type QuotaFigures } from './settings/quota-exceeded.tsx';
import { useFigures } from './use-figures.ts';

export interface Job {
  id: string;
  path: string;
  name: string;
  size: number;
  lastModified: number;
  file: File | null;
  done: number;
  state: 'queued' | 'running' | 'paused' | 'failed' | 'needs-file' | 'cancelling';
  error?: string | undefined;
  /** A refusal under the account's quota, shown in the page's language. */
  quota?: QuotaFigures | undefined;
}

/**
 * Units uploading at once: a large file keeps the pipe full on its own (8 chunks in flight),
 * small files are bound by round trips to the hub, so they go up in batches.
 */
const PARALLEL_LARGE = 2;
const UNITS = 3;
/** Files up to this size go up in batches: packed together and committed in one call (the
 * SDK's SMALL_FILE_LIMIT). */
const SMALL = 1024 * 1024;
const BATCH_FILES = 500;
const BATCH_BYTES = 8 * 1024 * 1024;

let jobs: Job[] = [];
const listeners = new Set<() => void>();
const finished = new Set<(path: string) => void>();
/** Bytes done over time, for the speed and ETA of the whole queue (the last 10 s). */
let samples: { at: number; bytes: number }[] = [];
let doneBytes = 0;
/** Files finished since the queue was last empty; told once it empties. */
let doneFiles = 0;
/** What the last queue did, shown until new uploads start or it is dismissed. */
let summary: { files: number; bytes: number } | null = null;

function emit() {
  if (pending) clearTimeout(pending);
  pending = null;
  for (const l of listeners) l();
}

let pending: ReturnType<typeof setTimeout> | null = null;
/** Progress repaints at most every 200 ms: hundreds of small files would otherwise re-render
 * the panel for every chunk of every file. */
function emitSoon() {
  pending ??= setTimeout(emit, 200);
}

function update(id: string, change: Partial<Job>) {
  jobs = jobs.map((j) => (j.id === id ? { ...j, ...change } : j));
  emit();
}

function sample() {
  const now = Date.now();
  const bytes = doneBytes + jobs.reduce((n, j) => n + j.done, 0);
  samples = [...samples.filter((s) => now - s.at < 10_000), { at: now, bytes }];
}

/** What runs now: one large file, or a batch of small ones, per unit. */
const units = new Set<{ large: boolean }>();

function pump() {
  while (units.size < UNITS) {
    const queued = jobs.filter((j) => j.state === 'queued' && j.file);
    const small = queued.filter((j) => j.size <= SMALL);
    const largeRunning = [...units].filter((u) => u.large).length;
    const next = queued.find((j) => j.size > SMALL && largeRunning < PARALLEL_LARGE) ?? small[0];
    if (!next) return;
    if (next.size > SMALL) {
      void runUnit([next], true);
      continue;
    }
    const batch: Job[] = [];
    let bytes = 0;
    for (const j of small) {
      if (batch.length >= BATCH_FILES || (batch.length > 0 && bytes + j.size > BATCH_BYTES)) break;
      batch.push(j);
      bytes += j.size;
    }
    void runUnit(batch, false);
  }
}

/** Runs one unit; a batch stopped by a pause or cancel of one of its files queues the rest. */
async function runUnit(batch: Job[], large: boolean) {
  const unit = { large };
  units.add(unit);
  const ids = new Set(batch.map((j) => j.id));
  jobs = jobs.map((j) =>
    ids.has(j.id) ? { ...j, state: 'running', error: undefined, quota: undefined } : j,
  );
  emit();
  // Bytes done over the unit, shared out over its files in order.
  const onProgress = Comlink.proxy((done: number) => {
    let left = done;
    const share = new Map<string, number>();
    for (const j of batch) {
      share.set(j.id, Math.max(0, Math.min(j.size, left)));
      left -= j.size;
    }
    jobs = jobs.map((j) => (share.has(j.id) ? { ...j, done: share.get(j.id) ?? 0 } : j));
    sample();
    emitSoon();
  });
  const send = batch.map((j) => ({ id: j.id, path: j.path, file: j.file as File }));
  const [first] = send;
  const r: Result<unknown> =
    large && first
      ? await worker.upload(first, onProgress)
      : await worker.uploadBatch(send, onProgress);
  units.delete(unit);
  const now = jobs.filter((j) => ids.has(j.id));
  if (r.ok) {
    doneBytes += batch.reduce((n, j) => n + j.size, 0);
    doneFiles += batch.length;
    jobs = jobs.filter((j) => !ids.has(j.id));
    if (!jobs.length) {
      summary = { files: doneFiles, bytes: doneBytes };
      doneBytes = 0;
      doneFiles = 0;
      samples = [];
    }
    emit();
    for (const j of batch) for (const f of finished) f(j.path);
  } else {
    const stopped = now.length < batch.length || now.some((j) => j.state !== 'running');
    jobs = jobs.map((j) =>
      ids.has(j.id) && j.state === 'running'
        ? stopped
          ? { ...j, state: 'queued', done: 0 }
          : { ...j, state: 'failed', error: r.message, quota: r.figures }
        : j,
    );
    emit();
  }
  pump();
}

let restoring: Promise<void> | null = null;

async function restorePending() {
  const r = await worker.pendingUploads();
  if (!r.ok) return;
  const known = new Set(jobs.map((j) => j.id));
  const back: Job[] = r.value
    .filter((j) => !known.has(j.id))
    .map((j) => ({ ...j, done: 0, state: j.file ? 'queued' : 'needs-file' }));
  if (!back.length) return;
  jobs = [...jobs, ...back];
  emit();
  pump();
}

export const uploads = {
  /** Queues files, each at its full path in the tree. */
  add(items: { file: File; path: string }[]) {
    const added: Job[] = items.map(({ file, path }) => ({
      id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`,
      path,
      name: file.name,
      size: file.size,
      lastModified: file.lastModified,
      file,
      done: 0,
      state: 'queued',
    }));
    jobs = [...jobs, ...added];
    summary = null;
    emit();
    pump();
  },
  /** Hides what the last queue did. */
  dismissSummary() {
    summary = null;
    emit();
  },
  /** After login: unfinished uploads of this account, continued where they stopped. */
  restore() {
    restoring ??= restorePending();
    return restoring;
  },
  /** At logout: the queue empties (the worker forgets the jobs). */
  reset() {
    jobs = [];
    restoring = null;
    doneBytes = 0;
    doneFiles = 0;
    summary = null;
    samples = [];
    emit();
  },
  pause(id: string) {
    update(id, { state: 'paused' });
    void worker.pauseUpload(id);
    pump();
  },
  resume(id: string) {
    update(id, { state: 'queued' });
    pump();
  },
  /** A file chosen again for a job whose copy was not kept: it must be the same file. */
  provide(id: string, file: File, notSame: string) {
    const job = jobs.find((j) => j.id === id);
    if (!job) return;
    const same =
      file.name === job.name && file.size === job.size && file.lastModified === job.lastModified;
    if (!same) return update(id, { error: notSame });
    update(id, { file, state: 'queued', error: undefined });
    pump();
  },
  /** Stops and forgets an upload; it leaves the list once the worker has forgotten it too. */
  async cancel(id: string) {
    update(id, { state: 'cancelling' });
    await worker.cancelUpload(id);
    jobs = jobs.filter((j) => j.id !== id);
    emit();
    pump();
  },
  /** Called with each completed upload's path. */
  onFinished(f: (path: string) => void) {
    finished.add(f);
    return () => {
      finished.delete(f);
    };
  },
};

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
};
const useJobs = (): Job[] => useSyncExternalStore(subscribe, () => jobs);
const useSummary = () => useSyncExternalStore(subscribe, () => summary);

/** Whether uploads are queued or running: a folder is not "empty" while they are. */
export const useUploading = (): boolean => useJobs().length > 0;

function overall(all: Job[]) {
  const total = doneBytes + all.reduce((n, j) => n + j.size, 0);
  const done = doneBytes + all.reduce((n, j) => n + j.done, 0);
  const first = samples[0];
  const last = samples.at(-1);
  const rate =
    first && last && last.at > first.at
      ? ((last.bytes - first.bytes) * 1000) / (last.at - first.at)
      : 0;
  const left = rate > 0 ? (total - done) / rate : null;
  return { total, done, rate, left };
}

function duration(seconds: number, t: Strings): string {
  if (seconds < 60) return t.secondsLeft(Math.max(1, Math.round(seconds)));
  if (seconds < 3600) return t.minutesLeft(Math.round(seconds / 60));
  const hours = Math.round(seconds / 360) / 10;
  const shown = hours.toLocaleString(t.locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  return t.hoursLeft(hours, { n: shown });
}

export function UploadsPanel() {
  const t = useT();
  const fig = useFigures();
  const all = useJobs();
  const pick = useRef<HTMLInputElement>(null);
  const wanted = useRef<string | null>(null);
  const last = useSummary();
  if (all.length === 0) {
    if (!last) return null;
    return (
      // A status, not the Uploads panel: the uploads are over.
      <div className="uploads uploads-done" role="status">
        <p>{t.uploadedFiles(last.files, { size: fig.size(last.bytes) })}</p>
        <button type="button" onClick={uploads.dismissSummary} aria-label={t.dismiss}>
          ×
        </button>
      </div>
    );
  }
  const o = overall(all);
  const active = all.some((j) => j.state === 'running' || j.state === 'queued');
  return (
    <section className="uploads" aria-label={t.uploads}>
      <div className="uploads-head">
        <strong>{fill(t.uploadsCount, { n: all.length })}</strong>
        <span className="muted">
          {fig.size(o.done)} / {fig.size(o.total)}
          {active && o.rate > 0 && ` · ${fig.rate(o.rate)}`}
          {active && o.left !== null && ` · ${duration(o.left, t)}`}
        </span>
        <progress value={o.done} max={o.total || 1} aria-label={t.uploadsOverall} />
      </div>
      <ul>
        {all.map((j) => (
          <li key={j.id} className="transfer">
            <span className="transfer-name" title={j.path}>
              {j.name}
            </span>
            <progress value={j.done} max={j.size || 1} aria-label={`${t.uploading} ${j.name}`} />
            <span className={j.quota && j.state === 'failed' ? 'transfer-refusal' : 'muted nowrap'}>
              {j.state === 'running' && `${fig.size(j.done)} / ${fig.size(j.size)}`}
              {j.state === 'queued' && t.queued}
              {j.state === 'paused' && t.paused}
              {j.state === 'needs-file' && (j.error ?? t.needsFile)}
              {j.state === 'failed' && (
                <span className="error-text">
                  {j.quota ? <QuotaExceeded figures={j.quota} /> : j.error}
                </span>
              )}
            </span>
            <span className="actions">
              {(j.state === 'running' || j.state === 'queued') && (
                <button
                  type="button"
                  onClick={() => uploads.pause(j.id)}
                  aria-label={`${t.pause} ${j.name}`}
                >
                  {t.pause}
                </button>
              )}
              {(j.state === 'paused' || j.state === 'failed') && (
                <button
                  type="button"
                  onClick={() => uploads.resume(j.id)}
                  aria-label={`${t.resume} ${j.name}`}
                >
                  {t.resume}
                </button>
              )}
              {j.state === 'needs-file' && (
                <button
                  type="button"
                  onClick={() => {
                    wanted.current = j.id;
                    pick.current?.click();
                  }}
                  aria-label={`${t.chooseAgain} ${j.name}`}
                >
                  {t.chooseAgain}
                </button>
              )}
              <button
                type="button"
                disabled={j.state === 'cancelling'}
                onClick={() => void uploads.cancel(j.id)}
                aria-label={`${t.cancel} ${j.name}`}
              >
                {t.cancel}
              </button>
            </span>
          </li>
        ))}
      </ul>
      <input
        type="file"
        hidden
        ref={pick}
        aria-label={t.chooseAgain}
        onChange={(e) => {
          const file = e.target.files?.[0];
          const id = wanted.current;
          e.target.value = '';
          if (file && id) uploads.provide(id, file, t.notSameFile);
        }}
      />
    </section>
  );
}
