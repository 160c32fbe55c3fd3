import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConflictError } from '@coffer/errors';
import {
  compare,
  copyTarget,
  emptyTally,
  type Kind,
  plan,
  remoteStyle,
  rerunNote,
  resumeKey,
  type Stamp,
  type Target,
} from '../src/sync-plan.ts';

const folder = (name: string) => ({ name, kind: 'folder' as const });
const file = (name: string) => ({ name, kind: 'file' as const });
const to = (path: string | undefined, kind: Kind | null = null) => ({
  path,
  kind,
  field: 'REMOTE',
});

test('a folder: its contents go into REMOTE, whether or not REMOTE exists (no nesting)', () => {
  const missing = copyTarget(folder('photos'), to('/photos'), remoteStyle);
  const existing = copyTarget(folder('photos'), to('/photos', 'folder'), remoteStyle);
  assert.deepEqual(missing, { kind: 'contents', dir: '/photos' });
  // What a rerun sees after the first run created /photos: the same target, not /photos/photos.
  assert.deepEqual(existing, missing);
  assert.deepEqual(copyTarget(folder('photos'), to('/backup/', 'folder'), remoteStyle), {
    kind: 'contents',
    dir: '/backup/',
  });
});

test('a folder with no REMOTE goes to /NAME, the same on every run', () => {
  assert.deepEqual(copyTarget(folder('photos'), to(undefined), remoteStyle), {
    kind: 'contents',
    dir: '/photos',
  });
  assert.deepEqual(copyTarget(folder('photos'), to(undefined, 'folder'), remoteStyle), {
    kind: 'contents',
    dir: '/photos',
  });
});

test('a folder onto a file is a conflict naming REMOTE', () => {
  assert.throws(
    () => copyTarget(folder('photos'), to('/photos', 'file'), remoteStyle),
    (e: Error) => e instanceof ConflictError && /^REMOTE: \/photos is a file/.test(e.message),
  );
});

test('a file: into REMOTE if it is a folder or ends in /, else to REMOTE as its path', () => {
  const t = (path: string | undefined, kind: Kind | null) =>
    copyTarget(file('a.txt'), to(path, kind), remoteStyle);
  assert.deepEqual(t('/docs', 'folder'), { kind: 'file', path: '/docs/a.txt' });
  assert.deepEqual(t('/docs/', null), { kind: 'file', path: '/docs/a.txt' });
  assert.deepEqual(t('/', 'folder'), { kind: 'file', path: '/a.txt' });
  assert.deepEqual(t('/docs/b.txt', null), { kind: 'file', path: '/docs/b.txt' });
  // After the first run REMOTE is that file: a rerun writes the same path.
  assert.deepEqual(t('/docs/b.txt', 'file'), { kind: 'file', path: '/docs/b.txt' });
  assert.deepEqual(t(undefined, null), { kind: 'file', path: '/a.txt' });
  assert.deepEqual(t(undefined, 'file'), { kind: 'file', path: '/a.txt' });
  assert.throws(() => t(undefined, 'folder'), /REMOTE: \/a\.txt is a folder/);
});

test('compare: size and mtime equal is a skip; same size, other time needs the hash', () => {
  const s = { size: 10, mtime: 1000 };
  assert.equal(compare(s, null), 'copy');
  assert.equal(compare(s, { kind: 'file', size: 10, mtime: 1000 }), 'skip');
  // The metadata keeps whole milliseconds; the local clock may have a fraction.
  assert.equal(
    compare({ size: 10, mtime: 1000.7 }, { kind: 'file', size: 10, mtime: 1000 }),
    'skip',
  );
  assert.equal(compare(s, { kind: 'file', size: 10, mtime: 2000 }), 'verify');
  assert.equal(compare(s, { kind: 'file', size: 11, mtime: 1000 }), 'copy');
});

const stamp = (kind: Kind, size = 0, mtime = 0) => ({ kind, size, mtime });
const item = (rel: string, size: number, mtime: number) => ({ rel, item: { size, mtime } });

test('plan: a rerun of a finished copy skips everything; a half-done one copies the rest', () => {
  const files = [item('a.txt', 1, 5), item('sub/b.txt', 2, 6), item('sub/c.txt', 3, 7)];
  const all = new Map<string, Stamp & { kind: Kind }>([
    ['sub', stamp('folder')],
    ['a.txt', stamp('file', 1, 5)],
    ['sub/b.txt', stamp('file', 2, 6)],
    ['sub/c.txt', stamp('file', 3, 7)],
  ]);
  const done = plan(files, ['sub'], all, (r) => r);
  assert.deepEqual(
    done.skip.map((f) => f.rel),
    ['a.txt', 'sub/b.txt', 'sub/c.txt'],
  );
  assert.equal(done.copy.length + done.verify.length, 0);

  const half = new Map(all);
  half.delete('sub/c.txt');
  half.set('sub/b.txt', stamp('file', 2, 99));
  const rest = plan(files, ['sub'], half, (r) => r);
  assert.deepEqual(
    rest.copy.map((f) => f.rel),
    ['sub/c.txt'],
  );
  assert.deepEqual(
    rest.verify.map((f) => f.rel),
    ['sub/b.txt'],
  );
  assert.deepEqual(
    rest.skip.map((f) => f.rel),
    ['a.txt'],
  );
});

test('plan: a folder where a file goes, or a file where a folder goes, stops with the path', () => {
  assert.throws(
    () => plan([item('x', 1, 1)], [], new Map([['x', stamp('folder')]]), (r) => `REMOTE: /p/${r}`),
    /REMOTE: \/p\/x is a folder/,
  );
  assert.throws(
    () => plan([], ['d'], new Map([['d', stamp('file', 1, 1)]]), (r) => `LOCAL: /p/${r}`),
    /LOCAL: \/p\/d is a file/,
  );
});

test('the summary names what was skipped and resumed, and nothing when neither', () => {
  assert.equal(rerunNote(emptyTally()), '');
  assert.equal(
    rerunNote({ ...emptyTally(), skipped: 3, resumed: 1 }),
    '; skipped 3 unchanged files, resumed 1 interrupted transfer',
  );
});

test('resume: a rerun finds the interrupted upload under the same key; a changed file does not', async () => {
  const big = { abs: '/home/a/photos/big.bin', size: 20 << 20, mtime: 1_700_000_000_123.4 };
  // The first run created /photos and was killed; the rerun sees /photos as a folder.
  const first = copyTarget(folder('photos'), to('/photos'), remoteStyle);
  const again = copyTarget(folder('photos'), to('/photos', 'folder'), remoteStyle);
  assert.equal(first.kind, 'contents');
  assert.equal(again.kind, 'contents');
  const remoteOf = (t: Target) =>
    remoteStyle.join(t.kind === 'contents' ? t.dir : t.path, 'big.bin');
  const key = await resumeKey('acct', big, remoteOf(first));
  assert.equal(await resumeKey('acct', big, remoteOf(again)), key);
  assert.match(key, /^[0-9a-f]{32}$/);
  assert.notEqual(
    await resumeKey('acct', { ...big, mtime: big.mtime + 1000 }, remoteOf(again)),
    key,
  );
  assert.notEqual(await resumeKey('acct', { ...big, size: big.size + 1 }, remoteOf(again)), key);
  assert.notEqual(await resumeKey('other', big, remoteOf(again)), key);
});
