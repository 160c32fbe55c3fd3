import {
  type AccountId,
  type AgreementPublicKey,
  equalBytes,
  fingerprint,
  fromBase64Url,
  type PinnedKeys,
  type PinnedMemberList,
  parseAccountId,
  type SigningPublicKey,
  safetyNumber,
  toBase64Url,
  verifyKeyBundle,
} from '@coffer/crypto';
import { IntegrityError, KeyChangedError, NotFoundError, ValidationError } from '@coffer/errors';
import { type RouteResponse, schemas } from '@coffer/protocol';
import { ContactBook, type Pin, type PinnedKeysText } from './contact-book.ts';
import type { HubClient } from './hub-client.ts';
import type { AccountKeys } from './keys.ts';

// [Note: Contacts]
// A contact is pinned on first use: the first key bundle the hub serves for an email is
// remembered in the contact book (sealed under the master key, on the hub). Every later
// bundle is checked against the pin: an older version is a rollback and the same version with
// other keys is equivocation (IntegrityError); a newer version with other keys is a key change,
// which blocks sharing (KeyChangedError) until the user compares the new safety number and
// verifies again. The user can mark a contact verified at any time by comparing safety numbers
// out of band; that is what catches a hub that lied on first use.

/** A contact as the user sees it. */
export interface Contact {
  email: string;
  accountId: string;
  /** The user compared safety numbers and confirmed them (since the last key change). */
  verified: boolean;
  /** The hub now serves other keys than the pinned ones: warn loudly; sharing is blocked. */
  keyChanged: boolean;
  /** The contact's fingerprint (of the new keys while `keyChanged`). */
  fingerprint: string;
  /** Yours and theirs together: the 60 digits both of you see and compare. */
  safetyNumber: string;
  addedAt: number;
  verifiedAt: number | null;
}

/** The keys to seal to, once the contact's pin checked out. */
export interface ContactKeys {
  accountId: AccountId;
  signingPublic: SigningPublicKey;
  agreementPublic: AgreementPublicKey;
  /** Signing keys they had before, verified then: what they signed with those still checks. */
  previousSigning: SigningPublicKey[];
  verified: boolean;
}

const keysOf = (k: PinnedKeysText): PinnedKeys => ({
  version: k.version,
  signingPublic: fromBase64Url(k.signing, 'signing', 32) as SigningPublicKey,
  agreementPublic: fromBase64Url(k.agreement, 'agreement', 32) as AgreementPublicKey,
});

/** The keys last trusted for a contact (a key change not verified yet is not among them). */
function pinnedKeysOf(pin: Pin): ContactKeys {
  const k = keysOf(pin);
  return {
    accountId: pin.accountId as AccountId,
    signingPublic: k.signingPublic,
    agreementPublic: k.agreementPublic,
    previousSigning: (pin.previous ?? []).map(
      (p) => fromBase64Url(p, 'previous', 32) as SigningPublicKey,
    ),
    verified: pin.verified,
  };
}

function normalEmail(email: string): string {
  const parsed = schemas.email.safeParse(email);
  if (!parsed.success) throw new ValidationError('email', 'expected an email address');
  return parsed.data;
}

/** A bundle the hub served for `email`, checked; what failed is named in the error. */
function checkBundle(email: string, bundle: string, accountId: AccountId, pinned?: PinnedKeys) {
  try {
    return verifyKeyBundle(fromBase64Url(bundle, 'keyBundle'), accountId, pinned);
  } catch (e) {
    if (!(e instanceof IntegrityError || e instanceof ValidationError)) throw e;
    throw new IntegrityError(`key bundle of ${email}, served by the hub: ${e.message}`, {
      cause: e,
    });
  }
}

/**
 * The hub's answers to the lookups of one operation, by email: opening every share of one
 * owner checks their keys once, not once per share (the hub allows each account only so many
 * lookups an hour). A new operation asks afresh, so a key change is seen on the next one.
 */
export type LookupScope = Map<string, Promise<RouteResponse<'lookupContact'>>>;

export class Contacts {
  /** The sealed book the pins are kept in, with our own earlier keys and share and group pins. */
  private readonly book: ContactBook;

  constructor(
    private readonly hub: HubClient,
    private readonly keys: AccountKeys,
    seenVersion = 0,
    onSeen: (version: number) => void = () => undefined,
  ) {
    this.book = new ContactBook(hub, keys, seenVersion, onSeen);
  }

