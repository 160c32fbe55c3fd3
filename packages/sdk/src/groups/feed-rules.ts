import { ValidationError } from '@coffer/errors';
import type { CatalogEntry } from './catalog.ts';
import { type FeedMarks, type GroupMarks, MAX_MARKS } from './feed-state.ts';

// The feed as pure functions of the catalog and the feed state ([Note: Feed state in the
// client]): what is new in my groups since I last looked, newest first, without my own entries
// and those I discarded; marking seen, kept and discarded; keeping the state small; and finding
// the entry a user names.

/** An entry of someone else's, as the feed shows it. */
export interface FeedEntry extends CatalogEntry {
  /** Published after we last looked at the feed. */
  unread: boolean;
  /** We marked it kept (`coffer keep`). */
  kept: boolean;
  /** Its file is on one of our servers (mirrored or copied): not known yet, so false. */
  onMyServer: boolean;
}

const collator = new Intl.Collator(undefined, { numeric: true });
const none: GroupMarks = { seen: 0, kept: [], discarded: [] };

/** Others' entries we did not discard, newest first, each flagged unread and kept. */
export function feedOf(
  entries: readonly CatalogEntry[],
  marks: FeedMarks,
  me: string,
  /** The ids of entries mirrored to our servers (auto-mirror). */
  onMyServer: ReadonlySet<string> = new Set(),
): FeedEntry[] {
  return entries
    .filter((e) => e.author.accountId !== me)
    .filter((e) => !(marks.groups[e.groupId] ?? none).discarded.includes(e.entryId))
    .map((e) => {
      const g = marks.groups[e.groupId] ?? none;
      return {
        ...e,
        unread: e.publishedAt > g.seen,
        kept: g.kept.includes(e.entryId),
        onMyServer: onMyServer.has(e.entryId),
      };
    })
    .sort((a, b) => b.publishedAt - a.publishedAt || collator.compare(a.name, b.name));
}

/** The state once `shown` has been looked at; the same object when that changes nothing. */
export function seenUpTo(marks: FeedMarks, shown: readonly CatalogEntry[]): FeedMarks {
  const groups = { ...marks.groups };
  let changed = false;
  for (const e of shown) {
    const g = groups[e.groupId] ?? none;
    if (e.publishedAt <= g.seen) continue;
    groups[e.groupId] = { ...g, seen: e.publishedAt };
    changed = true;
  }
  return changed ? { ...marks, groups } : marks;
}

/** The state with `entry` kept or discarded (either undoes the other). */
export function marked(
  marks: FeedMarks,
  entry: Pick<CatalogEntry, 'groupId' | 'entryId'>,
  how: 'kept' | 'discarded',
): FeedMarks {
  const g = marks.groups[entry.groupId] ?? none;
  const other = how === 'kept' ? 'discarded' : 'kept';
  if (g[how].includes(entry.entryId) && !g[other].includes(entry.entryId)) return marks;
  const next: GroupMarks = {
    ...g,
    [how]: [...g[how].filter((id) => id !== entry.entryId), entry.entryId],
    [other]: g[other].filter((id) => id !== entry.entryId),
  };
  return { ...marks, groups: { ...marks.groups, [entry.groupId]: next } };
}

/**
 * The state without what no longer exists: groups with no entry in the catalog (their time
 * seen no longer matters: anything published there later is new anyway) and marks of entries
 * that went away. Past MAX_MARKS, the oldest discards go first; more kept entries than that is
 * a ValidationError. The same object when nothing goes.
 */
export function pruned(marks: FeedMarks, catalog: readonly CatalogEntry[]): FeedMarks {
  const live = new Map<string, Set<string>>();
  for (const e of catalog) live.set(e.groupId, (live.get(e.groupId) ?? new Set()).add(e.entryId));
  const groups: Record<string, GroupMarks> = {};
  for (const [id, g] of Object.entries(marks.groups)) {
    const ids = live.get(id);
    if (!ids) continue;
    groups[id] = {
      seen: g.seen,
      kept: g.kept.filter((x) => ids.has(x)),
      discarded: g.discarded.filter((x) => ids.has(x)),
    };
  }
  const lists = Object.values(groups);
  const count = () => lists.reduce((n, g) => n + g.kept.length + g.discarded.length, 0);
  while (count() > MAX_MARKS) {
    const longest = lists.reduce((a, b) => (b.discarded.length > a.discarded.length ? b : a));
    if (longest.discarded.length === 0)
      throw new ValidationError(
        'item',
        `you keep ${MAX_MARKS} items already; discard some before keeping more`,
      );
    longest.discarded.shift();
  }
  const next = { ...marks, groups };
  return JSON.stringify(next) === JSON.stringify(marks) ? marks : next;
}
