import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecryptionError, IntegrityError, ValidationError } from '@coffer/errors';
import {
  generateIdentity,
  newAccountId,
  newGroupKey,
  newMasterKey,
  newNodeId,
  openFeedState,
  openRating,
  type RatingPlace,
  ratingPlace,
  ratingSigned,
  sealFeedState,
  sealRating,
} from '../src/index.ts';

const bob = { ...generateIdentity(), accountId: newAccountId() };
const carol = { ...generateIdentity(), accountId: newAccountId() };
const key = newGroupKey();
const place: RatingPlace = {
  groupId: newNodeId(),
  entryId: newNodeId(),
  raterId: bob.accountId,
  keyVersion: 3,
};

test("a rating opens for the group under its rater's key, as given", async () => {
  const sealed = await sealRating(4, place, key, bob.signingSecret);
  assert.deepEqual(ratingPlace(sealed), place);
  assert.ok(ratingSigned(sealed, bob.signingPublic));
  assert.ok(!ratingSigned(sealed, carol.signingPublic));
  assert.equal(await openRating(sealed, place, key, bob.signingPublic), 4);
});

test('only whole numbers from 1 to 5 are ratings', async () => {
  for (const bad of [0, 6, 3.5, -1, Number.NaN]) {
    await assert.rejects(
      sealRating(bad, place, key, bob.signingSecret),
      (e: Error) => e instanceof ValidationError && e.field === 'rating',
    );
  }
});

test('a hub cannot move a rating to another member, entry, group or key version', async () => {
  const sealed = await sealRating(5, place, key, bob.signingSecret);
  await assert.rejects(
    openRating(sealed, { ...place, raterId: carol.accountId }, key, carol.signingPublic),
    (e: Error) => e instanceof IntegrityError && /not signed by the member/.test(e.message),
  );
  for (const moved of [{ groupId: newNodeId() }, { entryId: newNodeId() }, { keyVersion: 2 }]) {
    await assert.rejects(
      openRating(sealed, { ...place, ...moved }, key, bob.signingPublic),
      (e: Error) => e instanceof IntegrityError && /served as another/.test(e.message),
    );
  }
  // Carol signs a rating that names Bob as its rater: Bob's key does not verify it.
  const forged = await sealRating(1, place, key, carol.signingSecret);
  await assert.rejects(openRating(forged, place, key, bob.signingPublic), IntegrityError);
  const flipped = sealed.slice();
  flipped[30] = (flipped[30] as number) ^ 1;
  await assert.rejects(openRating(flipped, place, key, bob.signingPublic), IntegrityError);
  await assert.rejects(
    openRating(sealed.subarray(0, 20), place, key, bob.signingPublic),
    IntegrityError,
  );
  await assert.rejects(
    openRating(sealed, place, newGroupKey(), bob.signingPublic),
    DecryptionError,
  );
});

test('the feed state opens only as the version and account it was sealed for', async () => {
  const master = newMasterKey();
  const state = new TextEncoder().encode('{"groups":{}}');
  const sealed = await sealFeedState(master, bob.accountId, 7, state);
  assert.deepEqual(await openFeedState(master, bob.accountId, 7, sealed), state);
  await assert.rejects(openFeedState(master, bob.accountId, 6, sealed), DecryptionError);
  await assert.rejects(openFeedState(master, carol.accountId, 7, sealed), DecryptionError);
  await assert.rejects(openFeedState(newMasterKey(), bob.accountId, 7, sealed), DecryptionError);
});
