import {
  fromBase64Url,
  openContactBook,
  type PinnedMemberList,
  type SigningPublicKey,
  sealContactBook,
  toBase64Url,
} from '@coffer/crypto';
import { ConflictError, IntegrityError } from '@coffer/errors';
import { z } from 'zod';
import type { HubClient } from './hub-client.ts';
import { type AccountKeys, fromHub } from './keys.ts';

// The contact book: sealed under the master key and kept on the hub, it holds the contacts'
// pins ([Note: Contacts]), our own earlier signing keys, and the newest member list and roster
// accepted per share and group.

const b64 = z.string().regex(/^[A-Za-z0-9_-]+$/);
const keysSchema = z.object({ version: z.number().int().min(1), signing: b64, agreement: b64 });
const pinSchema = z.object({
  email: z.string(),
  accountId: z.string(),
  ...keysSchema.shape,
  verified: z.boolean(),
  addedAt: z.number(),
  verifiedAt: z.number().optional(),
  /** Keys the hub served after the pin that differ from it: waiting for the user. */
  changed: keysSchema.extend({ seenAt: z.number() }).optional(),
  /** Signing keys the contact had before (verified then), for what they signed with them. */
  previous: z.array(b64).optional(),
});
const bookSchema = z.object({
  contacts: z.array(pinSchema),
  /** Our own earlier signing keys (before `rotateKeys`), for what we signed with them. */
  ownPrevious: z.array(b64).optional(),
  /** The newest member list accepted per share ([Note: Member lists]). */
  shares: z
    .record(
      z.string(),
      z.object({
        version: z.number().int(),
        digest: z.string(),
        /** On our own shares: the folder, so we know it is shared whatever the hub says. */
        folderId: z.string().optional(),
      }),
    )
    .optional(),
  /** The newest roster accepted per group ([Note: Groups]). */
  groups: z
    .record(z.string(), z.object({ version: z.number().int(), digest: z.string() }))
    .optional(),
});
/** A contact's pin as the book stores it. */
export type Pin = z.infer<typeof pinSchema>;
/** A contact's keys as the book stores them (base64url). */
export type PinnedKeysText = z.infer<typeof keysSchema>;
type Book = z.infer<typeof bookSchema>;

/** The contact book on the hub: read, changed and saved in turns, never older than seen. */
export class ContactBook {
  /** The change to the book in progress through this client: the next one waits for it. */
  private writing: Promise<unknown> = Promise.resolve();
  /** ownPreviousKeys, read once: every manifest check asks for it ([Note: Own previous keys]). */
  private ownPrevious: Promise<SigningPublicKey[]> | undefined;
  /** The highest book version this client has seen: an older one is a rollback. */
  private seen: number;

  constructor(
    private readonly hub: HubClient,
    private readonly keys: AccountKeys,
    seenVersion: number,
    private readonly onSeen: (version: number) => void,
  ) {
    this.seen = seenVersion;
  }

  /** The highest contact book version seen, to keep with the session. */
  get seenVersion() {
    return this.seen;
  }

  // [Note: Own previous keys]
  // Every manifest of our own files is checked against our current signing key and the ones
  // before it, kept in the contact book. Reading the book per file cost a hub round trip, a
  // decryption and a schema check for each file of a download, so the list is read once per
  // client and read again after a write through this client (`rememberOwnKey`). The list only
  // grows, by a rotation, and a rotation on another device also replaces the identity this
  // client signs and checks with, so a client that started before it is stale either way;
  // a stale list can only refuse a manifest, never accept one.

  /** Our signing keys from before `rotateKeys`, oldest first. */
  ownPreviousKeys(): Promise<SigningPublicKey[]> {
    if (!this.ownPrevious) {
      const read = this.read().then(({ book }) =>
        (book.ownPrevious ?? []).map(
          (k) => fromBase64Url(k, 'ownPrevious', 32) as SigningPublicKey,
        ),
      );
      this.ownPrevious = read;
      read.catch(() => {
        if (this.ownPrevious === read) this.ownPrevious = undefined;
      });
    }
    return this.ownPrevious;
  }

