import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecryptionError, IntegrityError, ValidationError } from '@coffer/errors';
import {
  type AccountId,
  generateIdentity,
  type MemberList,
  newAccountId,
  newFolderKey,
  newNodeId,
  openFolderKeyAsMember,
  sealFolderKeyForMember,
  signMemberList,
  verifyMemberList,
} from '../src/index.ts';

const person = () => ({ ...generateIdentity(), accountId: newAccountId() });
const owner = person();
const bob = person();
const carol = person();
const folderId = newNodeId();
const shareId = newNodeId() as string;
const expect = { shareId, folderId, ownerId: owner.accountId };
const list = (version: number, members: MemberList['members'], keyVersion = 1): MemberList => ({
  ...expect,
  version,
  keyVersion,
  members,
});

test('a member list signed by the owner verifies, members sorted, and pins its version', async () => {
  const signed = signMemberList(
    list(1, [
      { accountId: carol.accountId, role: 'write' },
      { accountId: bob.accountId, role: 'read' },
    ]),
    owner,
  );
  const { list: got, pin } = await verifyMemberList(signed, expect, owner.signingPublic);
  assert.equal(got.version, 1);
  assert.deepEqual(
    got.members.map((m) => m.accountId),
    [bob.accountId, carol.accountId].sort(),
  );
  assert.equal(got.members.find((m) => m.accountId === carol.accountId)?.role, 'write');
  // The same list again under its pin is fine.
  await verifyMemberList(signed, expect, owner.signingPublic, pin);
});

test('a hub cannot re-add a removed member, replay an old list, or move a list to another share', async () => {
  const v1 = signMemberList(list(1, [{ accountId: bob.accountId, role: 'read' }]), owner);
  const v2 = signMemberList(list(2, [], 2), owner);
  const { pin } = await verifyMemberList(v2, expect, owner.signingPublic);
  await assert.rejects(verifyMemberList(v1, expect, owner.signingPublic, pin), /rolled back/);
  // A list the hub makes up: not signed by the owner.
  const forged = signMemberList(list(3, [{ accountId: bob.accountId, role: 'write' }]), bob);
  await assert.rejects(
    verifyMemberList(forged, expect, owner.signingPublic, pin),
    /not signed by the share’s owner/,
  );
  // One version, two lists: equivocation.
  const other = signMemberList(list(2, [{ accountId: carol.accountId, role: 'read' }], 2), owner);
  await assert.rejects(verifyMemberList(other, expect, owner.signingPublic, pin), /two lists/);
  await assert.rejects(
    verifyMemberList(v2, { ...expect, folderId: newNodeId() }, owner.signingPublic),
    /another share/,
  );
  const flipped = Uint8Array.from(v2);
  flipped[40] = (flipped[40] as number) ^ 1;
  await assert.rejects(verifyMemberList(flipped, expect, owner.signingPublic), IntegrityError);
  await assert.rejects(
    verifyMemberList(v2.subarray(0, 60), expect, owner.signingPublic),
    IntegrityError,
  );
});

test('a list naming the owner, or a member twice, cannot be made', () => {
  assert.throws(
    () => signMemberList(list(1, [{ accountId: owner.accountId, role: 'read' }]), owner),
    ValidationError,
  );
  const twice = [
    { accountId: bob.accountId, role: 'read' as const },
    { accountId: bob.accountId, role: 'write' as const },
  ];
  assert.throws(() => signMemberList(list(1, twice), owner), ValidationError);
});

test('a folder key sealed to a member opens only for that member, share, folder and key version', async () => {
  const key = newFolderKey();
  const place = { shareId, folderId, keyVersion: 1 };
  const sealed = await sealFolderKeyForMember(key, place, owner, bob);
  assert.deepEqual(await openFolderKeyAsMember(sealed, place, owner, bob), key);
  const wrong: [string, Promise<unknown>][] = [
    [
      'another folder',
      openFolderKeyAsMember(sealed, { ...place, folderId: newNodeId() }, owner, bob),
    ],
    [
      'another share',
      openFolderKeyAsMember(sealed, { ...place, shareId: newNodeId() }, owner, bob),
    ],
    ['another key version', openFolderKeyAsMember(sealed, { ...place, keyVersion: 2 }, owner, bob)],
    [
      'another member',
      openFolderKeyAsMember(sealed, place, owner, {
        ...carol,
        accountId: bob.accountId as AccountId,
      }),
    ],
    [
      'not from the owner',
      openFolderKeyAsMember(sealed, place, { ...carol, accountId: owner.accountId }, bob),
    ],
  ];
  for (const [what, p] of wrong) {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof IntegrityError || e instanceof DecryptionError, what);
      return true;
    });
  }
});