  /** The highest contact book version seen, to keep with the session. */
  get seenVersion() {
    return this.book.seenVersion;
  }

  /** Your own fingerprint, to read out or show as a QR code. */
  myFingerprint(): Promise<string> {
    return fingerprint(this.keys.accountId, this.keys.identity);
  }

  async list(): Promise<Contact[]> {
    const { book } = await this.book.read();
    return Promise.all(book.contacts.map((p) => this.view(p)));
  }

  /** Looks the email up on the hub and pins its keys (or returns the contact, refreshed). */
  async add(email: string, o: { within?: LookupScope } = {}): Promise<Contact> {
    const wanted = normalEmail(email);
    if (wanted === this.keys.email) throw new ValidationError('email', 'that is your own account');
    return this.change(wanted, async (pin) => {
      if (pin) return this.checked(pin, o.within);
      const found = await this.served(wanted, o.within);
      const accountId = parseAccountId(found.accountId);
      const bundle = checkBundle(wanted, found.keyBundle, accountId);
      return {
        email: wanted,
        accountId,
        version: bundle.version,
        signing: toBase64Url(bundle.signingPublic),
        agreement: toBase64Url(bundle.agreementPublic),
        verified: false,
        addedAt: Date.now(),
      };
    });
  }

  /** The account pinned for `email`, its keys unchecked: enough to take them off a share. */
  async accountOf(email: string): Promise<AccountId | undefined> {
    const wanted = normalEmail(email);
    const { book } = await this.book.read();
    return book.contacts.find((c) => c.email === wanted)?.accountId as AccountId | undefined;
  }

  /** Fetches the contact's keys again and checks them against the pin. */
  refresh(email: string): Promise<Contact> {
    return this.recheck(email);
  }

  /**
   * Marks the contact verified, accepting a key change if there is one. Pass the safety number
   * you compared; a different one is refused with an IntegrityError (someone is in between).
   */
  verify(email: string, o: { safetyNumber?: string } = {}): Promise<Contact> {
    return this.change(normalEmail(email), async (p) => {
      const pin = await this.checked(this.need(p, email));
      if (o.safetyNumber !== undefined) {
        const shown = (await this.view(pin)).safetyNumber;
        if (o.safetyNumber.replace(/\s+/g, '') !== shown.replace(/\s+/g, '')) {
          throw new IntegrityError(
            `safetyNumber: does not match the keys the hub serves for ${pin.email}; do not trust them`,
          );
        }
      }
      const { changed, ...rest } = pin;
      const keys = changed
        ? {
            version: changed.version,
            signing: changed.signing,
            agreement: changed.agreement,
            previous: [...(pin.previous ?? []), pin.signing],
          }
        : {};
      return { ...rest, ...keys, verified: true, verifiedAt: Date.now() };
    });
  }

  async remove(email: string): Promise<void> {
    const wanted = normalEmail(email);
    await this.book.write((book) => {
      const contacts = book.contacts.filter((c) => c.email !== wanted);
      if (contacts.length === book.contacts.length)
        throw new NotFoundError(`email: ${wanted} is not one of your contacts`);
      return { ...book, contacts };
    });
  }

  /**
   * The contact's keys for sealing something to them: refreshed and checked against the pin.
   * A key change the user has not verified yet is a KeyChangedError; with `lastTrusted`, the
   * keys pinned before the change are returned instead (to reseal what they already had).
   * `within` reuses the hub's answer to an earlier lookup of the same operation.
   */
  async keysFor(
    email: string,
    o: { lastTrusted?: boolean; within?: LookupScope } = {},
  ): Promise<ContactKeys> {
    const c = await this.recheck(email, o.within);
    const { book } = await this.book.read();
    const pin = this.need(
      book.contacts.find((p) => p.email === c.email),
      email,
    );
    if (pin.changed && !o.lastTrusted) {
      throw new KeyChangedError(
        pin.email,
        `${pin.email}'s keys changed: compare safety numbers and verify them again before sharing`,
      );
    }
    return pinnedKeysOf(pin);
  }

  /**
   * The keys pinned for account `id`, without asking the hub: for a writer whose account the
   * hub no longer has ([Note: Account deletion] in the hub), so what they wrote still checks.
   */
  async pinnedKeys(id: string): Promise<ContactKeys | undefined> {
    const pin = (await this.book.read()).book.contacts.find((p) => p.accountId === id);
    return pin && pinnedKeysOf(pin);
  }

