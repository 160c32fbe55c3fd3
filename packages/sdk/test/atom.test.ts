import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SaxesParser } from 'saxes';
import { ATOM_NS, atomFeed, xmlEscape } from '../src/groups/atom.ts';
import type { CatalogEntry } from '../src/groups/catalog.ts';

// The Atom document, read back with a conforming XML parser (saxes, with namespaces) that
// reports anything not well formed, and checked for what RFC 4287 requires of a feed and of
// each entry.

const accountId = 'b'.repeat(32);
const entry = (o: Partial<CatalogEntry>): CatalogEntry => ({
  groupId: '1'.repeat(32),
  groupName: 'Film club',
  entryId: 'e'.repeat(32),
  author: { accountId: 'a'.repeat(32), email: 'alice@example.com' },
  name: 'Le Samouraï (1967).mkv',
  size: 734_003_200,
  kind: 'video',
  tags: ['melville', 'noir'],
  note: 'restored print',
  publishedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  updatedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  file: { nodeId: 'f'.repeat(32), revision: 1 },
  ...o,
});

interface Element {
  local: string;
  uri: string;
  attributes: Map<string, string>;
  children: Element[];
  text: string;
}

/** The document's root element; any error the parser reports fails the test. */
function parse(xml: string): Element {
  const parser = new SaxesParser({ xmlns: true });
  const errors: string[] = [];
  const stack: Element[] = [];
  let root: Element | undefined;
  parser.on('error', (e) => errors.push(e.message));
  parser.on('opentag', (tag) => {
    const attrs = Object.values(tag.attributes).map((a) => [a.local, a.value] as const);
    const el: Element = {
      local: tag.local,
      uri: tag.uri,
      attributes: new Map(attrs),
      children: [],
      text: '',
    };
    stack.at(-1)?.children.push(el);
    root ??= el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  assert.deepEqual(errors, [], 'well formed');
  assert.ok(root);
  assert.equal(root.uri, ATOM_NS);
  assert.equal(root.local, 'feed');
  return root;
}

/** The element children of `parent` called `name` in the Atom namespace. */
const kids = (parent: Element, name: string) =>
  parent.children.filter((c) => c.local === name && c.uri === ATOM_NS);
const one = (parent: Element, name: string) => {
  const found = kids(parent, name);
  assert.equal(found.length, 1, `exactly one atom:${name}`);
  return found[0] as Element;
};
const text = (parent: Element, name: string) => one(parent, name).text;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

test('a feed parses and has what RFC 4287 requires, per feed and per entry', () => {
  const hostile = entry({
    entryId: 'd'.repeat(32),
    name: `<script>alert("x") & 'y'</script>\u0001\uD800 🎬.mkv`,
    note: ']]> <!-- not a comment --> &amp;',
    tags: ['a&b', '"quoted"'],
    author: { accountId: 'c'.repeat(32), email: 'carol+films@example.com' },
    publishedAt: Date.UTC(2026, 0, 3),
    updatedAt: Date.UTC(2026, 0, 4),
    rating: { average: 4, count: 1, mine: null },
  });
  const xml = atomFeed({
    accountId,
    email: 'bob@example.com',
    entries: [hostile, entry({})],
    now: 0,
    selfUrl: 'http://127.0.0.1:8080/feed.atom?a=1&b=2',
  });
  const feed = parse(xml);
  assert.equal(text(feed, 'id'), `tag:coffer,2026:feed/${accountId}`);
  assert.ok(text(feed, 'title').length > 0);
  assert.equal(text(feed, 'updated'), '2026-01-04T00:00:00.000Z', 'the newest entry');
  assert.equal(text(one(feed, 'author'), 'name'), 'bob@example.com');
  const self = one(feed, 'link');
  assert.equal(self.attributes.get('rel'), 'self');
  assert.equal(self.attributes.get('href'), 'http://127.0.0.1:8080/feed.atom?a=1&b=2');
  const entries = kids(feed, 'entry');
  assert.equal(entries.length, 2);
  const ids = new Set<string>();
  for (const e of entries) {
    const id = text(e, 'id');
    assert.match(id, /^tag:coffer,2026:entry\/[0-9a-f]{32}\/[0-9a-f]{32}$/);
    ids.add(id);
    assert.ok(text(e, 'title').length > 0);
    assert.match(text(e, 'updated'), RFC3339);
    assert.match(text(e, 'published'), RFC3339);
    const author = one(e, 'author');
    assert.match(text(author, 'name'), /@example\.com$/);
    assert.match(text(author, 'email'), /@example\.com$/);
    assert.ok(text(e, 'summary').length > 0);
    assert.equal(one(e, 'content').attributes.get('type'), 'text');
  }
  assert.equal(ids.size, 2, 'ids are unique');
  const [first] = entries as [Element];
  assert.equal(text(first, 'title'), `<script>alert("x") & 'y'</script>\uFFFD\uFFFD 🎬.mkv`);
  assert.equal(text(first, 'summary'), ']]> <!-- not a comment --> &amp;');
  assert.equal(text(one(first, 'author'), 'email'), 'carol+films@example.com');
  assert.match(text(first, 'content'), /Rated 4\.0 \(1\)/);
  const categories = kids(first, 'category').map((c) => [
    c.attributes.get('scheme'),
    c.attributes.get('term'),
    c.attributes.get('label'),
  ]);
  assert.deepEqual(categories, [
    ['tag:coffer,2026:group', '1'.repeat(32), 'Film club'],
    ['tag:coffer,2026:kind', 'video', undefined],
    ['tag:coffer,2026:tag', 'a&b', undefined],
    ['tag:coffer,2026:tag', '"quoted"', undefined],
  ]);
});

test('ids are stable: the same entry has the same id in every document', () => {
  const a = atomFeed({ accountId, email: 'b@example.com', entries: [entry({})], now: 1 });
  const b = atomFeed({
    accountId,
    email: 'b@example.com',
    entries: [
      entry({ name: 'renamed.mkv', updatedAt: Date.UTC(2027, 0, 1) }),
      entry({ entryId: '9'.repeat(32) }),
    ],
    now: 2,
  });
  const idsOf = (xml: string) => kids(parse(xml), 'entry').map((e) => text(e, 'id'));
  assert.equal(idsOf(a)[0], idsOf(b)[0]);
  assert.equal(text(parse(a), 'id'), text(parse(b), 'id'));
});

test('an empty feed is still a valid feed, updated now', () => {
  const now = Date.UTC(2026, 5, 1, 12);
  const feed = parse(atomFeed({ accountId, email: 'b@example.com', entries: [], now }));
  assert.equal(text(feed, 'updated'), new Date(now).toISOString());
  assert.equal(kids(feed, 'entry').length, 0);
  assert.equal(kids(feed, 'link').length, 0);
});

test('xmlEscape leaves nothing an XML parser could take for markup', () => {
  assert.equal(xmlEscape(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  assert.equal(xmlEscape('tab\tnew\nline\r'), 'tab\tnew\nline\r');
  assert.equal(xmlEscape('\u0000\u001F\uFFFE\uDC00'), '\uFFFD\uFFFD\uFFFD\uFFFD');
  assert.equal(xmlEscape('😀'), '😀', 'a surrogate pair stays');
  // The parser the tests read with does refuse what is not well formed.
  assert.throws(() => parse(`<feed xmlns="${ATOM_NS}"><title>a & b</title></feed>`));
  assert.throws(() => parse(`<feed xmlns="${ATOM_NS}"><title>a</feed>`));
});
