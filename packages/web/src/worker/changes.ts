// The account's change feed, for the page to refresh what it shows ([Note: Listings follow the
// change feed] in ../change-feed.ts). Not in queue.ts's turn: a long poll waits up to 25 s, and
// holding the queue that long would stall every group and feed call behind it.
import { call, need } from './session.ts';

/** Long polls in flight, by the page's id for each, so the page can end one early. */
const polls = new Map<number, AbortController>();

export const changesApi = {
  changesLatest: () => call(() => need().changes.latest()),
  /** One long poll after `cursor`; `changesStop(id)` ends it (as an error the page ignores). */
  changesNext: (id: number, cursor: string) =>
    call(async () => {
      const stop = new AbortController();
      polls.set(id, stop);
      try {
        return await need().changes.next(cursor, { signal: stop.signal });
      } finally {
        polls.delete(id);
      }
    }),
  changesStop: (id: number) => {
    polls.get(id)?.abort();
  },
};
