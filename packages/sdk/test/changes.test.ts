import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '@coffer/errors';
import type { ChangeInfo } from '@coffer/protocol';
import { type ChangePage, Changes } from '../src/changes.ts';
import type { HubCalls } from '../src/hub-client.ts';

// client.changes against a scripted hub: what it asks for, which pages watch() yields, and that
// an abort ends a watch quietly.

const change = (n: number): ChangeInfo => ({
  nodeId: n.toString(16).padStart(32, '0'),
  parentId: null,
  kind: 'folder',
  version: 1,
  revision: null,
  keyVersion: 1,
  trashed: false,
  deleted: false,
  shareId: null,
});

function scripted(pages: ChangePage[], asked: unknown[], stop?: AbortController): HubCalls {
  return {
    call: (async (_name: string, input: { query?: unknown }, signal?: AbortSignal) => {
      asked.push(input.query);
      const page = pages.shift();
      if (page) return page;
      stop?.abort();
      throw signal?.reason ?? new Error('no more pages');
    }) as unknown as HubCalls['call'],
  };
}

test('watch yields the pages with changes, follows the cursor, and ends on abort', async () => {
  const stop = new AbortController();
  const asked: unknown[] = [];
  const pages: ChangePage[] = [
    { changes: [change(1)], cursor: '1', more: false },
    { changes: [], cursor: '1', more: false },
    { changes: [change(2), change(3)], cursor: '3', more: false },
  ];
  const changes = new Changes({ hub: scripted(pages, asked, stop) });
  const seen: string[][] = [];
  for await (const p of changes.watch('0', stop.signal)) seen.push(p.changes.map((c) => c.nodeId));
  assert.deepEqual(seen, [[change(1).nodeId], [change(2).nodeId, change(3).nodeId]]);
  assert.deepEqual(
    asked.map((q) => (q as { cursor: string }).cursor),
    ['0', '1', '1', '3'],
  );
  assert.ok(asked.every((q) => (q as { wait: number }).wait === 25));
});

test('next checks waitSeconds before asking', async () => {
  const asked: unknown[] = [];
  const changes = new Changes({ hub: scripted([], asked) });
  for (const waitSeconds of [-1, 31, 1.5]) {
    await assert.rejects(
      changes.next('0', { waitSeconds }),
      (e) => e instanceof ValidationError && e.field === 'waitSeconds',
    );
  }
  assert.equal(asked.length, 0);
});
