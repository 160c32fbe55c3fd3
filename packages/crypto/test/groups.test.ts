import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecryptionError, IntegrityError, ValidationError } from '@coffer/errors';
import {
  type AccountId,
  type GroupRoster,
  generateIdentity,
  groupNameKeyVersion,
  newAccountId,
  newGroupKey,
  newNodeId,
  openGroupKey,
  openGroupName,
  sealGroupKey,
  sealGroupName,
  signGroupRoster,
  verifyGroupRoster,
} from '../src/index.ts';

const person = () => ({ ...generateIdentity(), accountId: newAccountId() });
const owner = person();
const bob = person();
const carol = person();
const groupId = newNodeId() as string;
const expect = { groupId, ownerId: owner.accountId };
const roster = (version: number, members: AccountId[], keyVersion = 1): GroupRoster => ({
  ...expect,
  version,
  keyVersion,
  members,
});

test('a roster signed by the owner verifies with its members sorted, and pins its version', async () => {
  const signed = signGroupRoster(roster(1, [carol.accountId, bob.accountId]), owner);
  const { roster: got, pin } = await verifyGroupRoster(signed, expect, owner.signingPublic);
  assert.deepEqual(got.members, [bob.accountId, carol.accountId].sort());
  assert.equal(got.version, 1);
  await verifyGroupRoster(signed, expect, owner.signingPublic, pin);
});

test('a hub cannot add a member, replay an old roster, equivocate, or move a roster', async () => {
  const v1 = signGroupRoster(roster(1, [bob.accountId, carol.accountId]), owner);
  const v2 = signGroupRoster(roster(2, [bob.accountId], 2), owner);
  const { pin } = await verifyGroupRoster(v2, expect, owner.signingPublic);
  await assert.rejects(verifyGroupRoster(v1, expect, owner.signingPublic, pin), /rolled back/);
  const forged = signGroupRoster(roster(3, [bob.accountId, carol.accountId]), bob);
  await assert.rejects(
    verifyGroupRoster(forged, expect, owner.signingPublic, pin),
    (e: Error) => e instanceof IntegrityError && /not signed by the group’s owner/.test(e.message),
  );
  const other = signGroupRoster(roster(2, [carol.accountId], 2), owner);
  await assert.rejects(
    verifyGroupRoster(other, expect, owner.signingPublic, pin),
    /two rosters with one version/,
  );
  await assert.rejects(
    verifyGroupRoster(v2, { ...expect, groupId: newNodeId() }, owner.signingPublic),
    /another group/,
  );
  const flipped = v2.slice();
  flipped[40] = (flipped[40] as number) ^ 1;
  await assert.rejects(verifyGroupRoster(flipped, expect, owner.signingPublic), IntegrityError);
  await assert.rejects(
    verifyGroupRoster(v2.subarray(0, 30), expect, owner.signingPublic),
    IntegrityError,
  );
});

test('a roster never lists its owner or anyone twice', () => {
  assert.throws(() => signGroupRoster(roster(1, [owner.accountId]), owner), ValidationError);
  assert.throws(
    () => signGroupRoster(roster(1, [bob.accountId, bob.accountId]), owner),
    ValidationError,
  );
});

test('a group key opens only for its member, group and version, sealed by the owner', async () => {
  const key = newGroupKey();
  const place = { groupId, keyVersion: 1 };
  const sealed = await sealGroupKey(key, place, owner, bob);
  const ownerPub = { accountId: owner.accountId, signingPublic: owner.signingPublic };
  assert.deepEqual(await openGroupKey(sealed, place, ownerPub, bob), key);
  await assert.rejects(openGroupKey(sealed, place, ownerPub, carol));
  await assert.rejects(openGroupKey(sealed, { groupId, keyVersion: 2 }, ownerPub, bob));
  await assert.rejects(
    openGroupKey(
      sealed,
      place,
      { accountId: bob.accountId, signingPublic: bob.signingPublic },
      bob,
    ),
  );
});

test("a group's name opens under its key and version only", async () => {
  const key = newGroupKey();
  const place = { groupId, keyVersion: 3 };
  const sealed = await sealGroupName('Film club', key, place);
  assert.equal(groupNameKeyVersion(sealed), 3);
  assert.equal(await openGroupName(sealed, key, place), 'Film club');
  await assert.rejects(openGroupName(sealed, newGroupKey(), place), DecryptionError);
  await assert.rejects(openGroupName(sealed, key, { groupId, keyVersion: 2 }), DecryptionError);
  await assert.rejects(openGroupName(sealed, key, { ...place, groupId: newNodeId() }));
  await assert.rejects(sealGroupName(' ', key, place), ValidationError);
  await assert.rejects(sealGroupName('x'.repeat(201), key, place), ValidationError);
});
