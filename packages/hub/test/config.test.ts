import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_REPLICAS, parseHubConfig } from '../src/config.ts';

// The network's default placement policy: 3 replicas, each in another country ([Note: Three
// replicas by default] in docs/architecture.md); an operator's own policy replaces it.

test('the default policy is three replicas in distinct countries', () => {
  assert.equal(DEFAULT_REPLICAS, 3);
  assert.deepEqual(parseHubConfig({ dataDir: '/nonexistent' }).placement, { replicas: 3 });
});

test("an operator's placement replaces the default, down to the promise's two", () => {
  const two = parseHubConfig({ dataDir: '/nonexistent', placement: { replicas: 2 } });
  assert.equal(two.placement.replicas, 2);
  assert.throws(
    () => parseHubConfig({ dataDir: '/nonexistent', placement: { replicas: 1 } }),
    /replicas/,
  );
});

// Audits run hourly unless the operator says otherwise ([Note: Audit interval] in
// hub/src/services/audits.ts).
test('audits default to one chunk per host an hour; an operator may audit more often', () => {
  const { audit } = parseHubConfig({ dataDir: '/nonexistent' });
  assert.equal(audit.intervalMs, 3_600_000);
  assert.equal(audit.perHost, 1);
  const often = parseHubConfig({ dataDir: '/nonexistent', audit: { intervalMs: 60_000 } }).audit;
  assert.deepEqual(often, { ...audit, intervalMs: 60_000 });
});
