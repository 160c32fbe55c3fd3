import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '@coffer/errors';
import { type Kind, PART_PREFIX, parseIgnore, partName } from '../src/index.ts';

// [rules, path, kind, ignored?]; `F`/`D` for a file or a folder.
type Case = [rules: string, path: string, kind: 'F' | 'D', ignored: boolean];
const kindOf = (k: 'F' | 'D'): Kind => (k === 'F' ? 'file' : 'folder');

function check(cases: Case[], options?: { foldCase?: boolean }) {
  for (const [rules, path, kind, expected] of cases) {
    const got = parseIgnore(rules, options).ignored(path, kindOf(kind));
    assert.equal(got, expected, `rules ${JSON.stringify(rules)}, ${kind} ${JSON.stringify(path)}`);
  }
}

test('the first matching pattern wins; ! re-includes', () => {
  check([
    ['!a.txt\n*.txt', 'a.txt', 'F', false],
    ['!a.txt\n*.txt', 'b.txt', 'F', true],
    ['*.txt\n!a.txt', 'a.txt', 'F', true],
    ['!frobble\nbar2', 'bar2/frobble', 'F', false],
    ['!frobble\nbar2', 'bar2/baz', 'F', true],
    ['!frobble\nbar2', 'bar2', 'D', true],
    ['!*.md', 'notes.md', 'F', false],
  ]);
});

test('a folder ignores its contents; a ! rule before it can carve one out, not after', () => {
  check([
    ['!/photos/best\n/photos', 'photos', 'D', true],
    ['!/photos/best\n/photos', 'photos/other.jpg', 'F', true],
    ['!/photos/best\n/photos', 'photos/best', 'D', false],
    ['!/photos/best\n/photos', 'photos/best/a.jpg', 'F', false],
    ['/photos\n!/photos/best', 'photos/best', 'D', true],
    ['/photos\n!/photos/best', 'photos/best/a.jpg', 'F', true],
    ['build', 'a/build/x/y.o', 'F', true],
  ]);
});

test('anchoring: /x at the root only; otherwise any depth, inner / included', () => {
  check([
    ['/foo', 'foo', 'F', true],
    ['/foo', 'sub/foo', 'F', false],
    ['/foo', 'foo/x', 'F', true],
    ['foo', 'foo', 'F', true],
    ['foo', 'sub/foo', 'F', true],
    ['foo', 'sub/deep/foo/x', 'F', true],
    ['foo', 'foofoo', 'F', false],
    ['foo', 'sub/foobar', 'F', false],
    ['foo', 'barfoo', 'F', false],
    ['a/b', 'a/b', 'F', true],
    ['a/b', 'c/a/b', 'F', true],
    ['a/b', 'a/b/c', 'F', true],
    ['a/b', 'a/bc', 'F', false],
    ['a/b', 'xa/b', 'F', false],
    ['/a/b', 'c/a/b', 'F', false],
    ['**/a/b', 'a/b', 'F', true],
    ['**/a/b', 'c/d/a/b', 'F', true],
    ['/a/*/c', 'a/x/c', 'F', true],
    ['/a/*/c', 'a/x/y/c', 'F', false],
    ['/a/*/c', 'z/a/x/c', 'F', false],
  ]);
});

test('* within a segment, ** across, ? one character within a segment', () => {
  check([
    ['te*st', 'test', 'F', true],
    ['te*st', 'subdir/telerest', 'F', true],
    ['te*st', 'tele/rest', 'F', false],
    ['te**st', 'tele/sub/dir/rest', 'F', true],
    ['te**st', 'test', 'F', true],
    ['/a/**/b', 'a/x/y/b', 'F', true],
    ['/a/**/b', 'a/b', 'F', false], // as in Syncthing: ** is any characters, the slashes stay
    ['/a/**', 'a/x/y', 'F', true],
    ['/a/**', 'a', 'D', false], // the contents only
    ['te??st', 'tebest', 'F', true],
    ['te??st', 'teb/st', 'F', false],
    ['te??st', 'test', 'F', false],
    ['*', 'anything/at/all', 'F', true],
  ]);
});

