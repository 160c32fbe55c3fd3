import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthError, DecryptionError, IntegrityError, ValidationError } from '@coffer/errors';
import {
  createKeyBundle,
  fingerprint,
  finishLogin,
  finishRegistration,
  formatRecoveryKey,
  generateIdentity,
  newAccountId,
  newMasterKey,
  newRecoveryKey,
  parseRecoveryKey,
  safetyNumber,
  startLogin,
  startRegistration,
  unwrapMasterKeyWithPassword,
  unwrapMasterKeyWithRecovery,
  verifyKeyBundle,
  wrapMasterKeyWithPassword,
  wrapMasterKeyWithRecovery,
} from '../src/index.ts';
import {
  createOpaqueServerSetup,
  opaqueFinishLogin,
  opaqueRegistrationResponse,
  opaqueStartLogin,
} from '../src/server.ts';
import { rejectsWith } from './helpers.ts';

async function register(setup: string, user: string, password: string) {
  const start = await startRegistration(password);
  return finishRegistration(
    password,
    start.state,
    await opaqueRegistrationResponse(setup, user, start.request),
  );
}

async function login(setup: string, user: string, record: string | null, password: string) {
  const start = await startLogin(password);
  const server = await opaqueStartLogin(setup, user, record, start.request);
  const client = await finishLogin(password, start.state, server.response);
  const serverKey = await opaqueFinishLogin(server.state, client.finishRequest);
  assert.equal(serverKey, client.sessionKey, 'both sides agree on the session key');
  return client;
}

test('signup and login with OPAQUE give the same export key, which unwraps the master key', async () => {
  const setup = await createOpaqueServerSetup();
  const account = newAccountId();
  const reg = await register(setup, account, 'correct horse');
  assert.ok(!reg.record.includes('correct horse'));
  const master = newMasterKey();
  const wrapped = await wrapMasterKeyWithPassword(reg.exportKey, master, account);
  const session = await login(setup, account, reg.record, 'correct horse');
  assert.deepEqual(session.exportKey, reg.exportKey);
  assert.deepEqual(await unwrapMasterKeyWithPassword(session.exportKey, wrapped, account), master);
});

test('a wrong password or an unknown account fails login with AuthError', async () => {
  const setup = await createOpaqueServerSetup();
  const reg = await register(setup, 'alice', 'right');
  await rejectsWith(login(setup, 'alice', reg.record, 'wrong'), AuthError, 'wrong password');
  await rejectsWith(login(setup, 'nobody', null, 'right'), AuthError, 'unknown account');
  await rejectsWith(startLogin(''), ValidationError, 'empty password');
});

test('changing the password re-wraps the master key; the old password no longer opens it', async () => {
  const setup = await createOpaqueServerSetup();
  const account = newAccountId();
  const master = newMasterKey();
  const oldReg = await register(setup, account, 'old');
  const oldWrap = await wrapMasterKeyWithPassword(oldReg.exportKey, master, account);
  const newReg = await register(setup, account, 'new');
  const newWrap = await wrapMasterKeyWithPassword(newReg.exportKey, master, account);
  const session = await login(setup, account, newReg.record, 'new');
  assert.deepEqual(await unwrapMasterKeyWithPassword(session.exportKey, newWrap, account), master);
  await rejectsWith(
    unwrapMasterKeyWithPassword(session.exportKey, oldWrap, account),
    DecryptionError,
    'old wrap, new key',
  );
});

test('the printed recovery key unwraps the master key, forgives case and look-alikes, and catches typos', async () => {
  const account = newAccountId();
  const master = newMasterKey();
  const rk = newRecoveryKey();
  const wrapped = await wrapMasterKeyWithRecovery(rk, master, account);
  const text = await formatRecoveryKey(rk);
  assert.match(text, /^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}$/);
  const sloppy = ` ${text.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l')} `;
  assert.deepEqual(
    await unwrapMasterKeyWithRecovery(await parseRecoveryKey(sloppy), wrapped, account),
    master,
  );
  const typo = (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
  await rejectsWith(parseRecoveryKey(typo), ValidationError, 'one wrong character');
  await rejectsWith(parseRecoveryKey(text.slice(0, 20)), ValidationError, 'too short');
  await rejectsWith(parseRecoveryKey('not a key!'), ValidationError, 'not base32');
});

test('key bundles: a rollback or a second bundle for one version is rejected, a key change is flagged', async () => {
  const account = newAccountId();
  const v1 = generateIdentity();
  const v2 = generateIdentity();
  const b1 = verifyKeyBundle(createKeyBundle(v1, account, 1), account);
  const pinned = {
    version: 2,
    signingPublic: v2.signingPublic,
    agreementPublic: v2.agreementPublic,
  };
  assert.throws(
    () => verifyKeyBundle(createKeyBundle(v1, account, 1), account, pinned),
    IntegrityError,
  );
  assert.throws(
    () => verifyKeyBundle(createKeyBundle(v1, account, 2), account, pinned),
    IntegrityError,
  );
  assert.throws(
    () => verifyKeyBundle(createKeyBundle(v1, account, 1), newAccountId()),
    IntegrityError,
  );
  assert.equal(verifyKeyBundle(createKeyBundle(v2, account, 2), account, pinned).keyChanged, false);
  assert.equal(verifyKeyBundle(createKeyBundle(v1, account, 3), account, pinned).keyChanged, true);
  assert.equal(b1.version, 1);
});

test('fingerprints are 30 digits, differ per key, and give both sides the same safety number', async () => {
  const a = newAccountId();
  const b = newAccountId();
  const fa = await fingerprint(a, generateIdentity());
  const fb = await fingerprint(b, generateIdentity());
  assert.match(fa, /^(\d{5} ){5}\d{5}$/);
  assert.notEqual(fa, fb);
  assert.equal(safetyNumber(fa, fb), safetyNumber(fb, fa));
});
