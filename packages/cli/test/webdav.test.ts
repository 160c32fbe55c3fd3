import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateIf, type IfState, parseIf, submittedTokens } from '../src/webdav/if-header.ts';
import { Locks, timeoutOf } from '../src/webdav/locks.ts';
import { destinationNames, hrefOf, namesOf } from '../src/webdav/paths.ts';
import { parseRange } from '../src/webdav/range.ts';
import { ocMtime } from '../src/webdav/write.ts';
import { parseXml, XmlWriter } from '../src/webdav/xml.ts';

describe('request paths', () => {
  test('names are decoded after splitting', () => {
    assert.deepEqual(namesOf('/a/b%20c/'), ['a', 'b c']);
    assert.deepEqual(namesOf('/'), []);
    assert.deepEqual(namesOf('/caf%C3%A9?x=1'), ['café']);
    assert.deepEqual(namesOf('/frag/#ment'), ['frag', '#ment']);
    assert.deepEqual(namesOf('//a///b'), ['a', 'b']);
  });
  test('traversal, encoded slashes, NUL and bad UTF-8 are refused', () => {
    for (const bad of [
      '/a/../b',
      '/%2e%2e/x',
      '/a/%2E%2E',
      '/a/.',
      '/a%2Fb',
      '/a%5Cb',
      '/a%00',
      '/%C3',
      '/%zz',
      'a/b',
    ]) {
      assert.throws(() => namesOf(bad), { code: 'validation' }, bad);
    }
  });
  test('a Destination is an absolute URI on this server, or a path', () => {
    assert.deepEqual(destinationNames('http://127.0.0.1:8080/x/y%20z', '127.0.0.1:8080'), [
      'x',
      'y z',
    ]);
    assert.deepEqual(destinationNames('/x/', '127.0.0.1:8080'), ['x']);
    assert.throws(() => destinationNames('http://elsewhere/x', '127.0.0.1:8080'), {
      code: 'validation',
    });
    assert.throws(() => destinationNames('http://127.0.0.1:8080/a/../b', '127.0.0.1:8080'), {
      code: 'validation',
    });
    assert.throws(() => destinationNames(undefined, 'h'), { code: 'validation' });
  });
  test('hrefs are percent-encoded; collections end with a slash', () => {
    assert.equal(hrefOf(['a b', 'c#d'], true), '/a%20b/c%23d/');
    assert.equal(hrefOf([], true), '/');
  });
});

describe('the If header', () => {
  const state = (etag: string | null, tokens: string[] = []): IfState => ({
    etag,
    tokens: new Set(tokens),
  });
  test('untagged and tagged lists, Not, tokens and etags', () => {
    const lists = parseIf('<http://h/a> (<opaquelocktoken:1> ["e1"]) (Not <DAV:no-lock> ["e2"])');
    assert.equal(lists.length, 2);
    assert.equal(lists[0]?.resource, 'http://h/a');
    assert.deepEqual(lists[1]?.conditions, [
      { not: true, kind: 'token', value: 'DAV:no-lock' },
      { not: false, kind: 'etag', value: '"e2"' },
    ]);
    assert.deepEqual(submittedTokens(lists), ['opaquelocktoken:1']);
  });
  test('it holds when any list holds, a list when all its conditions do', async () => {
    const ev = (h: string, s: IfState) => evaluateIf(parseIf(h), async () => s);
    assert.equal(await ev('(<t1>)', state('"e"', ['t1'])), true);
    assert.equal(await ev('(<t1> ["x"])', state('"e"', ['t1'])), false);
    assert.equal(await ev('(<DAV:no-lock> ["e"])', state('"e"')), false);
    assert.equal(await ev('(<t2>) (Not <DAV:no-lock>)', state('"e"')), true);
    assert.equal(await ev('(Not ["e"])', state('"e"')), false);
    assert.equal(await ev('(["e"])', state(null)), false);
  });
  test('malformed headers are refused', () => {
    for (const bad of ['', '(', '(<a>', '()', 'x', '<a>', '([e] junk)']) {
      assert.throws(() => parseIf(bad), { code: 'validation' }, bad);
    }
  });
});

