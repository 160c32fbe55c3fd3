import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Catalog, type CatalogEntry, kindOf } from '../src/groups/catalog.ts';

const entry = (name: string, o: Partial<CatalogEntry> = {}): CatalogEntry => ({
  groupId: 'g1',
  groupName: 'Film club',
  entryId: name,
  author: { accountId: 'a', email: 'alice@example.com' },
  name,
  size: 1,
  kind: kindOf(name),
  tags: [],
  note: '',
  publishedAt: 1,
  updatedAt: 1,
  file: { nodeId: 'n', revision: 1 },
  ...o,
});

test('kindOf reads the MIME type first, then the extension', () => {
  assert.equal(kindOf('a.MKV'), 'video');
  assert.equal(kindOf('song.flac'), 'audio');
  assert.equal(kindOf('IMG_0001.HEIC'), 'image');
  assert.equal(kindOf('notes.md'), 'document');
  assert.equal(kindOf('archive.zip'), 'other');
  assert.equal(kindOf('README'), 'other');
  assert.equal(kindOf('.mkv'), 'other');
  assert.equal(kindOf('x.bin', 'video/mp4'), 'video');
  assert.equal(kindOf('x.bin', 'application/pdf'), 'document');
});

test('search matches the start of words in names and tags, ignoring case and accents', () => {
  const c = new Catalog([
    entry('Le Samouraï (1967).mkv', { tags: ['melville', 'noir'] }),
    entry('Samourai Jack S01E01.mp4'),
    entry('Holiday photos.zip', { tags: ['Été'] }),
  ]);
  const names = (q: Parameters<Catalog['find']>[0]) =>
    c
      .find(q)
      .map((e) => e.name)
      .sort();
  assert.deepEqual(names({ search: 'samourai' }), [
    'Le Samouraï (1967).mkv',
    'Samourai Jack S01E01.mp4',
  ]);
  assert.deepEqual(names({ search: 'SAMOU noir' }), ['Le Samouraï (1967).mkv']);
  assert.deepEqual(names({ search: 'ete' }), ['Holiday photos.zip']);
  assert.deepEqual(names({ search: 'amourai' }), []);
  assert.deepEqual(names({ search: 'samourai', kind: 'video' }).length, 2);
  assert.deepEqual(names({ kind: 'other' }), ['Holiday photos.zip']);
  assert.equal(c.find({ search: '   ' }).length, 3);
});

test('filters by group and member, and sorts by date, name or size', () => {
  const c = new Catalog([
    entry('b.mkv', { publishedAt: 3, size: 10 }),
    entry('a10.mkv', { publishedAt: 1, size: 30, groupId: 'g2' }),
    entry('a9.mkv', {
      publishedAt: 2,
      size: 20,
      author: { accountId: 'b', email: 'bob@example.com' },
    }),
  ]);
  assert.deepEqual(
    c.find().map((e) => e.name),
    ['b.mkv', 'a9.mkv', 'a10.mkv'],
  );
  assert.deepEqual(
    c.find({ sort: 'name' }).map((e) => e.name),
    ['a9.mkv', 'a10.mkv', 'b.mkv'],
  );
  assert.deepEqual(
    c.find({ sort: 'size' }).map((e) => e.name),
    ['a10.mkv', 'a9.mkv', 'b.mkv'],
  );
  assert.deepEqual(
    c.find({ groupId: 'g2' }).map((e) => e.name),
    ['a10.mkv'],
  );
  assert.deepEqual(
    c.find({ member: 'Bob@example.com' }).map((e) => e.name),
    ['a9.mkv'],
  );
});

test('an item is named by entry id, a unique start of one, or a file name, in a group or any', () => {
  const a = entry('Film.mkv', {
    entryId: 'aa11'.padEnd(32, '0'),
    groupId: 'g1',
    groupName: 'Films',
  });
  const b = entry('Film.mkv', {
    entryId: 'ab22'.padEnd(32, '0'),
    groupId: 'g2',
    groupName: 'Music',
  });
  const c = entry('Song.mp3', {
    entryId: 'cc33'.padEnd(32, '0'),
    groupId: 'g2',
    groupName: 'Music',
  });
  const cat = new Catalog([a, b, c]);
  assert.equal(cat.item(a.entryId), a);
  assert.equal(cat.item('cc'), c);
  assert.equal(cat.item('Song.mp3'), c);
  assert.equal(cat.item('Music:Film.mkv'), b);
  assert.equal(cat.item('g1:a'), a);
  assert.throws(() => cat.item('a'), { name: 'ValidationError', message: /ambiguous/ });
  assert.throws(() => cat.item('Film.mkv'), { name: 'ValidationError', message: /item/ });
  assert.throws(() => cat.item('zz'), { name: 'NotFoundError', message: /^item: no entry/ });
  assert.throws(() => cat.item('Nope:cc'), { name: 'NotFoundError', message: /^item: no entry/ });
  assert.throws(() => cat.item('Music:'), { name: 'ValidationError' });
});

test('sorts by rating: best first, then the most rated, then the newest; unrated last', () => {
  const rated = (average: number | null, count: number) => ({ average, count, mine: null });
  const c = new Catalog([
    entry('unrated.mkv', { publishedAt: 9, rating: rated(null, 0) }),
    entry('four-once.mkv', { publishedAt: 1, rating: rated(4, 1) }),
    entry('four-twice.mkv', { publishedAt: 2, rating: rated(4, 2) }),
    entry('five.mkv', { publishedAt: 3, rating: rated(5, 1) }),
    entry('no-ratings-read.mkv', { publishedAt: 4 }),
  ]);
  assert.deepEqual(
    c.find({ sort: 'rating' }).map((e) => e.name),
    ['five.mkv', 'four-twice.mkv', 'four-once.mkv', 'unrated.mkv', 'no-ratings-read.mkv'],
  );
});
