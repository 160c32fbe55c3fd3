import { ValidationError } from '@coffer/errors';
import type { ChangeInfo } from '@coffer/protocol';
import type { HubCalls } from './hub-client.ts';

// [Note: Changes in the client]
// The hub's change feed ([Note: Change feed] on the hub), for a sync client: take `latest()`,
// list the tree, then follow `watch(cursor)`. A change is bookkeeping the hub can see (ids,
// versions, trashed or gone), never names: the client opens the node itself to learn what
// changed, so nothing here needs trusting beyond "look at this node". An ExpiredError from
// `next` or `watch` means the cursor is older than the hub keeps: list the tree again.

export type { ChangeInfo };

export interface ChangePage {
  changes: ChangeInfo[];
  /** Where to continue from. */
  cursor: string;
  /** More changes are waiting: `next` answers again at once. */
  more: boolean;
}

export interface NextOptions {
  /** How long the hub may hold the call for a change (0 to 30 s; default 25). */
  waitSeconds?: number;
  /** At most this many changes (1 to 1000; default 500). */
  limit?: number;
  signal?: AbortSignal;
}

export const MAX_WAIT_SECONDS = 30;

export class Changes {
  constructor(private readonly deps: { hub: HubCalls }) {}

  /** The cursor of the latest change, without waiting. */
  async latest(signal?: AbortSignal): Promise<string> {
    return (await this.deps.hub.call('latestChange', {}, signal)).cursor;
  }

  /** Changes after `cursor`; with none yet, the hub waits up to `waitSeconds` for one. */
  async next(cursor: string, o: NextOptions = {}): Promise<ChangePage> {
    const wait = o.waitSeconds ?? 25;
    if (!Number.isInteger(wait) || wait < 0 || wait > MAX_WAIT_SECONDS)
      throw new ValidationError(
        'waitSeconds',
        `expected a whole number of 0 to ${MAX_WAIT_SECONDS}`,
      );
    return this.deps.hub.call(
      'changes',
      { query: { cursor, wait, ...(o.limit === undefined ? {} : { limit: o.limit }) } },
      o.signal,
    );
  }

  /**
   * Every page of changes after `cursor`, as they come, until `signal` aborts (then it ends
   * quietly). Long polls back to back; an empty wait yields nothing.
   */
  async *watch(cursor: string, signal?: AbortSignal): AsyncGenerator<ChangePage, void, undefined> {
    let at = cursor;
    while (!signal?.aborted) {
      let page: ChangePage;
      try {
        page = await this.next(at, signal ? { signal } : {});
      } catch (e) {
        if (signal?.aborted) return;
        throw e;
      }
      at = page.cursor;
      if (page.changes.length > 0) yield page;
    }
  }
}