describe('locks', () => {
  test('a depth-infinity lock covers members, even new ones; a token unlocks', () => {
    const locks = new Locks();
    const l = locks.take({
      root: ['c'],
      depth: 'infinity',
      scope: 'exclusive',
      owner: null,
      timeoutSeconds: 60,
    });
    assert.equal(locks.covering(['c', 'new']).length, 1);
    assert.equal(locks.blocking(['c', 'new'], false, []).length, 1);
    assert.equal(locks.blocking(['c', 'new'], false, [l.token]).length, 0);
    assert.equal(locks.covering(['d']).length, 0);
    assert.equal(locks.conflicts(['c', 'x'], 0, 'shared'), true);
    locks.release(l.token);
    assert.equal(locks.covering(['c']).length, 0);
  });
  test('shared locks share; a depth-0 lock covers only its resource', () => {
    const locks = new Locks();
    locks.take({ root: ['f'], depth: 0, scope: 'shared', owner: null, timeoutSeconds: 60 });
    assert.equal(locks.conflicts(['f'], 0, 'shared'), false);
    assert.equal(locks.conflicts(['f'], 0, 'exclusive'), true);
    assert.equal(locks.covering(['f', 'x']).length, 0);
  });
  test('Timeout: seconds, Infinite capped, nonsense defaulted', () => {
    assert.equal(timeoutOf('Second-100'), 100);
    assert.equal(timeoutOf('Infinite, Second-4100000000'), 7 * 24 * 3600);
    assert.equal(timeoutOf('soon'), 3600);
  });
});

describe('ranges', () => {
  test('first bytes, middle, open end, suffix', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), { kind: 'range', start: 0, end: 10 });
    assert.deepEqual(parseRange('bytes=40-59', 100), { kind: 'range', start: 40, end: 60 });
    assert.deepEqual(parseRange('bytes=90-', 100), { kind: 'range', start: 90, end: 100 });
    assert.deepEqual(parseRange('bytes=-5', 100), { kind: 'range', start: 95, end: 100 });
    assert.deepEqual(parseRange('bytes=-500', 100), { kind: 'range', start: 0, end: 100 });
    assert.deepEqual(parseRange('bytes=50-5000', 100), { kind: 'range', start: 50, end: 100 });
  });
  test('unsatisfiable, several or malformed', () => {
    assert.deepEqual(parseRange('bytes=100-', 100), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=-0', 100), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=0-1,5-6', 100), { kind: 'whole' });
    assert.deepEqual(parseRange('items=1-2', 100), { kind: 'whole' });
    assert.deepEqual(parseRange(undefined, 100), { kind: 'whole' });
  });
});

describe('XML', () => {
  test('a dead property in any namespace is written back well-formed', () => {
    const root = parseXml(
      '<x:a xmlns:x="urn:x" xmlns:y="urn:y" y:k="v&amp;"><y:b>1 &lt; 2</y:b><c xmlns="">&#65536;</c></x:a>',
      'body',
    );
    assert.ok(root);
    const out = new XmlWriter().node(root);
    const again = parseXml(out, 'again');
    assert.deepEqual(again, root);
    assert.match(out, /\u{10000}/u);
  });
  test('not well-formed, an undeclared prefix, or xmlns:p="" is a ValidationError', () => {
    for (const bad of ['<a>', '<a></b>', '<p:a/>', '<a xmlns:bar=""/>', 'text']) {
      assert.throws(() => parseXml(bad, 'body'), { code: 'validation' }, bad);
    }
    assert.equal(parseXml('  ', 'body'), null);
  });
  test('a document declares DAV: once', () => {
    const w = new XmlWriter();
    const doc = XmlWriter.document(
      'multistatus',
      w.el('DAV:', 'response', w.el('urn:z', 'p', '&amp;')),
    );
    assert.match(doc, /^<\?xml version="1.0" encoding="utf-8"\?>\n<D:multistatus xmlns:D="DAV:">/);
    assert.ok(parseXml(doc, 'doc'));
  });
});

describe('X-OC-Mtime', () => {
  test('whole or fractional seconds, to milliseconds', () => {
    assert.equal(ocMtime('1700000000'), 1_700_000_000_000);
    assert.equal(ocMtime('1700000000.25'), 1_700_000_000_250);
    assert.equal(ocMtime(undefined), undefined);
    assert.throws(() => ocMtime('yesterday'), { code: 'validation' });
  });
});
