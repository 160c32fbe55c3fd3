import {
  type AccountId,
  fromBase64Url,
  type GroupKey,
  MAX_SHELF_ENTRY_BODY,
  MAX_THUMBNAIL_BYTES,
  newNodeId,
  openShelfEntry,
  sealShelfEntry,
  shelfEntryPlace,
  shelfEntrySigned,
  toBase64Url,
} from '@coffer/crypto';
import { DecryptionError, IntegrityError, ValidationError } from '@coffer/errors';
import type { ShelfEntryInfo } from '@coffer/protocol';
import { z } from 'zod';
import { refuseRepeats } from '../checks.ts';
import type { Contacts } from '../contacts.ts';
import type { HubClient } from '../hub-client.ts';
import type { AccountKeys } from '../keys.ts';
import type { TreeAccess } from '../tree.ts';
import { Catalog, type CatalogEntry, KINDS, kindOf } from './catalog.ts';
import type { Group, Groups } from './groups.ts';
import { type MemberKeysCache, memberSigningKeys } from './member-keys.ts';
import type { Ratings } from './ratings.ts';

// [Note: Shelves in the client]
// A member publishes a file of their own into a group as an entry on their shelf: its name,
// size, kind, tags, note and a reference to the file, sealed under the group's newest key and
// signed ([Note: Shelf entries] in crypto). The file stays where it is; the entry carries its
// file key, so that members can verify its manifest when they copy it. Reading the catalog,
// the client opens every entry with the group key of its version and checks it against the
// key it pinned for the member it is listed under, so a hub that forges an entry, or moves one
// to another member's shelf or another group, is caught with an IntegrityError.

const MAX_TAGS = 20;
const utf8Length = (s: string) => new TextEncoder().encode(s).length;
const tag = z.string().trim().min(1).max(40);
const entryBody = z
  .object({
    name: z.string().min(1).max(1024),
    size: z.number().int().min(0),
    kind: z.enum(KINDS),
    tags: z.array(tag).max(MAX_TAGS),
    note: z.string().max(1000),
    file: z
      .object({
        nodeId: z.string().regex(/^[0-9a-f]{32}$/),
        revision: z.number().int().min(1),
        // Absent in entries published before copies existed: those cannot be copied.
        key: z
          .string()
          .regex(/^[A-Za-z0-9_-]{43}$/)
          .optional(),
        contentHash: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .optional(),
      })
      .strict(),
    /** The file's thumbnail (base64url WebP, as in its metadata), when it has one. */
    thumb: z
      .string()
      .max(Math.ceil((MAX_THUMBNAIL_BYTES * 4) / 3))
      .regex(/^[A-Za-z0-9_-]*$/)
      .optional(),
  })
  .strict();
type EntryBody = z.infer<typeof entryBody>;

export interface PublishOptions {
  tags?: readonly string[];
  note?: string;
}

export interface ShelvesDeps {
  hub: HubClient;
  keys: AccountKeys;
  tree: Pick<TreeAccess, 'resolve'>;
  contacts: Pick<Contacts, 'add' | 'accountOf' | 'keysFor' | 'ownPreviousKeys'>;
  groups: Pick<Groups, 'list' | 'get' | 'key' | 'keyring'>;
  /** Each entry's ratings, when given ([Note: Ratings in the client]). */
  ratings?: Pick<Ratings, 'ofGroup'>;
}

export class Shelves {
  constructor(private readonly deps: ShelvesDeps) {}

