import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IntegrityError } from '@coffer/errors';
import {
  type AppGrant,
  appGrantSigned,
  appKeyFingerprint,
  generateIdentity,
  newAccountId,
  newFolderKey,
  newNodeId,
  openAppFolderKey,
  sealAppFolderKey,
} from '../src/index.ts';

// [Note: App grants]: the folder key sealed to an app, bound to everything the app relies on.

const account = { ...generateIdentity(), accountId: newAccountId() };
const app = generateIdentity();
const other = generateIdentity();
const grant: AppGrant = {
  accountId: account.accountId,
  requestId: newAccountId(),
  folderId: newNodeId(),
  keyVersion: 1,
  access: 'read',
  appAgreementPublic: app.agreementPublic,
  appSigningPublic: app.signingPublic,
};
const appKeys = { secret: app.agreementSecret, public: app.agreementPublic };

test('the app opens its folder key; the account recognises its own grant', async () => {
  const key = newFolderKey();
  const sealed = await sealAppFolderKey(key, grant, account.signingSecret);
  assert.deepEqual(await openAppFolderKey(sealed, grant, appKeys, account.signingPublic), key);
  assert.ok(appGrantSigned(sealed, grant, account.signingPublic));
  assert.ok(!appGrantSigned(sealed, grant, other.signingPublic));
});

test('any bound field changed, or another signer, is an IntegrityError', async () => {
  const sealed = await sealAppFolderKey(newFolderKey(), grant, account.signingSecret);
  const changed: AppGrant[] = [
    { ...grant, folderId: newNodeId() },
    { ...grant, requestId: newAccountId() },
    { ...grant, keyVersion: 2 },
    { ...grant, access: 'readwrite' },
    { ...grant, accountId: newAccountId() },
    { ...grant, appSigningPublic: other.signingPublic },
  ];
  for (const g of changed) {
    await assert.rejects(
      openAppFolderKey(sealed, g, appKeys, account.signingPublic),
      IntegrityError,
    );
    assert.ok(!appGrantSigned(sealed, g, account.signingPublic));
  }
  await assert.rejects(
    openAppFolderKey(sealed, grant, appKeys, other.signingPublic),
    IntegrityError,
  );
});

test('an app’s key fingerprint: 12 hex digits in three groups, the same for the same keys, another for any other key', async () => {
  const a = generateIdentity();
  const b = generateIdentity();
  const f = await appKeyFingerprint(a.agreementPublic, a.signingPublic);
  assert.match(f, /^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
  assert.equal(await appKeyFingerprint(a.agreementPublic, a.signingPublic), f);
  assert.notEqual(await appKeyFingerprint(b.agreementPublic, a.signingPublic), f);
  assert.notEqual(await appKeyFingerprint(a.agreementPublic, b.signingPublic), f);
});
