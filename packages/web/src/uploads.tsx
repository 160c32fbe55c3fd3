// The upload queue: what is waiting, running, paused or failed, with progress per file and
// overall, speed and time left. The crypto worker keeps each job in IndexedDB, so the queue
// picks unfinished uploads up again after a reload.
import { formatBytes } from '@coffer/sdk/format';
import * as Comlink from 'comlink';
import { useRef, useSyncExternalStore } from 'react';
import { type Result, worker } from './api.ts';
import type { Strings } from './i18n.ts';

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
}

/** Files uploading at once: two keeps both cores busy with small files and the pipe full. */
const PARALLEL = 2;

let jobs: Job[] = [];
const listeners = new Set<() => void>();
const finished = new Set<(path: string) => void>();
/** Bytes done over time, for the speed and ETA of the whole queue (the last 10 s). */
let samples: { at: number; bytes: number }[] = [];
let doneBytes = 0;

function emit() {
  for (const l of listeners) l();
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

function pump() {
  while (jobs.filter((j) => j.state === 'running').length < PARALLEL) {
    const next = jobs.find((j) => j.state === 'queued');
    if (!next?.file) return;
    void run(next, next.file);
  }
}

async function run(job: Job, file: File) {
  update(job.id, { state: 'running', error: undefined });
  const r: Result<unknown> = await worker.upload(
    { id: job.id, path: job.path, file },
    Comlink.proxy((done: number) => {
      update(job.id, { done });
      sample();
    }),
  );
  const now = jobs.find((j) => j.id === job.id);
  if (r.ok) {
    doneBytes += job.size;
    jobs = jobs.filter((j) => j.id !== job.id);
    if (!jobs.length) {
      doneBytes = 0;
      samples = [];
    }
    emit();
    for (const f of finished) f(job.path);
  } else if (now && now.state === 'running') {
    update(job.id, { state: 'failed', error: r.message });
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
    emit();
    pump();
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
  if (seconds < 60) return t.secondsLeft.replace('{n}', String(Math.max(1, Math.round(seconds))));
  if (seconds < 3600) return t.minutesLeft.replace('{n}', String(Math.round(seconds / 60)));
  return t.hoursLeft.replace('{n}', (seconds / 3600).toFixed(1));
}

export function UploadsPanel({ t }: { t: Strings }) {
  const all = useJobs();
  const pick = useRef<HTMLInputElement>(null);
  const wanted = useRef<string | null>(null);
  if (all.length === 0) return null;
  const o = overall(all);
  const active = all.some((j) => j.state === 'running' || j.state === 'queued');
  return (
    <section className="uploads" aria-label={t.uploads}>
      <div className="uploads-head">
        <strong>{t.uploadsCount.replace('{n}', String(all.length))}</strong>
        <span className="muted">
          {formatBytes(o.done)} / {formatBytes(o.total)}
          {active && o.rate > 0 && ` · ${formatBytes(o.rate)}/s`}
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
            <span className="muted nowrap">
              {j.state === 'running' && `${formatBytes(j.done)} / ${formatBytes(j.size)}`}
              {j.state === 'queued' && t.queued}
              {j.state === 'paused' && t.paused}
              {j.state === 'needs-file' && (j.error ?? t.needsFile)}
              {j.state === 'failed' && <span className="error-text">{j.error}</span>}
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
