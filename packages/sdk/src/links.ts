import {
  type AccountId,
  DEFAULT_LINK_ARGON2,
  decodeLinkAuthors,
  decryptMetadata,
  encodeLinkAuthors,
  encodeLinkSecret,
  equalBytes,
  type FolderKey,
  fromBase64Url,
  type LinkId,
  type LinkPlace,
  type LinkSecret,
  type NodeId,
  newLinkId,
  newLinkSecret,
  openLink,
  openManifest,
  parseLinkSecret,
  toBase64Url,
  wrapForLink,
} from '@coffer/crypto';
import { DecryptionError, IntegrityError, NotFoundError, ValidationError } from '@coffer/errors';
import type { LinkInfo, Replica } from '@coffer/protocol';
import { byKindThenName, type CofferClient, type Entry, splitPath, toEntry } from './client.ts';
import { HubClient } from './hub-client.ts';
import { type Author, fromHub, keysOfAuthor, type OpenNode, openChild } from './keys.ts';
import { ChunkSource, checkCurrent, type DownloadOptions, decryptFile } from './transfers.ts';

// [Note: Public links]
// A link is https://<hub>/l/<linkId>#<secret>: the hub stores the node key wrapped under the
// secret (and a password, if any) with the authors to trust ([Note: Link envelope], [Note:
// Link authors]); the fragment never leaves the browser. A visitor opens the envelope, then
// opens the node and everything under it exactly as an account does: each child under its
// parent's key, each node and manifest signed by one of the link's authors.

export interface LinkOptions {
  /** Argon2id-protected: the visitor needs it as well as the URL. */
  password?: string;
  /** When the link stops working (ms since the epoch). */
  expiresAt?: number;
  /** How many file downloads it allows. */
  maxDownloads?: number;
}

export interface CreatedLink extends LinkInfo {
  /** The whole link, secret included: give it to whoever should open it. */
  url: string;
}

/** Your public links ([Note: Public links]). */
export class Links {
  constructor(private readonly client: CofferClient) {}

  /** Makes a link to the file or folder at `path`. */
  async create(path: string, o: LinkOptions = {}): Promise<CreatedLink> {
    const node = await this.client.resolve(path);
    if (node.info.parentId === null)
      throw new ValidationError('path', 'is your root folder; link a file or folder inside it');
    if (o.password !== undefined && o.password.length === 0)
      throw new ValidationError('password', 'must not be empty');
    if (o.expiresAt !== undefined && !(o.expiresAt > Date.now()))
      throw new ValidationError('expires', 'must be in the future');
    if (o.maxDownloads !== undefined && !(Number.isInteger(o.maxDownloads) && o.maxDownloads >= 1))
      throw new ValidationError('downloads', 'expected a whole number of at least 1');
    const id = newLinkId();
    const secret = newLinkSecret();
    const authors = encodeLinkAuthors(
      (node.authors ?? [await this.ownAuthor()]).flatMap((a) =>
        keysOfAuthor(a).map((k) => ({ accountId: a.accountId as AccountId, signingPublic: k })),
      ),
    );
    const place = { linkId: id, nodeId: node.info.id as NodeId, kind: node.kind, authors };
    const envelope = await wrapForLink(node.key, secret, place, o.password, DEFAULT_LINK_ARGON2);
    const info = await this.client.hub.call('createLink', {
      body: {
        id,
        nodeId: node.info.id,
        envelope: toBase64Url(envelope),
        authors: toBase64Url(authors),
        ...(o.expiresAt !== undefined ? { expiresAt: Math.floor(o.expiresAt) } : {}),
        ...(o.maxDownloads !== undefined ? { maxDownloads: o.maxDownloads } : {}),
      },
    });
    return { ...info, url: linkUrl(this.client.hub.hubUrl, id, secret) };
  }

  /** Your links, newest first (the secrets are not kept: a link's URL is shown once). */
  async list(): Promise<LinkInfo[]> {
    return (await this.client.hub.call('links', {})).links;
  }

  /** Revokes a link: it opens nothing from now on. */
  async revoke(id: string): Promise<void> {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new ValidationError('id', 'expected a link id');
    await this.client.hub.call('revokeLink', { params: { id } });
  }

