import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlacementPolicy } from '@coffer/protocol';
import {
  allowedByAny,
  belowPolicy,
  type Candidate,
  choosePlacement,
  hostAllowed,
  missingCopies,
  type Placement,
  tighten,
} from '../src/services/placement.ts';

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

  test('missingCopies counts the distinct allowed countries still needed', () => {
    const policy: PlacementPolicy = { replicas: 3, excludeCountries: ['BR'] };
    assert.equal(missingCopies(policy), 3);
    assert.equal(
      missingCopies(policy, [
        { hostId: 'a', country: 'FR', labels: {} },
        { hostId: 'b', country: 'FR', labels: {} },
        { hostId: 'c', country: 'BR', labels: {} },
      ]),
      2,
    );
    assert.equal(
      missingCopies({ replicas: 2 }, [
        { hostId: 'a', country: 'FR', labels: {} },
        { hostId: 'b', country: 'DE', labels: {} },
        { hostId: 'c', country: 'ES', labels: {} },
      ]),
      0,
    );
  });
});

describe('personal servers', () => {
  const alice = 'a'.repeat(32);
  const bob = 'b'.repeat(32);
  const mine = (id: string, o: Partial<Candidate> = {}) =>
    host(id, 'FR', { isPersonal: true, owner_account_id: alice, ...o });
  const hosts = [
    host('fr', 'FR'),
    host('de', 'DE'),
    host('es', 'ES'),
    mine('nas'),
    mine('pi', { country: 'DE' }),
    host('bobs', 'FR', { isPersonal: true, owner_account_id: bob }),
    host('unclaimed', 'FR', { isPersonal: true, owner_account_id: null }),
  ];
  const ids = (chosen: readonly Candidate[] | null) => chosen?.map((h) => h.id).sort();
  const personal: Placement = { replicas: 2, on: 'personal', owner: alice };
  const both: Placement = { replicas: 2, on: 'both', owner: alice };

  test('the network never places on a personal server, claimed or not', () => {
    for (let i = 0; i < 30; i++) {
      const chosen = ids(choosePlacement(hosts, two, 1000, [], none)) ?? [];
      assert.equal(chosen.length, 2);
      assert.ok(
        chosen.every((id) => ['fr', 'de', 'es'].includes(id)),
        chosen.join(),
      );
    }
    const onlyPersonal = hosts.filter((h) => h.isPersonal);
    assert.equal(choosePlacement(onlyPersonal, two, 1000, [], none), null);
  });

  test("on personal: a copy on each of the owner's servers, and none elsewhere", () => {
    assert.deepEqual(ids(choosePlacement(hosts, personal, 1000, [], none)), ['nas', 'pi']);
    const offline = hosts.map((h) => (h.id === 'pi' ? { ...h, online: false } : h));
    assert.deepEqual(ids(choosePlacement(offline, personal, 1000, [], none)), ['nas']);
    const allOff = hosts.map((h) => (h.isPersonal ? { ...h, online: false } : h));
    assert.equal(choosePlacement(allOff, personal, 1000, [], none), null);
    // One holds it already: nothing more is needed now that the other is away.
    const held = [{ hostId: 'nas', country: 'FR', isPersonal: true, owner_account_id: alice }];
    assert.deepEqual(ids(choosePlacement(offline, personal, 1000, held, none)), []);
    // Another account's policy never reaches alice's servers.
    assert.deepEqual(ids(choosePlacement(hosts, { ...personal, owner: bob }, 1000, [], none)), [
      'bobs',
    ]);
    assert.equal(choosePlacement(hosts, { replicas: 2, on: 'personal' }, 1000, [], none), null);
  });

  test('on both: the personal servers and the network countries, counted apart', () => {
    const chosen = ids(choosePlacement(hosts, both, 1000, [], none)) ?? [];
    assert.equal(chosen.length, 4, chosen.join());
    assert.ok(chosen.includes('nas') && chosen.includes('pi'));
    // The personal copy in FR does not take FR from the network's countries.
    const held = [{ hostId: 'nas', country: 'FR', isPersonal: true, owner_account_id: alice }];
    assert.equal(missingCopies(both, held), 2);
    assert.equal(missingCopies(personal, held), 0);
    assert.equal(missingCopies(personal, []), 1);
    assert.equal(
      missingCopies(two, [
        { hostId: 'nas', country: 'FR', isPersonal: true, owner_account_id: alice },
        { hostId: 'de', country: 'DE' },
      ]),
      1,
    );
  });

  test('hostAllowed: personal servers fit only their owner under a personal policy', () => {
    const nas = { country: 'FR', isPersonal: true, owner_account_id: alice };
    assert.equal(hostAllowed(personal, nas), true);
    assert.equal(hostAllowed(both, nas), true);
    assert.equal(hostAllowed(two, nas), false);
    assert.equal(hostAllowed({ ...personal, owner: bob }, nas), false);
    assert.equal(hostAllowed(personal, { ...nas, owner_account_id: null }), false);
    assert.equal(hostAllowed(personal, { country: 'FR' }), false);
    assert.equal(hostAllowed(both, { country: 'FR' }), true);
    // Country and tag rules are for the network's hosts; the owner chose their servers.
    assert.equal(hostAllowed({ ...personal, allowCountries: ['DE'] }, nas), true);
  });

  test('tighten: where a folder keeps data adds up, and the owner rides along', () => {
    assert.deepEqual(tighten(two, { on: 'personal', owner: alice }), personal);
    assert.equal(tighten(personal, { on: 'personal' }).on, 'personal');
    assert.equal(tighten(personal, { on: 'network' }).on, 'both');
    assert.equal(tighten(personal, { replicas: 3 }).on, 'personal');
    assert.equal(tighten(two, { replicas: 3 }).on, undefined);
  });

  test('belowPolicy: repair works on short, misplaced and missing personal copies only', () => {
    const nas = { hostId: 'nas', country: 'FR', isPersonal: true, owner_account_id: alice };
    const pi = { hostId: 'pi', country: 'DE', isPersonal: true, owner_account_id: alice };
    const fr = { hostId: 'fr', country: 'FR' };
    const de = { hostId: 'de', country: 'DE' };
    assert.equal(belowPolicy([personal], [nas, pi], [nas, pi], hosts), false);
    // The pi is online without a copy: repair gives it one.
    assert.equal(belowPolicy([personal], [nas], [nas], hosts), true);
    const piAway = hosts.map((h) => (h.id === 'pi' ? { ...h, online: false } : h));
    assert.equal(belowPolicy([personal], [nas], [nas], piAway), false);
    // A public copy of a personal folder's chunk is moved off.
    assert.equal(belowPolicy([personal], [nas, pi], [nas, pi, fr], hosts), true);
    // The policy changed back to the network: the personal copy no longer fits.
    assert.equal(belowPolicy([two], [fr, de], [fr, de, nas], hosts), true);
    assert.equal(belowPolicy([two], [fr, de], [fr, de], hosts), false);
    assert.equal(belowPolicy([both], [nas, pi, fr], [nas, pi, fr], hosts), true);
    assert.equal(belowPolicy([both], [nas, pi, fr, de], [nas, pi, fr, de], hosts), false);
  });

  test("a chunk two accounts hold (a copy from a group): neither's policy removes the other's copies", () => {
    const bobsServer = { hostId: 'bobs', country: 'FR', isPersonal: true, owner_account_id: bob };
    const nas = { hostId: 'nas', country: 'FR', isPersonal: true, owner_account_id: alice };
    const pi = { hostId: 'pi', country: 'DE', isPersonal: true, owner_account_id: alice };
    const bobsPolicy: Placement = { replicas: 2, on: 'personal', owner: bob };
    const held = [nas, pi, bobsServer];
    assert.equal(belowPolicy([personal, bobsPolicy], held, held, hosts), false);
    assert.equal(allowedByAny([personal, bobsPolicy], bobsServer), true);
    // Alone, Alice's policy would call Bob's copy misplaced.
    assert.equal(belowPolicy([personal], held, held, hosts), true);
    // Bob keeps his copy on the network: his requirement is short until two countries hold it,
    // and Alice's copies stay allowed all along.
    assert.equal(belowPolicy([personal, two], [nas, pi], [nas, pi], hosts), true);
    const fr = { hostId: 'fr', country: 'FR' };
    const de = { hostId: 'de', country: 'DE' };
    const all = [nas, pi, fr, de];
    assert.equal(belowPolicy([personal, two], all, all, hosts), false);
  });
});
