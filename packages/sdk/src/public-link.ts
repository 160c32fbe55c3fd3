import {
  type AccountId,
  decodeLinkAuthors,
  decryptMetadata,
  equalBytes,
  type FolderKey,
  fromBase64Url,
  type LinkPlace,
  type NodeId,
  openLink,
  openManifest,
} from '@coffer/crypto';
import { DecryptionError, IntegrityError, NotFoundError, ValidationError } from '@coffer/errors';
import type { Replica } from '@coffer/protocol';
import { refuseDuplicateChildren, servedWrong } from './checks.ts';
import { byKindThenName, type Entry, toEntry } from './entries.ts';
import { HubClient } from './hub-client.ts';
import { type Author, fromHub, keysOfAuthor, type OpenNode, openChild } from './keys.ts';
import { splitPath } from './paths.ts';
import {
  ChunkSource,
  checkCurrent,
  type DownloadOptions,
  decryptFile,
} from './transfers/download.ts';
import { parseLinkUrl } from './urls.ts';

/** A link opened by a visitor, without an account. */
export class PublicLink {
  /** Each file's ticket in this visit, a download's or (kept apart) a preview's. */
  private readonly tickets = new Map<string, string>();
  private readonly previewTickets = new Map<string, string>();

  private constructor(
    readonly hub: HubClient,
    readonly id: string,
    /** The file or folder the link points to, opened and checked. */
    readonly root: OpenNode,
    readonly expiresAt: number | null,
    /** Downloads left before the limit, as the hub last said; null without a limit. */
    public downloadsLeft: number | null,
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
          throw servedWrong('tree', 'a child of another folder');
        out.push(await openChild(info, folder));
      }
      after = page.next ?? undefined;
    } while (after);
    refuseDuplicateChildren(out);
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

  /** Asks the hub again how many downloads are left (other visitors use them too). */
  async refresh(): Promise<number | null> {
    const r = await this.hub.call('linkOpen', { params: { id: this.id } });
    this.downloadsLeft = r.downloadsLeft;
    return r.downloadsLeft;
  }

  /**
   * The file's current manifest and chunk locations. The first fetch of a file counts one
   * download against the link's limit; later ones in this visit (a seek, a second look) carry
   * its ticket and do not. A preview does not count ([Note: Link previews]), and its ticket
   * serves only previews; a download's serves both.
   */
  private async fetchFile(nodeId: string, preview: boolean, signal?: AbortSignal) {
    let downloaded = this.tickets.has(nodeId);
    const ticket =
      this.tickets.get(nodeId) ?? (preview ? this.previewTickets.get(nodeId) : undefined);
    const ask = (t?: string) =>
      this.hub.call(
        'linkDownload',
        {
          params: { id: this.id },
          body: { nodeId, ...(t ? { ticket: t } : {}), ...(preview ? { preview } : {}) },
        },
        signal,
      );
    let r: Awaited<ReturnType<typeof ask>>;
    try {
      r = await ask(ticket);
    } catch (e) {
      if (!(ticket && e instanceof ValidationError && e.field === 'ticket')) throw e;
      downloaded = false;
      r = await ask();
    }
    (preview && !downloaded ? this.previewTickets : this.tickets).set(nodeId, r.ticket);
    this.downloadsLeft = r.downloadsLeft;
    return r;
  }

  /**
   * Streams a file of the link (the first time, one download against its limit). With
   * `preview`, a file to show, not keep: it does not count, within the hub's bounds.
   */
  async download(file: OpenNode, o: DownloadOptions & { preview?: boolean } = {}) {
    if (file.kind !== 'file') throw new ValidationError('path', 'is a folder, not a file');
    const preview = o.preview === true;
    const first = await this.fetchFile(file.info.id, preview, o.signal);
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
        located ??= (await this.fetchFile(file.info.id, preview, signal)).chunks;
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
