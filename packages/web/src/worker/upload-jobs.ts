// Upload jobs as the crypto worker keeps them, in IndexedDB, so an upload interrupted by a
// reload, a crash or a closed tab continues where it stopped the next time the app opens.
import type { ResumeState, ResumeStore } from '@coffer/sdk';
import { createStore, del, delMany, entries, get, getMany, keys, set, setMany } from 'idb-keyval';

/** A queued upload: where it goes and, when it fits, the file itself. */
export interface UploadJob {
  id: string;
  accountId: string;
  path: string;
  name: string;
  size: number;
  lastModified: number;
  /**
   * Kept for files up to KEEP_FILE_LIMIT (the browser copies it into its own storage); a larger
   * file is asked for again after a reload, and must match name, size and date.
   */
  file: File | null;
  /** A small file of a batch: its bytes are in the batch's one stored Blob, from `offset`. */
  part?: { batch: string; offset: number; type: string };
}

/** Above this, keeping a copy of the file would cost the user as much disk again. */
export const KEEP_FILE_LIMIT = 2 * 1024 ** 3;

const jobs = createStore('coffer-uploads', 'jobs');
const resume = createStore('coffer-uploads-resume', 'state');
const batches = createStore('coffer-uploads-batches', 'blobs');

// [Note: One stored Blob per batch]
// Chromium keeps each Blob stored in IndexedDB as a file of its own: recording 500 small files
// with their copies, and deleting them again, took as long as encrypting and uploading them
// (0.5–1.6 s each way per batch of 500). A batch's files are stored as one Blob instead, and
// each job notes where its bytes are in it. The Blob goes once no job of its batch is left:
// at once when its jobs are forgotten in this worker, otherwise at the next login.

/** For each batch Blob known in this worker, the ids of its jobs not forgotten yet. */
const openBatches = new Map<string, Set<string>>();

/** Jobs forgotten in this worker: a late save of their resume state (keys and all) is dropped. */
const forgotten = new Set<string>();

export const resumeStore: ResumeStore = {
  load: (key) => get(key, resume),
  save: async (key, state: ResumeState) => {
    if (!forgotten.has(key)) await set(key, state, resume);
  },
  remove: (key) => del(key, resume),
};

/** Records jobs not recorded yet, in one transaction (a folder of small files is many jobs). */
export async function saveJobs(list: UploadJob[]) {
  const fresh = list.filter((j) => !forgotten.has(j.id));
  const known = await getMany(
    fresh.map((j) => j.id),
    jobs,
  );
  const missing = fresh.filter((_, i) => known[i] === undefined);
  if (!missing.length) return;
  try {
    await setMany(
      missing.map((j) => [j.id, j]),
      jobs,
    );
  } catch {
    // Out of quota for the copies: remember the jobs without their files.
    await setMany(
      missing.map((j) => [j.id, { ...j, file: null }]),
      jobs,
    );
  }
}

/** Records a batch of small files, their copies as one Blob ([Note: One stored Blob per batch]). */
export async function saveBatch(list: (UploadJob & { file: File })[]) {
  const fresh = list.filter((j) => !forgotten.has(j.id));
  const known = await getMany(
    fresh.map((j) => j.id),
    jobs,
  );
  const missing = fresh.filter((_, i) => known[i] === undefined);
  const first = missing[0];
  if (!first) return;
  const batch = first.id;
  let offset = 0;
  const records = missing.map((j) => {
    const part = { batch, offset, type: j.file.type };
    offset += j.file.size;
    return { ...j, file: null, part };
  });
  try {
    await set(batch, new Blob(missing.map((j) => j.file)), batches);
    openBatches.set(batch, new Set(missing.map((j) => j.id)));
    await setMany(
      records.map((j) => [j.id, j]),
      jobs,
    );
  } catch {
    // Out of quota for the copies: remember the jobs without their files.
    openBatches.delete(batch);
    await del(batch, batches).catch(() => {});
    await setMany(
      missing.map((j) => [j.id, { ...j, file: null }]),
      jobs,
    );
  }
}

export async function forgetJobs(ids: string[]) {
  for (const id of ids) forgotten.add(id);
  const done: string[] = [];
  for (const [batch, open] of openBatches) {
    for (const id of ids) open.delete(id);
    if (!open.size) done.push(batch);
  }
  for (const batch of done) openBatches.delete(batch);
  await Promise.all([delMany(ids, jobs), delMany(ids, resume), delMany(done, batches)]);
}

/**
 * This account's unfinished jobs, each small file of a batch with its bytes cut from the
 * batch's Blob again. Blobs no job refers to any more are dropped.
 */
export async function pendingJobs(accountId: string): Promise<UploadJob[]> {
  const all = (await entries<string, UploadJob>(jobs)).map(([, j]) => j);
  const open = new Map<string, Set<string>>();
  for (const j of all) {
    if (!j.part) continue;
    const ids = open.get(j.part.batch) ?? new Set<string>();
    open.set(j.part.batch, ids.add(j.id));
  }
  const stored = await keys<string>(batches);
  await delMany(
    stored.filter((b) => !open.has(b)),
    batches,
  );
  for (const [batch, ids] of open) openBatches.set(batch, ids);
  const mine = all.filter((j) => j.accountId === accountId);
  const wanted = [...new Set(mine.flatMap((j) => (j.part ? [j.part.batch] : [])))];
  const blobs = new Map(wanted.map((b, i) => [b, i]));
  const found = await getMany<Blob>(wanted, batches);
  return mine.map(({ part, ...j }) => {
    if (!part) return j;
    const blob = found[blobs.get(part.batch) ?? -1];
    const file = blob
      ? new File([blob.slice(part.offset, part.offset + j.size)], j.name, {
          lastModified: j.lastModified,
          type: part.type,
        })
      : null;
    return { ...j, file };
  });
}