  /** Publishes the file at `path` on our shelf in `group`; the file stays where it is. */
  async publish(path: string, group: string, o: PublishOptions = {}): Promise<CatalogEntry> {
    const g = await this.deps.groups.get(group);
    if (g.role === 'invited')
      throw new ValidationError('group', `accept the invitation to ${g.name} first`);
    const node = await this.deps.tree.resolve(path);
    if (node.kind !== 'file' || node.info.revision === null)
      throw new ValidationError('path', 'is a folder; publish files one by one');
    const tags = [...new Set((o.tags ?? []).map((t) => t.trim()).filter(Boolean))];
    const body: EntryBody = {
      name: node.meta.name,
      size: node.meta.size ?? 0,
      kind: kindOf(node.meta.name, node.meta.mime),
      tags,
      note: o.note ?? '',
      file: {
        nodeId: node.info.id,
        revision: node.info.revision,
        key: toBase64Url(node.key),
        ...(node.meta.contentHash ? { contentHash: node.meta.contentHash } : {}),
      },
    };
    // The thumbnail rides along when the entry has room for it.
    if (
      node.meta.thumb &&
      utf8Length(JSON.stringify(body)) + node.meta.thumb.length + 12 <= MAX_SHELF_ENTRY_BODY
    )
      body.thumb = node.meta.thumb;
    const checked = entryBody.safeParse(body);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const field =
        issue?.path[0] === 'note' ? 'note' : issue?.path[0] === 'tags' ? 'tags' : 'path';
      throw new ValidationError(field, issue?.message ?? 'not a valid entry');
    }
    const { keyVersion, key } = await this.deps.groups.key(g.id);
    const me = this.deps.keys;
    const place = {
      groupId: g.id,
      entryId: newNodeId() as string,
      authorId: me.accountId,
      keyVersion,
      version: 1,
    };
    const sealed = await sealShelfEntry(body, place, key, me.identity.signingSecret);
    const info = await this.deps.hub.call('putShelfEntry', {
      params: { id: g.id },
      body: {
        entryId: place.entryId,
        entry: toBase64Url(sealed),
        file: { nodeId: body.file.nodeId, revision: body.file.revision },
      },
    });
    const opened = await this.open(g, info, await this.deps.groups.keyring(g.id));
    if (!opened) throw new IntegrityError(`entry ${info.entryId}: does not open after publishing`);
    return opened;
  }

  /** Takes one of our entries off our shelf in `group`. */
  async withdraw(group: string, entryId: string): Promise<void> {
    const g = await this.deps.groups.get(group);
    await this.deps.hub.call('withdrawShelfEntry', { params: { id: g.id, entryId } });
  }

  /** Every shelf of `group`, or of every group we are in, opened and checked. */
  async catalog(group?: string): Promise<Catalog> {
    const groups = group
      ? [await this.deps.groups.get(group)]
      : (await this.deps.groups.list()).filter((g) => g.role !== 'invited');
    const out: CatalogEntry[] = [];
    const problems: string[] = [];
    for (const g of groups) {
      const keys = await this.deps.groups.keyring(g.id);
      const seen: MemberKeysCache = new Map();
      const found: CatalogEntry[] = [];
      let after: string | undefined;
      do {
        const page = await this.deps.hub.call('groupCatalog', {
          params: { id: g.id },
          query: after ? { after } : {},
        });
        refuseRepeats(
          page.entries,
          (e) => e.entryId,
          'entries',
          (e) => `entry ${e.entryId}`,
        );
        for (const e of page.entries) {
          const opened = await this.open(g, e, keys, seen);
          if (opened) found.push(opened);
          else
            problems.push(
              `${e.authorEmail} published entry ${e.entryId} in ${g.name} broken: it is signed by them but does not open; it is left out`,
            );
        }
        after = page.next ?? undefined;
      } while (after);
      if (this.deps.ratings) {
        const rated = await this.deps.ratings.ofGroup(g, seen);
        problems.push(...rated.problems);
        for (const e of found) e.rating = rated.of(e.entryId);
      }
      out.push(...found);
    }
    return new Catalog(out, problems);
  }

  /**
   * An entry checked against the author it is listed under and the group's key. What the hub
   * could have done (an entry not signed by that member, or served as another entry, group or
   * version than it was signed as) is an IntegrityError; an entry its author signed but that
   * does not open or read is their doing, and comes back as null, so one member cannot break
   * everyone's catalog.
   */
  private async open(
    g: Group,
    e: ShelfEntryInfo,
    keys: ReadonlyMap<number, GroupKey>,
    seen?: MemberKeysCache,
  ): Promise<CatalogEntry | null> {
    const what = `entry ${e.entryId} of ${e.authorEmail} in ${g.name}`;
    const by = { accountId: e.authorId, email: e.authorEmail };
    const author = await memberSigningKeys(this.deps, g, by, `entry ${e.entryId}`, seen);
    const key = keys.get(e.keyVersion);
    if (!key) throw new IntegrityError(`${what}: sealed under a key version the group never had`);
    const place = {
      groupId: g.id,
      entryId: e.entryId,
      authorId: e.authorId as AccountId,
      keyVersion: e.keyVersion,
      version: e.version,
    };
    const sealed = fromBase64Url(e.entry, 'entry');
    const signedBy = author.find((k) => shelfEntrySigned(sealed, k));
    if (!signedBy)
      throw new IntegrityError(`${what}: does not verify (tampered with or misplaced by the hub)`);
    const served = shelfEntryPlace(sealed);
    for (const k of ['groupId', 'entryId', 'authorId', 'keyVersion', 'version'] as const) {
      if (served[k] !== place[k])
        throw new IntegrityError(`${what}: served as another ${k} than it was published with`);
    }
    let body: unknown;
    try {
      body = await openShelfEntry(sealed, place, key, signedBy);
    } catch (err) {
      if (err instanceof DecryptionError || err instanceof IntegrityError) return null;
      throw err;
    }
    const parsed = entryBody.safeParse(body);
    if (!parsed.success) return null;
    return {
      groupId: g.id,
      groupName: g.name,
      entryId: e.entryId,
      author: { accountId: e.authorId, email: e.authorEmail },
      ...parsed.data,
      publishedAt: e.publishedAt,
      updatedAt: e.updatedAt,
    };
  }
}