  private async ownAuthor(): Promise<Author> {
    return {
      accountId: this.client.keys.accountId,
      signingPublic: this.client.keys.identity.signingPublic,
      older: await this.client.contacts.ownPreviousKeys(),
    };
  }
}

export const linkUrl = (hubUrl: string, id: string, secret: LinkSecret) =>
  `${hubUrl.replace(/\/+$/, '')}/l/${id}#${encodeLinkSecret(secret)}`;

/**
 * The parts of a URL like https://hub/SEGMENT/ID#FRAGMENT (a link, a file request): a
 * ValidationError on `field` says what is wrong with it, `example` what was expected.
 */
export function parseFragmentUrl<T>(
  url: string,
  o: { segment: string; field: string; example: string; fragment: (hash: string) => T },
): { hubUrl: string; id: LinkId; secret: T } {
  const expected = `expected a ${o.example}`;
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new ValidationError(o.field, expected);
  }
  const m = new RegExp(`^(.*)/${o.segment}/([0-9a-f]{32})/?$`).exec(u.pathname);
  if (!m) throw new ValidationError(o.field, expected);
  if (!u.hash || u.hash === '#')
    throw new ValidationError(o.field, 'the part after # is missing (copy the whole link)');
  let secret: T;
  try {
    secret = o.fragment(u.hash);
  } catch {
    throw new ValidationError(o.field, 'the part after # is damaged (copy the whole link)');
  }
  return { hubUrl: `${u.origin}${m[1]}`, id: m[2] as LinkId, secret };
}

/** The parts of a link URL; a ValidationError names what is wrong with it. */
export const parseLinkUrl = (url: string) =>
  parseFragmentUrl(url, {
    segment: 'l',
    field: 'link',
    example: 'link like https://hub/l/ID#SECRET',
    fragment: parseLinkSecret,
  });

/** A link opened by a visitor, without an account. */
export class PublicLink {
  private readonly tickets = new Map<string, string>();

  private constructor(
    readonly hub: HubClient,
    readonly id: string,
    /** The file or folder the link points to, opened and checked. */
    readonly root: OpenNode,
    readonly expiresAt: number | null,
    /** Downloads left before the limit when the link was opened; null without a limit. */
    readonly downloadsLeft: number | null,
  ) {}

  /**
   * Opens a link. A password-protected link without `password` is a ValidationError on
   * `password`; a wrong password (or a damaged link) is one too. A revoked, expired or used-up
   * link is a ForbiddenError saying which.
   */
  static async open(url: string, o: { password?: string } = {}): Promise<PublicLink> {
    const { hubUrl, id, secret } = parseLinkUrl(url);
    const hub = new HubClient({ hubUrl });
    const r = await hub.call('linkOpen', { params: { id } });
    if (r.node.kind !== r.kind) throw new IntegrityError('link: the hub served another node');
    const authorsBytes = fromBase64Url(r.authors, 'authors');
    const place: LinkPlace = {
      linkId: id,
      nodeId: r.node.id as NodeId,
      kind: r.kind,
      authors: authorsBytes,
    };
    let key: Awaited<ReturnType<typeof openLink>>;
    try {
      key = await openLink(fromBase64Url(r.envelope, 'envelope'), secret, place, o.password);
    } catch (e) {
      // Without a password the secret in the URL opens it, unless the hub changed something.
      if (e instanceof DecryptionError && o.password !== undefined)
        throw new ValidationError('password', 'wrong password (or the link is damaged)');
      if (e instanceof DecryptionError || e instanceof IntegrityError)
        throw new IntegrityError(
          'link: does not open: damaged, or changed by the hub (tampered with)',
          { cause: e },
        );
      throw e;
    }
    const authors = groupAuthors(decodeLinkAuthors(authorsBytes));
    const info = r.node;
    const meta = await fromHub('the link’s metadata', () =>
      decryptMetadata(key, fromBase64Url(info.metadata, 'metadata'), {
        nodeId: info.id as NodeId,
        kind: info.kind,
      }),
    );
    const root = (
      info.kind === 'folder'
        ? { info, kind: 'folder', key: key as FolderKey, meta, authors }
        : { info, kind: 'file', key, meta, authors }
    ) as OpenNode;
    return new PublicLink(hub, id, root, r.expiresAt, r.downloadsLeft);
  }

