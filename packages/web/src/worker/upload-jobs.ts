// Upload jobs as the crypto worker keeps them, in IndexedDB, so an upload interrupted by a
// reload, a crash or a closed tab continues where it stopped the next time the app opens.
import type { ResumeState, ResumeStore } from '@coffer/sdk';
import { createStore, del, delMany, entries, get, getMany, set, setMany } from 'idb-keyval';

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
}

/** Above this, keeping a copy of the file would cost the user as much disk again. */
export const KEEP_FILE_LIMIT = 2 * 1024 ** 3;

const jobs = createStore('coffer-uploads', 'jobs');
const resume = createStore('coffer-uploads-resume', 'state');

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

export async function forgetJobs(ids: string[]) {
  for (const id of ids) forgotten.add(id);
  await Promise.all([delMany(ids, jobs), delMany(ids, resume)]);
}

export async function pendingJobs(accountId: string): Promise<UploadJob[]> {
  const all = (await entries<string, UploadJob>(jobs)).map(([, j]) => j);
  return all.filter((j) => j.accountId === accountId);
}
