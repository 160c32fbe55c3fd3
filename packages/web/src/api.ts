// The page's handle on the crypto worker. Types only from the SDK itself: its code (and every
// key) lives in the worker.
import * as Comlink from 'comlink';
import { initStreams } from './stream.ts';
import type { WorkerApi } from './worker.ts';

export const worker = Comlink.wrap<WorkerApi>(
  new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }),
);
initStreams(worker);

export type Result<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      code: string;
      /** For a person, in the page's language. */
      message: string;
      /** The SDK's own words, in English, to tell one failure of a code from another. */
      detail: string;
      figures?: { used: number; quota: number };
      /** The action needs a code from the authenticator app (or a recovery code). */
      secondFactorRequired?: true;
    };
