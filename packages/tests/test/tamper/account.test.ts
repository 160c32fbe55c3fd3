import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IntegrityError } from '@coffer/errors';
import type { AccountInfo } from '@coffer/protocol';
import { CofferClient } from '@coffer/sdk';
import type { JsonRewrite } from '@coffer/tests';
import {
  aliceSaved,
  bobAccount,
  CONTENT,
  changed,
  FAST,
  flip,
  hubProxy,
  id,
  lie,
  password,
  readAll,
  sameBytes,
  survives,
} from './fixture.ts';

// A hub that tampers with an account's keys, caught at login and resume (see fixture.ts).

describe('a hub that tampers with the account keys is caught at login and resume', () => {
  const login = () =>
    CofferClient.login({
      hubUrl: hubProxy.url,
      email: 'alice@example.com',
      password,
      retry: FAST,
    }).then((c) => c.whoami().accountId);
  const resume = () =>
    CofferClient.resume({ ...aliceSaved, hubUrl: hubProxy.url }, { retry: FAST }).then(
      (c) => c.whoami().accountId,
    );
  const isAlice = (accountId: string) => assert.equal(accountId, aliceSaved.accountId);
  const asLogin = { op: login, check: isAlice, honestOnce: 'login' };
  const asResume = { op: resume, check: isAlice, honestOnce: 'resume' };
  /** Rewrites the account in login grants and in GET /api/account. */
  const onAccount =
    (edit: (a: AccountInfo) => AccountInfo): JsonRewrite =>
    (path, _m, json) => {
      if (path === '/api/login/finish') {
        const g = json as { account: AccountInfo };
        return { ...g, account: changed(edit(structuredClone(g.account))) };
      }
      if (path === '/api/account') return changed(edit(structuredClone(json as AccountInfo)));
      return json;
    };

  const cases: [string, (a: AccountInfo) => AccountInfo][] = [
    [
      'wrappedIdentity.signing flipped',
      (a) => ({
        ...a,
        wrappedIdentity: { ...a.wrappedIdentity, signing: flip(a.wrappedIdentity.signing) },
      }),
    ],
    [
      'wrappedIdentity.agreement flipped',
      (a) => ({
        ...a,
        wrappedIdentity: { ...a.wrappedIdentity, agreement: flip(a.wrappedIdentity.agreement) },
      }),
    ],
    [
      'wrappedIdentity.signing and .agreement swapped',
      (a) => ({
        ...a,
        wrappedIdentity: {
          signing: a.wrappedIdentity.agreement,
          agreement: a.wrappedIdentity.signing,
        },
      }),
    ],
    [
      "wrappedIdentity replaced with another account's",
      (a) => ({
        ...a,
        wrappedIdentity: bobAccount.wrappedIdentity,
      }),
    ],
    ['rootWrappedKey flipped', (a) => ({ ...a, rootWrappedKey: flip(a.rootWrappedKey) })],
    [
      'rootWrappedKey flipped in its last byte (the tag)',
      (a) => ({
        ...a,
        rootWrappedKey: flip(a.rootWrappedKey, 1),
      }),
    ],
    [
      "rootWrappedKey replaced with another account's",
      (a) => ({
        ...a,
        rootWrappedKey: bobAccount.rootWrappedKey,
      }),
    ],
    ['rootId pointing at another folder', (a) => ({ ...a, rootId: id.docs })],
    [
      "another account's keys under this account's id",
      (a) => ({ ...bobAccount, id: a.id, email: a.email }),
    ],
  ];

  for (const [what, edit] of cases) {
    test(`login: ${what} → IntegrityError`, async () => {
      await lie({ ...asLogin, hub: onAccount(edit), expected: IntegrityError });
    });
    test(`resume: ${what} → IntegrityError`, async () => {
      await lie({ ...asResume, hub: onAccount(edit), expected: IntegrityError });
    });
  }

  test('login: wrappedMasterKey flipped → IntegrityError', async () => {
    await lie({
      ...asLogin,
      hub: onAccount((a) => ({ ...a, wrappedMasterKey: flip(a.wrappedMasterKey) })),
      expected: IntegrityError,
      message: /wrapped master key/,
    });
  });

  test("login: wrappedMasterKey replaced with another account's → IntegrityError", async () => {
    await lie({
      ...asLogin,
      hub: onAccount((a) => ({ ...a, wrappedMasterKey: bobAccount.wrappedMasterKey })),
      expected: IntegrityError,
    });
  });

  test("login: the account id changed to another account's → IntegrityError", async () => {
    // The master key is wrapped for one account id; under another it does not open.
    await lie({
      ...asLogin,
      hub: onAccount((a) => ({ ...a, id: bobAccount.id })),
      expected: IntegrityError,
    });
  });

  test('login: another account served whole → IntegrityError', async () => {
    await lie({
      ...asLogin,
      hub: onAccount(() => structuredClone(bobAccount)),
      expected: IntegrityError,
    });
  });

  test('resume: another account served whole → IntegrityError (the session is not for it)', async () => {
    await lie({
      ...asResume,
      hub: onAccount(() => structuredClone(bobAccount)),
      expected: IntegrityError,
      message: /another account/,
    });
  });

  test('resume: wrappedMasterKey flipped is harmless (resume never reads it) and files still read right', async () => {
    await survives({
      op: async () => {
        const c = await CofferClient.resume(
          { ...aliceSaved, hubUrl: hubProxy.url },
          { retry: FAST },
        );
        const { stream } = await c.download('/docs/a.txt');
        return readAll(stream);
      },
      check: sameBytes(CONTENT.a),
      hub: onAccount((a) => ({ ...a, wrappedMasterKey: flip(a.wrappedMasterKey) })),
    });
  });

  test('a malformed account answer (not base64url) is an IntegrityError, not a crash', async () => {
    await lie({
      ...asLogin,
      hub: onAccount((a) => ({ ...a, rootWrappedKey: '%%%not base64%%%' })),
      expected: IntegrityError,
      message: /does not match the protocol/,
    });
  });
});
