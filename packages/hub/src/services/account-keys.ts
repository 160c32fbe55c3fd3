import { type AccountId, fromBase64Url, verifyKeyBundle } from '@coffer/crypto';
import { ValidationError } from '@coffer/errors';
import type { DbOrTx } from '../db/schema.ts';

/** An account's signing key, from its self-signed key bundle: what owner signatures verify with. */
export async function signingKeyOf(db: DbOrTx, accountId: string) {
  const a = await db
    .selectFrom('accounts')
    .select('key_bundle')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  return verifyKeyBundle(fromBase64Url(a.key_bundle, 'keyBundle'), accountId as AccountId)
    .signingPublic;
}

/**
 * Checks what an owner puts with a signed member list or roster (`field`): every member is an
 * account, and each sealed key goes to the owner or a member, for a version the list has.
 * Returns who may hold keys: the owner and the members.
 */
export async function checkSealedKeys(
  db: DbOrTx,
  field: string,
  o: {
    ownerId: string;
    memberIds: readonly string[];
    keyVersion: number;
    keys: readonly { accountId: string; keyVersion: number }[];
  },
): Promise<Set<string>> {
  const found = new Set(
    o.memberIds.length
      ? (
          await db
            .selectFrom('accounts')
            .select('id')
            .where('id', 'in', [...o.memberIds])
            .execute()
        ).map((a) => a.id)
      : [],
  );
  const unknown = o.memberIds.find((id) => !found.has(id));
  if (unknown)
    throw new ValidationError(
      field,
      `no account ${unknown} (an account deleted since is taken off first, with a new key)`,
    );
  const allowed = new Set([o.ownerId, ...o.memberIds]);
  o.keys.forEach((k, i) => {
    if (!allowed.has(k.accountId))
      throw new ValidationError(`keys.${i}.accountId`, `not a member in the ${field}`);
    if (k.keyVersion > o.keyVersion)
      throw new ValidationError(`keys.${i}.keyVersion`, `above the ${field}'s ${o.keyVersion}`);
  });
  return allowed;
}
