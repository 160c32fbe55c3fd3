import { ValidationError } from '@coffer/errors';
import type { AccountKeys } from '../keys.ts';
import { atomFeed } from './atom.ts';
import { type CatalogEntry, findItem } from './catalog.ts';
import type { Copies, CopyOptions, CopyResult } from './copies.ts';
import { type FeedEntry, feedOf, marked, pruned, seenUpTo } from './feed-rules.ts';
import type { FeedStateStore } from './feed-state.ts';
import type { Mirrors } from './mirrors.ts';
import type { Ratings } from './ratings.ts';
import type { Shelves } from './shelves.ts';

// [Note: The feed]
// What is new in my groups since I last looked, newest first: every entry of the catalog but
// my own and those I discarded, each flagged unread (published after the newest entry I had
// looked at in its group), kept, and on my server. Looking (`markSeen`) moves each group's
// mark up to what was shown, so what arrived meanwhile stays unread. Keep and discard are marks
// in the private feed state ([Note: Feed state in the client]), which every device of the
// account shares; each change also drops the marks of entries and groups that are gone. The
// feed is made here, on the client; the hub only ever sees sealed entries, sealed ratings and
// one sealed blob of feed state.

export interface FeedView {
  /** Others' entries we did not discard, newest first. */
  entries: FeedEntry[];
  /** How many of them are unread. */
  unread: number;
  /** Entries or ratings left out, said in words (a member's broken entry, say). */
  problems: readonly string[];
}

export interface FeedDeps {
  keys: Pick<AccountKeys, 'accountId' | 'email'>;
  shelves: Pick<Shelves, 'catalog'>;
  copies: Pick<Copies, 'copy'>;
  mirrors: Pick<Mirrors, 'onMyServer'>;
  ratings: Pick<Ratings, 'rate'>;
  state: Pick<FeedStateStore, 'read' | 'change'>;
}

export class Feed {
  /** The whole catalog each view was made from, to mark it seen without reading it again. */
  private readonly catalogs = new WeakMap<FeedView, readonly CatalogEntry[]>();

  constructor(private readonly deps: FeedDeps) {}

  /** The feed of every group we are in. */
  async read(): Promise<FeedView> {
    const [catalog, { marks }, mirrored] = await Promise.all([
      this.deps.shelves.catalog(),
      this.deps.state.read(),
      this.deps.mirrors.onMyServer(),
    ]);
    const entries = feedOf(catalog.entries, marks, this.deps.keys.accountId, mirrored);
    const view = {
      entries,
      unread: entries.filter((e) => e.unread).length,
      problems: catalog.problems,
    };
    this.catalogs.set(view, catalog.entries);
    return view;
  }

  /** Marks what `view` showed as seen (every entry now in the feed, without one). */
  async markSeen(view?: FeedView): Promise<void> {
    const shown = view ?? (await this.read());
    const catalog = this.catalogs.get(shown) ?? (await this.deps.shelves.catalog()).entries;
    await this.deps.state.change((m) => pruned(seenUpTo(m, shown.entries), catalog));
  }

  /**
   * Keeps an entry (named as `findItem` takes it): copies its file to our server ([Note:
   * Copies in the client]; `o.to` and progress as there), then marks it kept, private to us, on
   * every device; it no longer counts as discarded. An entry kept already is left as it is; a
   * keep cut short copies again, and the hub resumes the copy where it stopped.
   */
  async keep(item: string, o: CopyOptions = {}): Promise<FeedEntry & { copy: CopyResult | null }> {
    const catalog = await this.deps.shelves.catalog();
    const entry = this.othersEntry(catalog.entries, item);
    const { marks } = await this.deps.state.read();
    const before = feedOf([entry], marks, '')[0];
    if (before?.kept) return { ...before, copy: null };
    const copy = await this.deps.copies.copy(entry, o);
    return { ...(await this.mark(item, 'kept')), copy };
  }

  /** Hides an entry from our feed (ours alone, on every device); `keep` brings it back. */
  discard(item: string): Promise<FeedEntry> {
    return this.mark(item, 'discarded');
  }

  /** Rates an entry of someone else's with 1 to 5 stars; the entry with its ratings after. */
  async rate(item: string, stars: number | string): Promise<CatalogEntry> {
    const entry = findItem((await this.deps.shelves.catalog()).entries, item);
    await this.deps.ratings.rate(entry, stars);
    const again = (await this.deps.shelves.catalog()).entries;
    return again.find((e) => e.groupId === entry.groupId && e.entryId === entry.entryId) ?? entry;
  }

  /** An entry of the catalog (ours too), named as `findItem` takes it. */
  async find(item: string): Promise<CatalogEntry> {
    return findItem((await this.deps.shelves.catalog()).entries, item);
  }

  /** The feed as an Atom document (RFC 4287); discarded entries are left out, as in `read`. */
  async atom(o: { selfUrl?: string; now?: number } = {}): Promise<string> {
    const view = await this.read();
    return atomFeed({
      accountId: this.deps.keys.accountId,
      email: this.deps.keys.email,
      entries: view.entries,
      now: o.now ?? Date.now(),
      ...(o.selfUrl ? { selfUrl: o.selfUrl } : {}),
    });
  }

  // ---- internals ----

  private othersEntry(entries: readonly CatalogEntry[], item: string): CatalogEntry {
    const entry = findItem(entries, item);
    if (entry.author.accountId === this.deps.keys.accountId)
      throw new ValidationError('item', `${entry.name} is your own entry; it is not in your feed`);
    return entry;
  }

  private async mark(item: string, how: 'kept' | 'discarded'): Promise<FeedEntry> {
    const catalog = await this.deps.shelves.catalog();
    const entry = this.othersEntry(catalog.entries, item);
    const marks = await this.deps.state.change((m) =>
      pruned(marked(m, entry, how), catalog.entries),
    );
    const shown = feedOf([entry], marks, '')[0];
    return shown ?? { ...entry, unread: false, kept: false, onMyServer: false };
  }
}