test('classes, alternatives and escapes', () => {
  check([
    ['[a-c].txt', 'b.txt', 'F', true],
    ['[a-c].txt', 'd.txt', 'F', false],
    ['[!a-c].txt', 'd.txt', 'F', true],
    ['[!a-c].txt', 'a.txt', 'F', false],
    ['[^a-c].txt', 'a.txt', 'F', false],
    ['a[!x]b', 'a/b', 'F', false],
    ['[]]x', ']x', 'F', true],
    ['[Bb]in/', 'Bin', 'D', true],
    ['*.{jpg,png}', 'x.png', 'F', true],
    ['*.{jpg,png}', 'x.gif', 'F', false],
    ['{a,b{c,d}}', 'bd', 'F', true],
    ['{a,b{c,d}}', 'b', 'F', false],
    ['/{a/b,c}', 'a/b', 'F', true],
    ['x,y}', 'x,y}', 'F', true],
    ['\\*.txt', '*.txt', 'F', true],
    ['\\*.txt', 'a.txt', 'F', false],
    ['\\[x\\]', '[x]', 'F', true],
    ['\\{a,b\\}', '{a,b}', 'F', true],
    ['\\{a,b\\}', 'a', 'F', false],
    ['a+b(1).txt', 'a+b(1).txt', 'F', true],
    ['a.b', 'axb', 'F', false],
  ]);
});

test('(?i) and the foldCase option ignore case; otherwise case counts', () => {
  check([
    ['(?i)my pictures', 'My Pictures/Img15.PNG', 'F', true],
    ['(?i)!picture*.png\n*.png', 'Picture1.PNG', 'F', false],
    ['(?i)!picture*.png\n*.png', 'x.png', 'F', true],
    ['!(?i)picture*.png\n*.png', 'PICTURE2.png', 'F', false],
    ['foo', 'FOO', 'F', false],
    ['(?i)été', 'ÉTÉ', 'F', true],
    ['(?i)/Docs/a', 'docs/A', 'F', true],
  ]);
  check(
    [
      ['foo', 'FOO', 'F', true],
      ['/Docs', 'docs/x', 'F', true],
    ],
    { foldCase: true },
  );
});

test('comments, blank lines, surrounding spaces, CRLF and a BOM', () => {
  const text = '\uFEFF// ignore logs\r\n\r\n   *.log   \r\n//foo\r\n\t/tmp\r\n';
  check([
    [text, 'a.log', 'F', true],
    [text, 'tmp', 'D', true],
    [text, 'foo', 'F', false],
    [text, '// ignore logs', 'F', false],
    ['#*.bak', '#x.bak', 'F', true],
    ['#includes', '#includes', 'F', true],
  ]);
});

test('a trailing / matches a folder and its contents, never a file of that name', () => {
  check([
    ['build/', 'build', 'D', true],
    ['build/', 'x/build', 'D', true],
    ['build/', 'build', 'F', false],
    ['build/', 'build/out.o', 'F', true],
    ['/build/', 'x/build', 'D', false],
  ]);
});

test('Unicode names and names with spaces', () => {
  check([
    ['photos/été', 'Mes photos/photos/été/1.jpg', 'F', true],
    ['日本語/*', '日本語/ファイル.txt', 'F', true],
    ['caf?', 'café', 'F', true],
    ['?.txt', '🎉.txt', 'F', true], // one code point, not two UTF-16 units
    ['?.txt', '🎉🎉.txt', 'F', false],
    ['[é-ë]', 'ê', 'F', true],
    ['\u0065\u0301t\u0065\u0301', '\u00e9t\u00e9', 'F', true], // an NFD pattern, an NFC path
    ['My Documents/*.tmp', 'home/My Documents/a b.tmp', 'F', true],
    ['My Documents/*.tmp', 'home/MyDocuments/a.tmp', 'F', false],
    ['a b', 'x/a b', 'F', true],
    ['a b', 'x/a  b', 'F', false],
  ]);
});

test('defaults: editors and systems leave these behind', () => {
  const ignored = [
    'notes.txt~',
    'sub/.notes.txt.swp',
    '.notes.txt.swo',
    '.x.swx',
    '#notes.txt#',
    '.#notes.txt',
    'docs/~$report.docx',
    '.~lock.report.odt#',
    '.DS_Store',
    'a/b/.DS_Store',
    'sub/thumbs.db',
    'Thumbs.db',
    'Desktop.ini',
  ];
  const kept = [
    'notes.txt',
    'x.swp',
    '4913',
    'a.tmp',
    'report~1.docx',
    '$report',
    'notes#',
    'ds_store',
  ];
  check([
    ...ignored.map((p): Case => ['', p, 'F', true]),
    ...kept.map((p): Case => ['', p, 'F', false]),
  ]);
  assert.equal(parseIgnore('').deletable('x/.DS_Store', 'file'), true);
  assert.equal(parseIgnore('').deletable('.x.swp', 'file'), false); // may hold unsaved work
});

