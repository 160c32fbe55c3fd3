import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRoute, routeHash } from '../src/files/route.ts';

test('every folder, view and search has an address that reads back as itself', () => {
  for (const route of [
    { view: 'files', path: '/', query: '' },
    { view: 'files', path: '/Photos/2026', query: '' },
    { view: 'files', path: '/a #b?c/100% sure/été', query: '' },
    { view: 'trash', path: '/', query: '' },
    { view: 'search', path: '/', query: 'beach & sun?' },
    { view: 'approve', path: '/', query: 'BCDF-GHJK' },
    { view: 'approve', path: '/', query: '' },
  ]) {
    assert.deepEqual(parseRoute(routeHash(route)), route, routeHash(route));
  }
  assert.equal(
    routeHash({ view: 'files', path: '/Photos/2026', query: '' }),
    '#/files/Photos/2026',
  );
  assert.equal(
    routeHash({ view: 'approve', path: '/', query: 'BCDF-GHJK' }),
    '#/approve?code=BCDF-GHJK',
  );
  assert.equal(parseRoute('#/trash?code=x').query, '', 'only "approve" reads a code');
});

test('an address that names no place opens the root folder', () => {
  const root = { view: 'files', path: '/', query: '' };
  for (const hash of ['', '#', '#/', '#/files', '#/files/%E0%A4%A', '#/files/a/../b', '#/<b>']) {
    assert.deepEqual(parseRoute(hash), root, hash);
  }
  assert.deepEqual(parseRoute('#/files/a%2Fb'), root, 'an encoded slash is not a name');
  assert.deepEqual(parseRoute('#/files//a/'), { ...root, path: '/a' });
});