  /** Remembers a signing key of ours that is being replaced. */
  async rememberOwnKey(key: SigningPublicKey): Promise<void> {
    await this.write((book) => ({
      ...book,
      ownPrevious: [...(book.ownPrevious ?? []), toBase64Url(key)],
    }));
  }

  /** The newest member list of a share this account accepted, if any. */
  async sharePin(shareId: string): Promise<PinnedMemberList | undefined> {
    return (await this.read()).book.shares?.[shareId];
  }

  /** Every share pin, by share id. */
  async sharePins(): Promise<Record<string, PinnedMemberList & { folderId?: string | undefined }>> {
    return (await this.read()).book.shares ?? {};
  }

  /** Remembers a newer member list of a share (with its folder, for our own shares). */
  async pinShare(shareId: string, pin: PinnedMemberList & { folderId?: string }): Promise<void> {
    const known = await this.sharePin(shareId);
    if (known && known.version >= pin.version) return;
    // Never back: two devices racing keep the newer list.
    await this.write((book) => {
      const had = book.shares?.[shareId];
      if (had && had.version >= pin.version) return book;
      const folderId = pin.folderId ?? had?.folderId;
      const next = folderId ? { ...pin, folderId } : { version: pin.version, digest: pin.digest };
      return { ...book, shares: { ...book.shares, [shareId]: next } };
    });
  }

  /** The newest roster of a group this account accepted, if any. */
  async groupPin(groupId: string): Promise<PinnedMemberList | undefined> {
    return (await this.read()).book.groups?.[groupId];
  }

  /** Remembers a newer roster of a group; never goes back (two devices keep the newer). */
  async pinGroup(groupId: string, pin: PinnedMemberList): Promise<void> {
    const known = await this.groupPin(groupId);
    if (known && known.version >= pin.version) return;
    await this.write((book) => {
      const had = book.groups?.[groupId];
      if (had && had.version >= pin.version) return book;
      const next = { version: pin.version, digest: pin.digest };
      return { ...book, groups: { ...book.groups, [groupId]: next } };
    });
  }

  async read(): Promise<{ version: number; book: Book }> {
    const r = await this.hub.call('contactBook', {});
    if (r.version < this.seen) {
      throw new IntegrityError(
        `contact book: the hub served version ${r.version}, older than version ${this.seen} seen before`,
      );
    }
    if (r.book === null) {
      if (r.version !== 0)
        throw new IntegrityError(
          `contact book: the hub says it has version ${r.version} but served no book (tampered with)`,
        );
      return { version: 0, book: { contacts: [] } };
    }
    const plain = await fromHub('contact book', () =>
      openContactBook(
        this.keys.masterKey,
        this.keys.accountId,
        r.version,
        fromBase64Url(r.book as string, 'book'),
      ),
    );
    let parsed: ReturnType<typeof bookSchema.safeParse>;
    try {
      parsed = bookSchema.safeParse(JSON.parse(new TextDecoder().decode(plain)));
    } catch {
      throw new IntegrityError('contact book: not valid JSON');
    }
    if (!parsed.success) throw new IntegrityError('contact book: does not match the schema');
    this.see(r.version);
    return { version: r.version, book: parsed.data };
  }

  /**
   * Read, change, save; another device saving in between means read and change again. Changes
   * made through this client take turns: side by side (a catalog that pins several new members
   * at once) they would all read one version, and all but one save would conflict.
   */
  write(f: (book: Book) => Book | Promise<Book>): Promise<void> {
    const turn = this.writing.then(() => this.readChangeSave(f));
    this.writing = turn.catch(() => undefined);
    return turn.finally(() => {
      this.ownPrevious = undefined;
    });
  }

  private async readChangeSave(f: (book: Book) => Book | Promise<Book>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const { version, book } = await this.read();
      const next = await f(book);
      if (next === book) return;
      const sealed = await sealContactBook(
        this.keys.masterKey,
        this.keys.accountId,
        version + 1,
        new TextEncoder().encode(JSON.stringify(next)),
      );
      try {
        await this.hub.call('saveContactBook', {
          body: { version: version + 1, book: toBase64Url(sealed) },
        });
        this.see(version + 1);
        return;
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= 3) throw e;
      }
    }
  }

  private see(version: number) {
    if (version <= this.seen) return;
    this.seen = version;
    this.onSeen(version);
  }
}