  /** Our signing keys from before `rotateKeys`, oldest first ([Note: Own previous keys]). */
  ownPreviousKeys(): Promise<SigningPublicKey[]> {
    return this.book.ownPreviousKeys();
  }

  /** Remembers a signing key of ours that is being replaced. */
  rememberOwnKey(key: SigningPublicKey): Promise<void> {
    return this.book.rememberOwnKey(key);
  }

  /** The newest member list of a share this account accepted, if any. */
  sharePin(shareId: string): Promise<PinnedMemberList | undefined> {
    return this.book.sharePin(shareId);
  }

  /** Every share pin, by share id. */
  sharePins(): Promise<Record<string, PinnedMemberList & { folderId?: string | undefined }>> {
    return this.book.sharePins();
  }

  /** Remembers a newer member list of a share (with its folder, for our own shares). */
  pinShare(shareId: string, pin: PinnedMemberList & { folderId?: string }): Promise<void> {
    return this.book.pinShare(shareId, pin);
  }

  /** The newest roster of a group this account accepted, if any. */
  groupPin(groupId: string): Promise<PinnedMemberList | undefined> {
    return this.book.groupPin(groupId);
  }

  /** Remembers a newer roster of a group; never goes back (two devices keep the newer). */
  pinGroup(groupId: string, pin: PinnedMemberList): Promise<void> {
    return this.book.pinGroup(groupId, pin);
  }

  // ---- internals ----

  private need(pin: Pin | undefined, email: string): Pin {
    if (!pin) throw new NotFoundError(`email: ${email} is not one of your contacts`);
    return pin;
  }

  private recheck(email: string, within?: LookupScope): Promise<Contact> {
    return this.change(normalEmail(email), async (pin) =>
      this.checked(this.need(pin, email), within),
    );
  }

  /** What the hub serves for `email`: asked once per `within`, or every time without one. */
  private served(email: string, within?: LookupScope): Promise<RouteResponse<'lookupContact'>> {
    const had = within?.get(email);
    if (had) return had;
    const answer = this.hub.call('lookupContact', { body: { email } });
    within?.set(email, answer);
    return answer;
  }

  /** The pin after checking what the hub serves (once per `within`) against it. */
  private async checked(pin: Pin, within?: LookupScope): Promise<Pin> {
    const found = await this.served(pin.email, within);
    if (found.accountId !== pin.accountId) {
      throw new IntegrityError(
        `key bundle of ${pin.email}: the hub now names another account for this email`,
      );
    }
    // Against the newest keys seen, so a later rollback to the pinned ones is caught too.
    const against = keysOf(pin.changed ?? pin);
    const bundle = checkBundle(pin.email, found.keyBundle, pin.accountId as AccountId, against);
    if (!bundle.keyChanged) return pin;
    const fresh = {
      version: bundle.version,
      signing: toBase64Url(bundle.signingPublic),
      agreement: toBase64Url(bundle.agreementPublic),
    };
    const backToPin =
      equalBytes(bundle.signingPublic, keysOf(pin).signingPublic) &&
      equalBytes(bundle.agreementPublic, keysOf(pin).agreementPublic);
    if (backToPin) {
      throw new IntegrityError(`key bundle of ${pin.email}: rolled back to the pinned keys`);
    }
    return { ...pin, verified: false, changed: { ...fresh, seenAt: Date.now() } };
  }

  private async view(p: Pin): Promise<Contact> {
    const current = keysOf(p.changed ?? p);
    const theirs = await fingerprint(p.accountId as AccountId, current);
    return {
      email: p.email,
      accountId: p.accountId,
      verified: p.verified && !p.changed,
      keyChanged: p.changed !== undefined,
      fingerprint: theirs,
      safetyNumber: safetyNumber(await this.myFingerprint(), theirs),
      addedAt: p.addedAt,
      verifiedAt: p.verifiedAt ?? null,
    };
  }

  /** Runs `f` on the email's pin (if any) and stores what it returns. */
  private async change(email: string, f: (pin: Pin | undefined) => Promise<Pin>): Promise<Contact> {
    let result: Pin | undefined;
    await this.book.write(async (book) => {
      const pin = book.contacts.find((c) => c.email === email);
      result = await f(pin);
      if (result === pin) return book;
      return {
        ...book,
        contacts: [...book.contacts.filter((c) => c.email !== email), result].sort((a, b) =>
          a.email.localeCompare(b.email),
        ),
      };
    });
    return this.view(result as Pin);
  }
}
