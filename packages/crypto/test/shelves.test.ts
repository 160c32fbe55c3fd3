import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecryptionError, IntegrityError, ValidationError } from '@coffer/errors';
import {
  generateIdentity,
  MAX_SHELF_ENTRY_BODY,
  newAccountId,
  newGroupKey,
  newNodeId,
  openShelfEntry,
  type ShelfPlace,
  sealShelfEntry,
  shelfEntryPlace,
} from '../src/index.ts';

const alice = { ...generateIdentity(), accountId: newAccountId() };
const bob = { ...generateIdentity(), accountId: newAccountId() };
const key = newGroupKey();
const place: ShelfPlace = {
  groupId: newNodeId(),
  entryId: newNodeId(),
  authorId: alice.accountId,
  keyVersion: 2,
  version: 1,
};
const body = { name: 'Le Samouraï.mkv', size: 42, kind: 'video', tags: ['melville'] };

test("an entry opens for the group under its author's key, as published", async () => {
  const sealed = await sealShelfEntry(body, place, key, alice.signingSecret);
  assert.deepEqual(shelfEntryPlace(sealed), place);
  assert.deepEqual(await openShelfEntry(sealed, place, key, alice.signingPublic), body);
});

test('a hub cannot put an entry under another name, shelf, group or version', async () => {
  const sealed = await sealShelfEntry(body, place, key, alice.signingSecret);
  // Listed under Bob: Bob's key does not verify Alice's signature.
  await assert.rejects(
    openShelfEntry(sealed, { ...place, authorId: bob.accountId }, key, bob.signingPublic),
    (e: Error) => e instanceof IntegrityError && /not signed by the member/.test(e.message),
  );
  // Bob signs an entry that names Alice as its author: Alice's key does not verify it.
  const forged = await sealShelfEntry(body, place, key, bob.signingSecret);
  await assert.rejects(openShelfEntry(forged, place, key, alice.signingPublic), IntegrityError);
  for (const moved of [
    { groupId: newNodeId() },
    { entryId: newNodeId() },
    { version: 2 },
    { keyVersion: 1 },
  ]) {
    await assert.rejects(
      openShelfEntry(sealed, { ...place, ...moved }, key, alice.signingPublic),
      /served as another/,
    );
  }
  const flipped = sealed.slice();
  flipped[80] = (flipped[80] as number) ^ 1;
  await assert.rejects(openShelfEntry(flipped, place, key, alice.signingPublic), IntegrityError);
  await assert.rejects(
    openShelfEntry(sealed.subarray(0, 40), place, key, alice.signingPublic),
    IntegrityError,
  );
});

test('an entry does not open under another group key (a removed member keeps only old keys)', async () => {
  const sealed = await sealShelfEntry(body, place, key, alice.signingSecret);
  await assert.rejects(
    openShelfEntry(sealed, place, newGroupKey(), alice.signingPublic),
    DecryptionError,
  );
});

test('an oversized entry is refused when sealed', async () => {
  await assert.rejects(
    sealShelfEntry({ note: 'x'.repeat(MAX_SHELF_ENTRY_BODY) }, place, key, alice.signingSecret),
    ValidationError,
  );
});
