import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NotFoundError, ValidationError } from '@coffer/errors';
import { type CatalogEntry, findItem, kindOf } from '../src/groups/catalog.ts';
import { feedOf, marked, pruned, seenUpTo } from '../src/groups/feed-rules.ts';
import { emptyMarks, type FeedMarks, MAX_MARKS } from '../src/groups/feed-state.ts';

const ME = 'b'.repeat(32);
const ALICE = 'a'.repeat(32);
const G1 = '1'.repeat(32);
const G2 = '2'.repeat(32);
const id = (n: number) => n.toString(16).padStart(32, '0');

const entry = (n: number, o: Partial<CatalogEntry> = {}): CatalogEntry => ({
  groupId: G1,
  groupName: 'Film club',
  entryId: id(n),
  author: { accountId: ALICE, email: 'alice@example.com' },
  name: `film ${n}.mkv`,
  size: 1,
  kind: kindOf('x.mkv'),
  tags: [],
  note: '',
  publishedAt: n,
  updatedAt: n,
  file: { nodeId: 'f'.repeat(32), revision: 1 },
  ...o,
});

test("the feed is others' entries, newest first, without discarded ones, flagged", () => {
  const entries = [
    entry(1),
    entry(3),
    entry(2, { author: { accountId: ME, email: 'bob@example.com' } }),
    entry(4, { groupId: G2, groupName: 'Books' }),
    entry(5),
  ];
  let marks: FeedMarks = { groups: { [G1]: { seen: 3, kept: [id(3)], discarded: [id(5)] } } };
  const feed = feedOf(entries, marks, ME);
  assert.deepEqual(
    feed.map((e) => [e.entryId, e.unread, e.kept, e.onMyServer]),
    [
      [id(4), true, false, false],
      [id(3), false, true, false],
      [id(1), false, false, false],
    ],
  );
  marks = marked(marks, entries[4] as CatalogEntry, 'kept');
  assert.deepEqual(
    feedOf(entries, marks, ME).map((e) => e.entryId),
    [id(5), id(4), id(3), id(1)],
    'keeping a discarded entry brings it back',
  );
  assert.deepEqual(marks.groups[G1]?.discarded, []);
  assert.deepEqual(marks.groups[G1]?.kept, [id(3), id(5)]);
});

test('looking moves each group up to what was shown; what came later stays unread', () => {
  const shown = [entry(1), entry(4), entry(7, { groupId: G2 })];
  const marks = seenUpTo(emptyMarks(), shown);
  assert.deepEqual(marks.groups[G1]?.seen, 4);
  assert.deepEqual(marks.groups[G2]?.seen, 7);
  assert.equal(seenUpTo(marks, shown), marks, 'looking again changes nothing');
  const later = feedOf([...shown, entry(5)], marks, ME);
  assert.deepEqual(
    later.filter((e) => e.unread).map((e) => e.entryId),
    [id(5)],
  );
  // An entry published before the mark is never unread again, whatever arrives after.
  assert.equal(seenUpTo(marks, [entry(2)]), marks);
});

test('marking twice changes nothing; discarding undoes keeping', () => {
  const e = entry(1);
  const kept = marked(emptyMarks(), e, 'kept');
  assert.equal(marked(kept, e, 'kept'), kept);
  const discarded = marked(kept, e, 'discarded');
  assert.deepEqual(discarded.groups[G1], { seen: 0, kept: [], discarded: [id(1)] });
});

test('pruning forgets entries and groups that are gone, and bounds the state', () => {
  const marks: FeedMarks = {
    groups: {
      [G1]: { seen: 9, kept: [id(1), id(2)], discarded: [id(3), id(4)] },
      [G2]: { seen: 9, kept: [id(5)], discarded: [] },
    },
  };
  const catalog = [entry(1), entry(4)];
  assert.deepEqual(pruned(marks, catalog), {
    groups: { [G1]: { seen: 9, kept: [id(1)], discarded: [id(4)] } },
  });
  const tidy = pruned(marks, catalog);
  assert.equal(pruned(tidy, catalog), tidy, 'nothing to prune: the same object');
  // Past MAX_MARKS the oldest discards go first.
  const many = Array.from({ length: MAX_MARKS + 2 }, (_, i) => entry(i + 1));
  let big = emptyMarks();
  for (const e of many) big = marked(big, e, 'discarded');
  const bounded = pruned(big, many);
  assert.equal(bounded.groups[G1]?.discarded.length, MAX_MARKS);
  assert.equal(bounded.groups[G1]?.discarded[0], id(3));
  // Kept entries are never dropped: keeping more than MAX_MARKS is refused.
  let keeps = emptyMarks();
  for (const e of many) keeps = marked(keeps, e, 'kept');
  assert.throws(
    () => pruned(keeps, many),
    (e: Error) => e instanceof ValidationError && e.field === 'item',
  );
});

test('an item is an entry id, its first characters, or GROUP:ID', () => {
  const entries = [
    entry(0xabc1),
    entry(0xabc2),
    entry(0xdef0, { groupId: G2, groupName: 'Books' }),
    entry(0xabc3, { groupId: G2, groupName: 'Books' }),
  ];
  const full = id(0xabc1);
  assert.equal(findItem(entries, full).entryId, full);
  assert.equal(findItem(entries, full.toUpperCase()).entryId, full);
  assert.equal(findItem(entries, id(0xdef0).slice(0, 30)).entryId, id(0xdef0));
  assert.equal(findItem(entries, `Books:${id(0xabc3).slice(0, 29)}`).entryId, id(0xabc3));
  assert.equal(findItem(entries, `${G2}:${id(0xabc3)}`).entryId, id(0xabc3));
  const prefix = id(0xabc1).slice(0, 29);
  assert.throws(
    () => findItem(entries, prefix),
    (e: Error) =>
      e instanceof ValidationError &&
      e.field === 'item' &&
      /ambiguous: it starts 3 entries' ids/.test(e.message) &&
      e.message.includes(`Books:${id(0xabc3)}`),
  );
  assert.throws(() => findItem(entries, `Film club:${'f'.repeat(32)}`), NotFoundError);
  assert.throws(() => findItem(entries, `Nowhere:${full}`), NotFoundError);
  // Not an id (prefix): a name, and no entry is called that.
  for (const name of ['not-an-id', `${full}0`, 'x y'])
    assert.throws(() => findItem(entries, name), NotFoundError, name);
  assert.equal(findItem(entries, 'Books:film 43971.mkv').entryId, id(0xabc3));
  for (const bad of ['', '  ', 'Film club:']) {
    assert.throws(
      () => findItem(entries, bad),
      (e: Error) => e instanceof ValidationError && e.field === 'item',
      bad,
    );
  }
});
