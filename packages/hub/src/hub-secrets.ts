import { chmodSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import {
  fromBase64Url,
  newSigningKeyPair,
  type SigningSecretKey,
  signingPublicKey,
  toBase64Url,
} from '@coffer/crypto';
import { createOpaqueServerSetup, openTotpSecret } from '@coffer/crypto/server';
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
 * A secret kept in a file of its own (0600), made on first use. The file is created
 * exclusively, so two processes starting at once on one disk end up with the same secret.
 */
function fileSecret(file: string): { value: string; created: boolean } {
  const token = newSecretToken();
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return { value: readFileSync(file, 'utf8').trim(), created: false };
  }
  chmodSync(file, 0o600);
  return { value: token, created: true };
}

// [Note: One TOTP key for every process]
// TOTP secrets are sealed under one hub key. With `secondFactor.keyFile` the key lives outside
// the database, and each machine reads its own copy of that path: a machine that found no file
// there would make a key of its own and, without this check, seal new enrolments under it and
// refuse every code sealed under the others' ("the stored secret does not open"). So at start
// the key must open a secret already in the database; when it does not, the hub refuses to
// start, naming the setting, and a key file it has just made is removed so that the right one
// can be copied in its place.

/** The key that seals TOTP secrets, checked against one secret sealed already. */
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
  const sample = await db
    .selectFrom('account_totp')
    .select(['account_id', 'sealed_secret'])
    .limit(1)
    .executeTakeFirst();
  if (sample) {
    try {
      await openTotpSecret(key, sample.account_id, sample.sealed_secret);
    } catch {
      if (made?.created && keyFile) unlinkSync(keyFile);
      throw new ValidationError(
        field,
        `${keyFile ?? 'the key in hub_secrets'} does not open the second-factor secrets in the database: every hub process must read the same key (copy the key file from the machine that made it)`,
      );
    }
  }
  return key;
}