test('a default gives way only to a ! rule naming the path itself', () => {
  check([
    ['!.DS_Store', '.DS_Store', 'F', false],
    ['!/photos\n*', 'photos/.DS_Store', 'F', true],
    ['!/photos\n*', 'photos/a.jpg', 'F', false],
    ['!/photos\n*', 'other.txt', 'F', true],
    ['!*.swp', '.x.swp', 'F', false],
    ['*Store\n!.DS_Store', '.DS_Store', 'F', true], // the first match is an ignore anyway
    ['!/photos\n!.DS_Store\n*', 'photos/.DS_Store', 'F', true], // only the first match counts
    ['!.DS_Store\n!/photos\n*', 'photos/.DS_Store', 'F', false],
  ]);
});

test("Coffer's own files are always ignored, whatever the rules say", () => {
  const own = '!/.coffer\n!.cofferignore\n!.coffer-part-*\n!*';
  check([
    [own, '.coffer', 'D', true],
    [own, '.coffer/state.db', 'F', true],
    [own, '.cofferignore', 'F', true],
    [own, `photos/${PART_PREFIX}1f-a.jpg`, 'F', true],
    ['', 'sub/.coffer', 'D', false],
    ['', 'sub/.cofferignore', 'F', false],
    ['', '.coffer-other', 'F', false],
  ]);
  const rules = parseIgnore('');
  assert.equal(rules.deletable(partName('a.jpg', 'x1'), 'file'), true);
  assert.equal(rules.deletable('.coffer/db', 'file'), false);
  assert.equal(rules.descend('.coffer'), false);
});

test('partName: the prefix, the tag, then as much of the name as fits in 255 bytes', () => {
  assert.equal(partName('a.jpg', '7f3a'), '.coffer-part-7f3a-a.jpg');
  const long = partName('é'.repeat(200), 'tag');
  assert.ok(Buffer.byteLength(long) <= 255 && Buffer.byteLength(long) >= 254);
  assert.ok(long.startsWith('.coffer-part-tag-éé'));
  const emoji = partName('🎉'.repeat(100), 't');
  assert.ok(!emoji.includes('\uFFFD') && /^\.coffer-part-t-(🎉)+$/u.test(emoji));
});

test('match names the deciding rule and (?d)', () => {
  const rules = parseIgnore('// x\n(?d)*.log\n!keep.log\n');
  assert.deepEqual(rules.match('a/b.log', 'file'), {
    ignored: true,
    deletable: true,
    rule: { pattern: '(?d)*.log', file: '.cofferignore', line: 2 },
  });
  assert.deepEqual(rules.match('plain', 'file'), {
    ignored: false,
    deletable: false,
    rule: undefined,
  });
  assert.equal(parseIgnore('(?i)(?d)X').deletable('x', 'file'), true);
  assert.equal(parseIgnore('*.log').deletable('a.log', 'file'), false);
});

const files: Record<string, string> = {
  '.cofferignore': '*.log\n#include shared/common.txt\n/top\n',
  'shared/common.txt': '// shared by every device\n/build\n#include more.txt\n',
  'shared/more.txt': '!keep.o\n*.o\n',
  'shared/root.txt': '/rooted',
  'a.txt': '#include b.txt',
  'b.txt': 'x\n#include a.txt',
  'self.txt': '#include ./self.txt',
  'diamond.txt': '#include shared/more.txt\n#include shared/more.txt',
};
const readFile = (p: string) => files[p];
const parse = (text: string) => parseIgnore(text, { readFile });

test('#include reads files relative to the including one; patterns stay relative to the root', () => {
  const rules = parse(files['.cofferignore'] as string);
  assert.equal(rules.ignored('build', 'folder'), true);
  assert.equal(rules.ignored('shared/build', 'folder'), false);
  assert.equal(rules.ignored('x/a.o', 'file'), true);
  assert.equal(rules.ignored('x/keep.o', 'file'), false);
  assert.equal(rules.ignored('top', 'file'), true);
  assert.deepEqual(rules.files, ['.cofferignore', 'shared/common.txt', 'shared/more.txt']);
  assert.deepEqual(rules.match('a.o', 'file').rule, {
    pattern: '*.o',
    file: 'shared/more.txt',
    line: 2,
  });
  assert.equal(parse('#include /shared/root.txt').ignored('rooted', 'file'), true);
  assert.equal(parse('#include shared/../shared/root.txt').ignored('rooted', 'file'), true);
  assert.equal(parse('#include diamond.txt').ignored('a.o', 'file'), true);
});

