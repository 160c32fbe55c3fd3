import {
  type AccountId,
  fromBase64Url,
  MAX_STARS,
  MIN_STARS,
  openRating,
  ratingPlace,
  ratingSigned,
  sealRating,
  toBase64Url,
} from '@coffer/crypto';
import { DecryptionError, IntegrityError, ValidationError } from '@coffer/errors';
import type { RatingInfo } from '@coffer/protocol';
import { refuseRepeats } from '../checks.ts';
import type { HubClient } from '../hub-client.ts';
import type { EntryRating } from './catalog.ts';
import type { Group, Groups } from './groups.ts';
import { type MemberKeysCache, type MemberKeysDeps, memberSigningKeys } from './member-keys.ts';

// [Note: Ratings in the client]
// A member rates another member's entry with 1 to 5 stars, sealed under the group's newest key
// and signed ([Note: Ratings] in crypto); rating again replaces it. Reading a group's ratings,
// the client checks each against the key it pinned for the member it is listed under, who must
// be the owner or on the owner's roster, and that it names the group, entry, rater and key
// version it is served as: a rating the hub made up or moved to another member or entry is an
// IntegrityError. A rating its rater signed but that does not open is their doing: it is left
// out, with a problem said in words, so one member cannot break everyone's catalog. What
// counts is the average and the number of ratings per entry, and our own.

export interface RatingsDeps extends MemberKeysDeps {
  hub: Pick<HubClient, 'call'>;
  groups: Pick<Groups, 'key' | 'keyring'>;
}

/** A group's ratings, checked: per entry, and what was left out. */
export interface GroupRatings {
  of(entryId: string): EntryRating;
  problems: string[];
}

/** The stars as typed (a number or text): a whole number from 1 to 5, or a ValidationError. */
export function parseStars(value: number | string, field = 'rating'): number {
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < MIN_STARS || n > MAX_STARS)
    throw new ValidationError(
      field,
      `expected a whole number of stars from ${MIN_STARS} to ${MAX_STARS}, got ${JSON.stringify(value)}`,
    );
  return n;
}

export class Ratings {
  constructor(private readonly deps: RatingsDeps) {}

  /** Rates an entry of another member with `stars` (1 to 5); rating again replaces it. */
  async rate(entry: { groupId: string; entryId: string }, stars: number | string): Promise<void> {
    const n = parseStars(stars);
    const { keyVersion, key } = await this.deps.groups.key(entry.groupId);
    const me = this.deps.keys;
    const place = { ...entry, raterId: me.accountId, keyVersion };
    const sealed = await sealRating(n, place, key, me.identity.signingSecret);
    await this.deps.hub.call('rateEntry', {
      params: { id: entry.groupId },
      body: { entryId: entry.entryId, rating: toBase64Url(sealed) },
    });
  }

  /** Every rating of the group's entries, checked; `cache` shares member keys with the caller. */
  async ofGroup(g: Group, cache: MemberKeysCache = new Map()): Promise<GroupRatings> {
    const keys = await this.deps.groups.keyring(g.id);
    const all: RatingInfo[] = [];
    let after: string | undefined;
    do {
      const page = await this.deps.hub.call('groupRatings', {
        params: { id: g.id },
        query: after ? { after } : {},
      });
      all.push(...page.ratings);
      after = page.next ?? undefined;
    } while (after);
    refuseRepeats(
      all,
      (r) => `${r.entryId}.${r.raterId}`,
      `ratings of ${g.name}`,
      (r) => `${r.raterEmail}'s rating of entry ${r.entryId}`,
    );
    const stars = new Map<string, number[]>();
    const mine = new Map<string, number>();
    const problems: string[] = [];
    for (const r of all) {
      const what = `rating of entry ${r.entryId} by ${r.raterEmail} in ${g.name}`;
      const by = { accountId: r.raterId, email: r.raterEmail };
      const signers = await memberSigningKeys(this.deps, g, by, what, cache);
      const key = keys.get(r.keyVersion);
      if (!key) throw new IntegrityError(`${what}: sealed under a key version the group never had`);
      const sealed = fromBase64Url(r.rating, 'rating');
      const signedBy = signers.find((k) => ratingSigned(sealed, k));
      if (!signedBy)
        throw new IntegrityError(
          `${what}: does not verify (tampered with or misplaced by the hub)`,
        );
      const place = {
        groupId: g.id,
        entryId: r.entryId,
        raterId: r.raterId as AccountId,
        keyVersion: r.keyVersion,
      };
      const served = ratingPlace(sealed);
      for (const k of ['groupId', 'entryId', 'raterId', 'keyVersion'] as const) {
        if (served[k] !== place[k])
          throw new IntegrityError(`${what}: served as another ${k} than it was given with`);
      }
      let n: number;
      try {
        n = await openRating(sealed, place, key, signedBy);
      } catch (e) {
        if (!(e instanceof DecryptionError || e instanceof IntegrityError)) throw e;
        problems.push(`${what}: signed by them but does not open; it is left out`);
        continue;
      }
      stars.set(r.entryId, [...(stars.get(r.entryId) ?? []), n]);
      if (r.raterId === this.deps.keys.accountId) mine.set(r.entryId, n);
    }
    return {
      of: (entryId) => summary(stars.get(entryId) ?? [], mine.get(entryId) ?? null),
      problems,
    };
  }
}

/** The average (to one decimal place) and count of some stars. */
export function summary(stars: readonly number[], mine: number | null = null): EntryRating {
  const count = stars.length;
  const sum = stars.reduce((a, b) => a + b, 0);
  return { average: count ? Math.round((sum / count) * 10) / 10 : null, count, mine };
}
