import { fromBase64Url, openFeedState, sealFeedState, toBase64Url } from '@coffer/crypto';
import { ConflictError, IntegrityError, ValidationError } from '@coffer/errors';
import { z } from 'zod';
import type { HubClient } from '../hub-client.ts';
import { type AccountKeys, fromHub } from '../keys.ts';

// [Note: Feed state in the client]
// What the feed remembers for an account (per group: the newest publication time seen, and the
// entries kept and discarded) is one blob sealed under the master key on the hub ([Note: Feed
// state] in crypto), so every device of the account sees the same. It is saved the way the
// contact book is: read, change, save as the next version; another device saving first (409)
// means read and change again. It is kept apart from the contact book, which guards key pins,
// because it changes each time the user looks at the feed. A hub serving a version older than
// one this client saw is an IntegrityError; across sessions, an older state only shows items
// as unread or not discarded again, a nuisance rather than a disclosure, so no high-water mark
// is kept with the session.

const entryId = z.string().regex(/^[0-9a-f]{32}$/);
const groupMarks = z
  .object({
    /** The newest publication time (the hub's clock) among the entries we looked at. */
    seen: z.number().int().nonnegative(),
    kept: z.array(entryId),
    discarded: z.array(entryId),
  })
  .strict();
const stateSchema = z.object({ groups: z.record(entryId, groupMarks) }).strict();

export type GroupMarks = z.infer<typeof groupMarks>;
export type FeedMarks = z.infer<typeof stateSchema>;

/** At most this many kept and discarded entries together, so the blob stays small. */
export const MAX_MARKS = 5000;
/** The largest state, once encoded: what the hub takes, with the envelope around it. */
const MAX_STATE_BYTES = 192 * 1024;

export const emptyMarks = (): FeedMarks => ({ groups: {} });

export class FeedStateStore {
  /** The highest version seen: an older one is a rollback. */
  private seen = 0;

  constructor(
    private readonly hub: Pick<HubClient, 'call'>,
    private readonly keys: AccountKeys,
  ) {}

  /** The feed state as stored (empty before the first save). */
  async read(): Promise<{ version: number; marks: FeedMarks }> {
    const r = await this.hub.call('feedState', {});
    if (r.version < this.seen)
      throw new IntegrityError(
        `feed state: the hub served version ${r.version}, older than version ${this.seen} seen before`,
      );
    this.seen = r.version;
    if (r.state === null) {
      if (r.version !== 0)
        throw new IntegrityError(`feed state: the hub says version ${r.version} but served none`);
      return { version: 0, marks: emptyMarks() };
    }
    const { masterKey, accountId } = this.keys;
    const plain = await fromHub('feed state', () =>
      openFeedState(masterKey, accountId, r.version, fromBase64Url(r.state as string, 'state')),
    );
    let parsed: ReturnType<typeof stateSchema.safeParse>;
    try {
      parsed = stateSchema.safeParse(JSON.parse(new TextDecoder().decode(plain)));
    } catch {
      throw new IntegrityError('feed state: not valid JSON');
    }
    if (!parsed.success) throw new IntegrityError('feed state: does not match the schema');
    return { version: r.version, marks: parsed.data };
  }

  /**
   * Reads, changes with `f` and saves, again from the top if another device saved in between.
   * `f` returning the same object saves nothing. Returns the state as saved.
   */
  async change(f: (marks: FeedMarks) => FeedMarks): Promise<FeedMarks> {
    for (let attempt = 0; ; attempt++) {
      const { version, marks } = await this.read();
      const next = f(marks);
      if (next === marks) return marks;
      const bytes = new TextEncoder().encode(JSON.stringify(next));
      if (bytes.length > MAX_STATE_BYTES)
        throw new ValidationError('item', 'the feed remembers too much; discard fewer items');
      const { masterKey, accountId } = this.keys;
      const sealed = await sealFeedState(masterKey, accountId, version + 1, bytes);
      try {
        await this.hub.call('saveFeedState', {
          body: { version: version + 1, state: toBase64Url(sealed) },
        });
        this.seen = version + 1;
        return next;
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= 5) throw e;
      }
    }
  }
}
