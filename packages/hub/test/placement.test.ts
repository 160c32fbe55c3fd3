import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlacementPolicy } from '@coffer/protocol';
import {
  type Candidate,
  choosePlacement,
  hostAllowed,
  tighten,
} from '../src/services/placement.ts';
import { missingReplicas } from '../src/services/replicas.ts';

const GB = 1024 ** 3;

/** A host with room, online and vetted, unless `o` says otherwise. */
const host = (id: string, country: string, o: Partial<Candidate> = {}): Candidate => ({
  id,
  country,
  capacity: 10 * GB,
  used_bytes: 0,
  stored_bytes: 0,
  online: true,
  ...o,
});

const two: PlacementPolicy = { replicas: 2 };
const none = new Set<string>();
const countries = (chosen: readonly Candidate[] | null) => chosen?.map((h) => h.country).sort();

describe('choosePlacement', () => {
  test('picks as many hosts as the policy has replicas, each in another country', () => {
    const hosts = [host('a', 'FR'), host('b', 'FR'), host('c', 'DE'), host('d', 'ES')];
    for (let i = 0; i < 20; i++) {
      const chosen = choosePlacement(hosts, { replicas: 3 }, 1000, [], none);
      assert.deepEqual(countries(chosen), ['DE', 'ES', 'FR']);
    }
  });

  test('fails (null) when too few countries have a host that can take the chunk', () => {
    const hosts = [host('a', 'FR'), host('b', 'FR'), host('c', 'DE', { online: false })];
    assert.equal(choosePlacement(hosts, two, 1000, [], none), null);
  });

  test('leaves out hosts that are offline, excluded, full or already hold the chunk', () => {
    const hosts = [
      host('offline', 'DE', { online: false }),
      host('excluded', 'ES'),
      host('full', 'PT', { capacity: 1000, used_bytes: 500 }),
      host('holder', 'NL'),
      host('ok', 'BE'),
    ];
    const chosen = choosePlacement(
      hosts,
      two,
      1000,
      [{ hostId: 'holder', country: 'NL' }],
      new Set(['excluded']),
    );
    assert.deepEqual(
      chosen?.map((h) => h.id),
      ['ok'],
    );
  });

  test('a host with the space it reports used, or the stored bytes the hub counts, is full', () => {
    const hosts = [
      host('reported', 'FR', { capacity: 2000, used_bytes: 1500 }),
      host('counted', 'DE', { capacity: 2000, stored_bytes: 1500 }),
      host('free', 'ES'),
    ];
    assert.equal(choosePlacement(hosts, two, 1000, [], none), null);
  });

  test('bytes reserved by earlier chunks of the same request count against a host', () => {
    const hosts = [host('a', 'FR', { capacity: 3000 }), host('b', 'DE'), host('c', 'ES')];
    const chosen = choosePlacement(hosts, two, 2000, [], none, new Map([['a', 1500]]));
    assert.deepEqual(countries(chosen), ['DE', 'ES']);
  });

  test('copies already stored count toward the target and take their country', () => {
    const hosts = [host('a', 'FR'), host('b', 'DE')];
    assert.deepEqual(
      choosePlacement(
        hosts,
        two,
        1000,
        [
          { hostId: 'x', country: 'FR' },
          { hostId: 'y', country: 'ES' },
        ],
        none,
      ),
      [],
    );
    const more = choosePlacement(hosts, two, 1000, [{ hostId: 'x', country: 'FR' }], none);
    assert.deepEqual(
      more?.map((h) => h.id),
      ['b'],
    );
  });

  test('a copy in a country the policy does not allow does not count', () => {
    const policy: PlacementPolicy = { replicas: 2, excludeCountries: ['BR'] };
    const hosts = [host('a', 'FR'), host('b', 'DE'), host('c', 'BR')];
    const chosen = choosePlacement(hosts, policy, 1000, [{ hostId: 'x', country: 'BR' }], none);
    assert.deepEqual(countries(chosen), ['DE', 'FR']);
  });

  test('follows allowed and excluded countries and required tags', () => {
    const hosts = [
      host('a', 'FR', { labels: { power: 'solar' } }),
      host('b', 'DE', { labels: { power: 'solar' } }),
      host('c', 'ES', { labels: { power: 'grid' } }),
      host('d', 'PT'),
      host('e', 'NL', { labels: { power: 'solar' } }),
    ];
    const policy: PlacementPolicy = {
      replicas: 2,
      allowCountries: ['FR', 'DE', 'ES', 'PT'],
      excludeCountries: ['DE'],
      requiredTags: { power: 'solar' },
    };
    assert.equal(choosePlacement(hosts, policy, 1000, [], none), null);
    assert.deepEqual(
      countries(choosePlacement(hosts, { ...policy, excludeCountries: [] }, 1000, [], none)),
      ['DE', 'FR'],
    );
  });

  test('prefers the emptiest hosts', () => {
    const hosts = [
      host('busy', 'FR', { used_bytes: 8 * GB }),
      host('empty', 'FR'),
      host('half', 'DE', { used_bytes: 5 * GB }),
      host('quiet', 'DE', { used_bytes: 1 * GB }),
    ];
    for (let i = 0; i < 20; i++) {
      const chosen = choosePlacement(hosts, two, 1000, [], none);
      assert.deepEqual(chosen?.map((h) => h.id).sort(), ['empty', 'quiet']);
    }
  });

  test('an unvetted host gets a copy only in its share of choices, or when no vetted host can', () => {
    const hosts = [host('new', 'FR', { vetted: false }), host('old', 'FR'), host('de', 'DE')];
    for (let i = 0; i < 20; i++) {
      const chosen = choosePlacement(hosts, two, 1000, [], none, new Map(), 0);
      assert.deepEqual(chosen?.map((h) => h.id).sort(), ['de', 'old']);
    }
    const onlyNew = [host('new', 'FR', { vetted: false }), host('de', 'DE')];
    assert.deepEqual(
      choosePlacement(onlyNew, two, 1000, [], none, new Map(), 0)
        ?.map((h) => h.id)
        .sort(),
      ['de', 'new'],
    );
  });
});

