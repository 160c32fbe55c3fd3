import { chmodSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import {
  fromBase64Url,
  newSigningKeyPair,
  type SigningSecretKey,
  signingPublicKey,
  toBase64Url,
} from '@coffer/crypto';
import { createOpaqueServerSetup, openTotpSecret, sealTotpSecret } from '@coffer/crypto/server';
import { ValidationError } from '@coffer/errors';
import type { Kysely } from 'kysely';
import type { HubConfig } from './config.ts';
import type { Database } from './db/index.ts';
import { hashText, newSecretToken } from './services/ids.ts';

/**
 * The hub's keys and secrets, read (or made, by the first process) before anything starts, so
 * a process that cannot use them refuses to start rather than half-starting.
 */
export async function hubSecrets(db: Kysely<Database>, config: HubConfig, tokenFile: string) {
  const signingKey = fromBase64Url(
    await secret(db, 'signing_key', () => toBase64Url(newSigningKeyPair().secretKey)),
    'signing_key',
    32,
  ) as SigningSecretKey;
  return {
    signingKey,
    publicKey: toBase64Url(signingPublicKey(signingKey)),
    opaqueSetup: await secret(db, 'opaque_setup', createOpaqueServerSetup),
    decoySecret: await secret(db, 'decoy_secret', newSecretToken),
    totpKey: await totpKey(db, config.secondFactor.keyFile),
    operatorTokenHash: await hashText(fileSecret(tokenFile).value),
  };
}

/** Secrets are created once, by whichever hub process gets there first, and shared via the DB. */
async function secret(db: Kysely<Database>, name: string, make: () => Promise<string> | string) {
  const found = await db
    .selectFrom('hub_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirst();
  if (found) return found.value;
  await db
    .insertInto('hub_secrets')
    .values({ name, value: await make() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (
    await db
      .selectFrom('hub_secrets')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow()
  ).value;
}

/**
 * A secret kept in a file of its own (0600), made on first use. It is written to a file of
 * its own, then linked into place, which fails if the file exists: two processes starting at
 * once on one disk end up with the same secret, and neither ever reads a half-written one.
 */
function fileSecret(file: string): { value: string; created: boolean } {
  const token = newSecretToken();
  const draft = `${file}.${process.pid}.${newSecretToken().slice(0, 8)}.tmp`;
  writeFileSync(draft, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(draft, 0o600);
    linkSync(draft, file);
    return { value: token, created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const value = readFileSync(file, 'utf8').trim();
    if (value.length < 16) {
      throw new ValidationError(
        file,
        'expected a secret of at least 16 characters; the file is empty or cut short',
      );
    }
    return { value, created: false };
  } finally {
    unlinkSync(draft);
  }
}

// [Note: One TOTP key for every process]
// TOTP secrets are sealed under one hub key. With `secondFactor.keyFile` the key lives outside
// the database, and each machine reads its own copy of that path: a machine that found no file
// there would make a key of its own and, without this check, seal new enrolments under it and
// refuse every code sealed under the others'. So the first process to start seals a known text
// under its key into `hub_secrets` (`totp_key_check`), and every process must open it with its
// key; a database from before the check is first checked against its newest sealed secret. A
// process whose key fails refuses to start, naming the setting, and removes a key file it has
// just made (if it still holds that key), so that the right one can be copied in its place.

const KEY_CHECK = 'totp_key_check';
const KEY_CHECK_ACCOUNT = 'totp-key-check';

/** The key that seals TOTP secrets, checked against what was sealed under it before. */
async function totpKey(db: Kysely<Database>, keyFile: string | undefined) {
  const made = keyFile ? fileSecret(keyFile) : null;
  const text = made ? made.value : await secret(db, 'totp_key', newSecretToken);
  const field = keyFile ? 'secondFactor.keyFile' : 'totp_key';
  let key: Uint8Array;
  try {
    key = fromBase64Url(text, field, 32);
  } catch {
    throw new ValidationError(
      field,
      `${keyFile ?? 'the hub_secrets row'} holds no 32-byte base64url key`,
    );
  }
  const refuse = () => {
    if (made?.created && keyFile && readFileSync(keyFile, 'utf8').trim() === made.value) {
      unlinkSync(keyFile);
    }
    return new ValidationError(
      field,
      `${keyFile ?? 'the key in hub_secrets'} does not open the second-factor secrets in the database: every hub process must read the same key (copy the key file from the machine that made it)`,
    );
  };
  const opens = (account: string, sealed: string) =>
    openTotpSecret(key, account, sealed).then(
      () => true,
      () => false,
    );
  const check = async () =>
    (
      await db
        .selectFrom('hub_secrets')
        .select('value')
        .where('name', '=', KEY_CHECK)
        .executeTakeFirst()
    )?.value;
  let sealed = await check();
  if (sealed === undefined) {
    const newest = await db
      .selectFrom('account_totp')
      .select(['account_id', 'sealed_secret'])
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (newest && !(await opens(newest.account_id, newest.sealed_secret))) throw refuse();
    await db
      .insertInto('hub_secrets')
      .values({ name: KEY_CHECK, value: await sealTotpSecret(key, KEY_CHECK_ACCOUNT, 'coffer') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    sealed = await check();
  }
  if (sealed === undefined || !(await opens(KEY_CHECK_ACCOUNT, sealed))) throw refuse();
  return key;
}
