// Reads and changes of groups, the catalog and the feed run one at a time in this worker: each
// opens rosters and entries, and pins a member seen for the first time in the contact book, so
// two at once (the unread badge asking while a page loads) would both save the contact book and
// the second would fail with a version conflict.

import { call } from './session.ts';

let last: Promise<unknown> = Promise.resolve();

/** `call(f)`, once every call queued before it has settled. */
export function inTurn<T>(f: () => Promise<T>): ReturnType<typeof call<T>> {
  const run = last.then(
    () => call(f),
    () => call(f),
  );
  last = run;
  return run;
}
