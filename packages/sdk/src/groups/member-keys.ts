import type { SigningPublicKey } from '@coffer/crypto';
import { IntegrityError, NotFoundError } from '@coffer/errors';
import type { Contacts } from '../contacts.ts';
import type { AccountKeys } from '../keys.ts';
import type { Group } from './groups.ts';

export interface MemberKeysDeps {
  keys: AccountKeys;
  contacts: Pick<Contacts, 'add' | 'accountOf' | 'keysFor' | 'ownPreviousKeys'>;
}

/** Signing keys found so far, by account id: one look-up per member in a listing. */
export type MemberKeysCache = Map<string, Promise<SigningPublicKey[]>>;

/**
 * The signing keys, as we pinned them, of the group member something is listed under (an
 * entry's author, a rating's rater): ours, or those of the owner or someone on the roster,
 * whose email must be the one the hub gives. Anyone else is an IntegrityError (`what` says
 * what is listed). Newest first, then the keys they had before.
 */
export function memberSigningKeys(
  deps: MemberKeysDeps,
  g: Group,
  who: { accountId: string; email: string },
  what: string,
  cache?: MemberKeysCache,
): Promise<SigningPublicKey[]> {
  const mine = who.accountId === deps.keys.accountId;
  const email = mine ? deps.keys.email : checkEmail(g, who, what);
  const cached = cache?.get(who.accountId);
  if (cached) return cached;
  const found = lookUp(deps, { accountId: who.accountId, email }, what);
  cache?.set(who.accountId, found);
  return found;
}

/** The email the roster's member goes by; the hub's label must match it. */
function checkEmail(g: Group, who: { accountId: string; email: string }, what: string): string {
  const known =
    g.owner.accountId === who.accountId
      ? g.owner.email
      : g.members.find((m) => m.accountId === who.accountId)?.email;
  if (!known) throw new IntegrityError(`${what}: listed under someone the roster does not name`);
  if (known !== who.email)
    throw new IntegrityError(`${what}: listed under ${who.email}, who is ${known}`);
  return known;
}

async function lookUp(
  deps: MemberKeysDeps,
  who: { accountId: string; email: string },
  what: string,
): Promise<SigningPublicKey[]> {
  const me = deps.keys;
  if (who.accountId === me.accountId)
    return [me.identity.signingPublic, ...(await deps.contacts.ownPreviousKeys())];
  // A member we never dealt with is pinned on first sight, as contacts are; `keysFor` checks
  // a pinned one against what the hub serves now (each look-up counts against a rate limit).
  if ((await deps.contacts.accountOf(who.email)) === undefined) await deps.contacts.add(who.email);
  const k = await deps.contacts.keysFor(who.email, { lastTrusted: true });
  if (k.accountId !== who.accountId)
    throw new NotFoundError(`${what}: ${who.email} is another account now`);
  return [k.signingPublic, ...k.previousSigning];
}
