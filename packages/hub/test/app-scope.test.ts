import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildOpenApi, type RouteSpec, routes } from '@coffer/protocol';
import { appMayCall, isAppToken, valuesAt } from '../src/services/app-scope.ts';

// [Note: App scope]: which node ids of a request are checked, and which routes an app may call.

test('valuesAt finds node ids in params, bodies and arrays of objects', () => {
  const input = {
    params: { id: 'a' },
    body: {
      parentId: 'b',
      files: [{ nodeId: 'c', parentId: 'd' }, { nodeId: 'e' }],
      folders: ['f', 'g'],
    },
  };
  assert.deepEqual(valuesAt(input, 'params.id'), ['a']);
  assert.deepEqual(valuesAt(input, 'body.parentId'), ['b']);
  assert.deepEqual(valuesAt(input, 'body.files[].nodeId'), ['c', 'e']);
  assert.deepEqual(valuesAt(input, 'body.files[].parentId'), ['d']);
  assert.deepEqual(valuesAt(input, 'body.folders[]'), ['f', 'g']);
  assert.deepEqual(valuesAt(input, 'body.missing'), []);
  assert.deepEqual(valuesAt({ body: { folders: 'x' } }, 'body.folders[]'), []);
});

test('account-wide routes are closed to apps; writes need a read-write token', () => {
  for (const name of [
    'contactBook',
    'lookupContact',
    'account',
    'sessions',
    'usage',
    'shares',
    'changes',
    'trash',
    'apps',
    'updateKeys',
  ] as const) {
    assert.equal(appMayCall(routes[name], 'readwrite'), 'not open to app tokens', name);
  }
  assert.equal(appMayCall(routes.getNode, 'read'), null);
  assert.equal(appMayCall(routes.children, 'read'), null);
  assert.equal(appMayCall(routes.createFolder, 'read'), 'this app token is read-only');
  assert.equal(appMayCall(routes.commitUpload, 'read'), 'this app token is read-only');
  assert.equal(appMayCall(routes.createFolder, 'readwrite'), null);
});

test('every route that names a node id declares where, so confinement checks it', () => {
  for (const [name, spec] of Object.entries(routes) as [string, RouteSpec][]) {
    if (!spec.app) continue;
    const declared = [...(spec.app.nodes ?? []), ...(spec.app.below ?? [])];
    const params = spec.params ? Object.keys(spec.params.shape) : [];
    if (params.includes('id') && spec.tag === 'tree') {
      assert.ok(declared.includes('params.id'), `${name} checks params.id`);
    }
  }
});

test('app tokens are told apart from session tokens by a prefix no session token has', () => {
  assert.ok(isAppToken('capp.abc'));
  assert.ok(!isAppToken('abc_def'));
});

test('the OpenAPI document marks the operations an app token may call', () => {
  const doc = buildOpenApi(routes, { version: 'test' }) as {
    paths: Record<string, Record<string, { 'x-app-token'?: string; security: object[] }>>;
  };
  const op = (path: string, method: string) => doc.paths[path]?.[method];
  assert.equal(op('/api/nodes/{id}', 'get')?.['x-app-token'], 'read');
  assert.equal(op('/api/uploads/{id}/commit', 'post')?.['x-app-token'], 'write');
  assert.deepEqual(op('/api/nodes/{id}', 'get')?.security, [{ session: [] }, { app: [] }]);
  assert.equal(op('/api/contacts', 'get')?.['x-app-token'], undefined);
  assert.deepEqual(op('/api/contacts', 'get')?.security, [{ session: [] }]);
});