describe('placement policies', () => {
  test('hostAllowed checks the country and every required tag', () => {
    const policy: PlacementPolicy = {
      replicas: 2,
      allowCountries: ['FR', 'DE'],
      excludeCountries: ['DE'],
      requiredTags: { power: 'solar' },
    };
    assert.equal(hostAllowed(policy, { country: 'FR', labels: { power: 'solar' } }), true);
    assert.equal(hostAllowed(policy, { country: 'DE', labels: { power: 'solar' } }), false);
    assert.equal(hostAllowed(policy, { country: 'ES', labels: { power: 'solar' } }), false);
    assert.equal(hostAllowed(policy, { country: 'FR', labels: { power: 'grid' } }), false);
    assert.equal(hostAllowed(policy, { country: 'FR' }), false);
    assert.equal(hostAllowed({ replicas: 2 }, { country: 'BR' }), true);
  });

  test('tighten only ever makes a policy stricter', () => {
    const base: PlacementPolicy = {
      replicas: 3,
      allowCountries: ['FR', 'DE', 'ES'],
      excludeCountries: ['BR'],
      requiredTags: { tier: 'home' },
    };
    assert.deepEqual(
      tighten(base, {
        replicas: 2,
        allowCountries: ['DE', 'ES', 'PT'],
        excludeCountries: ['ES'],
        requiredTags: { power: 'solar' },
      }),
      {
        replicas: 3,
        allowCountries: ['DE', 'ES'],
        excludeCountries: ['BR', 'ES'],
        requiredTags: { tier: 'home', power: 'solar' },
      },
    );
    assert.equal(tighten(base, { replicas: 5 }).replicas, 5);
    assert.deepEqual(tighten({ replicas: 2 }, { allowCountries: ['FR'] }).allowCountries, ['FR']);
  });

  test('two values for one tag leave no country allowed', () => {
    const p = tighten(
      { replicas: 2, requiredTags: { power: 'solar' } },
      {
        requiredTags: { power: 'grid' },
      },
    );
    assert.deepEqual(p.allowCountries, []);
  });

  test('missingReplicas counts the distinct allowed countries still needed', () => {
    const policy: PlacementPolicy = { replicas: 3, excludeCountries: ['BR'] };
    assert.equal(missingReplicas(policy), 3);
    assert.equal(
      missingReplicas(policy, [
        { hostId: 'a', country: 'FR', labels: {} },
        { hostId: 'b', country: 'FR', labels: {} },
        { hostId: 'c', country: 'BR', labels: {} },
      ]),
      2,
    );
    assert.equal(
      missingReplicas({ replicas: 2 }, [
        { hostId: 'a', country: 'FR', labels: {} },
        { hostId: 'b', country: 'DE', labels: {} },
        { hostId: 'c', country: 'ES', labels: {} },
      ]),
      0,
    );
  });
});