function rejects(text: string, field: string, message: RegExp, options = {}) {
  assert.throws(
    () => parseIgnore(text, { readFile, ...options }),
    (e: unknown) => e instanceof ValidationError && e.field === field && message.test(e.message),
    `${JSON.stringify(text)} should fail at ${field} with ${message}`,
  );
}

test('bad includes: escaping the root, cycles, missing files', () => {
  rejects('x\n#include ../outside', '.cofferignore:2', /outside the synced folder/);
  rejects('#include shared/../../x', '.cofferignore:1', /outside the synced folder/);
  rejects('#include a.txt', 'b.txt:2', /cycle \(\.cofferignore → a\.txt → b\.txt → a\.txt\)/);
  rejects('#include self.txt', 'self.txt:1', /cycle/);
  rejects('#include .cofferignore', '.cofferignore:1', /cycle/);
  rejects('#include nope.txt', '.cofferignore:1', /no such file \(nope\.txt\)/);
  rejects('#include', '.cofferignore:1', /names no file/);
  rejects('#include a.txt', '.cofferignore:1', /no such file/, { readFile: undefined });
  rejects('\n#include x', 'sub/rules:2', /no such file \(sub\/x\)/, { file: 'sub/rules' });
});

test('bad patterns name the file and line', () => {
  rejects('ok\nfoo[bar', '.cofferignore:2', /"foo\[bar" has a \[ without its \]/);
  rejects('a{b,c', '.cofferignore:1', /without its }/);
  rejects('trailing\\', '.cofferignore:1', /lone \\/);
  rejects('[z-a]', '.cofferignore:1', /backwards/);
  rejects('a[/]b', '.cofferignore:1', /\/ inside \[ \]/);
  rejects('(?x)foo', '.cofferignore:1', /unknown prefix \(\?x\)/);
  rejects('!!foo', '.cofferignore:1', /prefix ! twice/);
  rejects('(?i)', '.cofferignore:1', /names no file/);
  rejects('/', '.cofferignore:1', /names no file/);
  rejects('#include shared/common.txt\n', 'shared/more.txt:1', /"\[" has a \[ without/, {
    readFile: (p: string) => (p === 'shared/more.txt' ? '[' : files[p]),
  });
});

test('digest: the same rules give the same digest, whatever the comments or files', () => {
  const base = parse('*.log\n/build\n!keep.o\n*.o').digest;
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.equal(parse('// c\n\n  *.log\n/build\n\n!keep.o\n*.o\n').digest, base);
  assert.equal(
    parse('*.log\n#include shared/common.txt').digest,
    parse('*.log\n/build\n!keep.o\n*.o').digest,
  );
  assert.notEqual(parse('*.log\n/build\n*.o\n!keep.o').digest, base); // order matters
  assert.notEqual(parse('*.log\n/build\n!keep.o\n*.a').digest, base);
  assert.notEqual(parseIgnore('*.log\n/build\n!keep.o\n*.o', { foldCase: true }).digest, base);
  assert.notEqual(parse('').digest, base);
  assert.equal(parse('').digest, parseIgnore('').digest);
});

test('descend: an ignored folder is walked only if an earlier ! rule may match inside it', () => {
  const r = parseIgnore('!/photos/best\n/photos\n/videos\nbackup\n!late\n');
  assert.equal(r.descend('docs'), true); // not ignored
  assert.equal(r.descend('photos'), true);
  assert.equal(r.descend('photos/sub'), false);
  assert.equal(r.descend('videos'), false);
  assert.equal(r.descend('x/backup'), false);
  assert.equal(parseIgnore('!keep.me\n/photos').descend('photos'), true);
  assert.equal(parseIgnore('!/docs/a\n/photos').descend('photos'), false);
  assert.equal(parseIgnore('!/p*/best\n/photos').descend('photos'), true);
  assert.equal(parseIgnore('(?i)!/Photos/best\n/photos').descend('photos'), true);
  assert.equal(parseIgnore('').descend('old~'), false);
  assert.equal(parseIgnore('!/old~/x').descend('old~'), true);
  assert.equal(parseIgnore('!/photos\n*').descend('photos/.DS_Store'), false);
});