  /** The children of a folder in the link, opened and checked, folders first. */
  async listOpen(folder: OpenNode = this.root): Promise<OpenNode[]> {
    if (folder.kind !== 'folder') throw new ValidationError('path', 'is a file, not a folder');
    const out: OpenNode[] = [];
    let after: string | undefined;
    do {
      const page = await this.hub.call('linkChildren', {
        params: { id: this.id, nodeId: folder.info.id },
        query: { limit: 2000, ...(after ? { after } : {}) },
      });
      for (const info of page.nodes) {
        if (info.parentId !== folder.info.id)
          throw new IntegrityError('tree: the hub served a child of another folder');
        out.push(await openChild(info, folder));
      }
      after = page.next ?? undefined;
    } while (after);
    return out.sort((a, b) => byKindThenName(toEntry(a), toEntry(b)));
  }

  async list(path = '/'): Promise<Entry[]> {
    return (await this.listOpen(await this.resolve(path))).map(toEntry);
  }

  /** The node at `path` inside the link ("/" is the linked file or folder). */
  async resolve(path: string): Promise<OpenNode> {
    let node = this.root;
    for (const name of splitPath(path)) {
      const next = (await this.listOpen(node)).find(
        (n) => n.meta.name.normalize('NFC') === name.normalize('NFC'),
      );
      if (!next) throw new NotFoundError(`path: ${path} is not in this link`);
      node = next;
    }
    return node;
  }

  /**
   * The file's current manifest and chunk locations. The first fetch of a file counts one
   * download against the link's limit; later ones in this visit (a seek, a second look) carry
   * its ticket and do not.
   */
  private async fetchFile(nodeId: string, signal?: AbortSignal) {
    const ticket = this.tickets.get(nodeId);
    const ask = (t?: string) =>
      this.hub.call(
        'linkDownload',
        { params: { id: this.id }, body: { nodeId, ...(t ? { ticket: t } : {}) } },
        signal,
      );
    let r: Awaited<ReturnType<typeof ask>>;
    try {
      r = await ask(ticket);
    } catch (e) {
      if (!(ticket && e instanceof ValidationError && e.field === 'ticket')) throw e;
      r = await ask();
    }
    this.tickets.set(nodeId, r.ticket);
    return r;
  }

  /** Streams a file of the link (the first time, one download against its limit). */
  async download(file: OpenNode, o: DownloadOptions = {}) {
    if (file.kind !== 'file') throw new ValidationError('path', 'is a folder, not a file');
    const first = await this.fetchFile(file.info.id, o.signal);
    if (first.node.id !== file.info.id || first.node.version !== file.info.version)
      throw new IntegrityError('link: the hub served another file, or another version of it');
    const sealed = first.node.manifest;
    if (!sealed) throw new IntegrityError('link: the hub served no manifest');
    const authors = (file.authors ?? []).flatMap(keysOfAuthor);
    const revision = first.node.revision ?? 0;
    const manifest = await fromHub(`manifest of ${file.meta.name}`, () =>
      openManifest(
        file.key as Parameters<typeof openManifest>[0],
        fromBase64Url(sealed, 'manifest'),
        { fileId: file.info.id as NodeId, revision },
        (a) => authors.some((k) => equalBytes(k, a)),
      ),
    );
    checkCurrent(file, manifest);
    let located: { id: string; replicas: Replica[] }[] | null = first.chunks;
    const source = new ChunkSource({
      locate: async (ids, signal) => {
        located ??= (await this.fetchFile(file.info.id, signal)).chunks;
        const wanted = new Set(ids);
        const found = located.filter((c) => wanted.has(c.id));
        located = null;
        return found;
      },
      report: () => undefined,
    });
    return decryptFile(file, manifest, source, o);
  }
}

/** Link authors, one per account, its earlier keys kept as `older`. */
function groupAuthors(list: { accountId: AccountId; signingPublic: Uint8Array }[]): Author[] {
  const by = new Map<string, Author & { older: Uint8Array[] }>();
  for (const a of list) {
    const found = by.get(a.accountId);
    if (found) found.older.push(a.signingPublic);
    else
      by.set(a.accountId, {
        accountId: a.accountId,
        signingPublic: a.signingPublic as Author['signingPublic'],
        older: [],
      });
  }
  return [...by.values()] as Author[];
}
