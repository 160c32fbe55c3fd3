import {
  type FileKey,
  type FileRequestKey,
  type FileRequestPlace,
  fromBase64Url,
  type LinkId,
  type NodeId,
  type NodeMetadata,
  newFileKey,
  newFileRequestKey,
  newLinkId,
  openDrop,
  openFileRequestTitle,
  sealFileRequestTitle,
  sealManifest,
  toBase64Url,
  unwrapFileRequestKey,
  wrapFileRequestKey,
} from '@coffer/crypto';
import { type CofferError, ConflictError, IntegrityError, ValidationError } from '@coffer/errors';
import type { DropInfo, FileCommit, RequestInfo } from '@coffer/protocol';
import { refuseRepeats } from './checks.ts';
import { type Entry, toEntry } from './entries.ts';
import type { HubClient } from './hub-client.ts';
import { type AccountKeys, fromHub, type OpenNode } from './keys.ts';
import { freeName } from './paths.ts';
import { fileCommit } from './transfers/commit.ts';
import type { TreeAccess } from './tree.ts';
import { requestUrl } from './urls.ts';

// [Note: File requests in the SDK]
// The owner's side (`client.requests`) makes a request's key pair, keeps its secret key wrapped
// under the master key on the hub, and later takes in what visitors sent (`collect`): each
// drop is opened with the request's key and checked, then committed as an ordinary file of the
// owner's (a new file key, metadata, a manifest the owner signs) with the chunks the visitor
// stored. The visitor's side (`FileRequest`) needs no account: it encrypts each file, stores
// its chunks and hands over a drop sealed to the request's public key from the URL fragment.

export interface RequestOptions {
  /** What you ask for, shown to visitors (encrypted; the hub cannot read it). */
  title?: string;
  /** Who asks, shown to visitors; your email unless given. */
  from?: string;
  /** When it stops taking files (ms since the epoch). */
  expiresAt?: number;
  /** How many files it takes in all. */
  maxFiles?: number;
  /** How many bytes (as stored, encrypted) it takes in all. */
  maxBytes?: number;
}

/** A request as its owner sees it: the URL can be shown again at any time. */
export interface OwnRequest extends RequestInfo {
  url: string;
  title: string;
  from: string;
}

export interface CollectResult {
  /** Files taken in, with the path each got. */
  received: (Entry & { path: string; requestId: string })[];
  /**
   * What could not be taken in, and why (an IntegrityError: damaged, or changed by the hub).
   * Such files stay waiting; `discard` throws one away.
   */
  problems: { requestId: string; dropId?: string; error: CofferError }[];
}

const ACCEPT_BATCH = 100;

/** A received file, opened and ready to commit. */
interface Intake {
  drop: DropInfo;
  commit: FileCommit;
  fileKey: FileKey;
  meta: NodeMetadata;
}

/** What file requests need: the hub, our keys, and the tree (folders by path and by id). */
export interface RequestsDeps {
  hub: HubClient;
  keys: AccountKeys;
  tree: Pick<TreeAccess, 'resolve' | 'openById' | 'pathOf' | 'listOpen'>;
}

/** Your file requests ([Note: File requests]). */
export class FileRequests {
  constructor(private readonly deps: RequestsDeps) {}

  /** Makes an upload-only link into the folder at `path`. */
  async create(path: string, o: RequestOptions = {}): Promise<OwnRequest> {
    const folder = await this.deps.tree.resolve(path);
    if (folder.kind !== 'folder') throw new ValidationError('path', 'is a file, not a folder');
    if (folder.authors)
      throw new ValidationError('path', 'is in a folder shared with you; ask its owner');
    if (o.expiresAt !== undefined && !(o.expiresAt > Date.now()))
      throw new ValidationError('expires', 'must be in the future');
    if (o.maxFiles !== undefined && !(Number.isInteger(o.maxFiles) && o.maxFiles >= 1))
      throw new ValidationError('files', 'expected a whole number of at least 1');
    if (o.maxBytes !== undefined && !(Number.isInteger(o.maxBytes) && o.maxBytes >= 1))
      throw new ValidationError('size', 'expected a whole number of bytes, at least 1');
    const id = newLinkId();
    const key = newFileRequestKey();
    const place = this.place(id, folder.info.id);
    const title = { title: o.title ?? folder.meta.name, from: o.from ?? this.deps.keys.email };
    const info = await this.deps.hub.call('createRequest', {
      body: {
        id,
        folderId: folder.info.id,
        envelope: toBase64Url(await sealFileRequestTitle(key.public, id, title)),
        wrappedKey: toBase64Url(await wrapFileRequestKey(this.deps.keys.masterKey, key, place)),
        ...(o.expiresAt !== undefined ? { expiresAt: Math.floor(o.expiresAt) } : {}),
        ...(o.maxFiles !== undefined ? { maxFiles: o.maxFiles } : {}),
        ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
      },
    });
    return { ...info, ...title, url: requestUrl(this.deps.hub.hubUrl, id, key.public) };
  }

  /** Your requests, newest first, each with its URL and title (opened and checked). */
  async list(): Promise<OwnRequest[]> {
    const requests = await this.listed();
    return Promise.all(
      requests.map(async (r) => {
        const key = await this.keyOf(r);
        const t = await fromHub(`title of file request ${r.id}`, () =>
          openFileRequestTitle(key.public, r.id as LinkId, fromBase64Url(r.envelope, 'envelope')),
        );
        return { ...r, ...t, url: requestUrl(this.deps.hub.hubUrl, r.id, key.public) };
      }),
    );
  }

  /** Closes a request: it takes no more files. What it received can still be collected. */
  async revoke(id: string): Promise<void> {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new ValidationError('id', 'expected a file request id');
    await this.deps.hub.call('revokeRequest', { params: { id } });
  }

  /**
   * Takes the files visitors sent into the requests' folders (all requests, or one). A name
   * already in the folder gets " (2)" and so on. A file that does not open, or does not match
   * what the hub says it holds, is reported and left waiting.
   */
  async collect(o: { requestId?: string } = {}): Promise<CollectResult> {
    const result: CollectResult = { received: [], problems: [] };
    const requests = await this.listed();
    for (const r of requests) {
      if (r.pending === 0 || (o.requestId && r.id !== o.requestId)) continue;
      try {
        await this.collectOne(r, result);
      } catch (e) {
        if (!(e instanceof IntegrityError || e instanceof ConflictError)) throw e;
        result.problems.push({ requestId: r.id, error: e });
      }
    }
    return result;
  }

  /** Throws away a received file that waits (one `collect` reported as damaged, say). */
  async discard(requestId: string, dropId: string): Promise<void> {
    for (const [field, v] of [
      ['id', requestId],
      ['drop', dropId],
    ] as const)
      if (!/^[0-9a-f]{32}$/.test(v)) throw new ValidationError(field, 'expected a 32-digit hex id');
    await this.deps.hub.call('discardDrop', { params: { id: requestId, dropId } });
  }

  private async listed(): Promise<RequestInfo[]> {
    const { requests } = await this.deps.hub.call('requests', {});
    refuseRepeats(
      requests,
      (r) => r.id,
      'file requests',
      (r) => `file request ${r.id}`,
    );
    return requests;
  }

  private place(id: string, folderId: string): FileRequestPlace {
    return {
      ownerId: this.deps.keys.accountId,
      requestId: id as LinkId,
      folderId: folderId as NodeId,
    };
  }

  private keyOf(r: RequestInfo): Promise<FileRequestKey> {
    return fromHub(`key of file request ${r.id}`, () =>
      unwrapFileRequestKey(
        this.deps.keys.masterKey,
        fromBase64Url(r.wrappedKey, 'wrappedKey'),
        this.place(r.id, r.folderId),
      ),
    );
  }

  private async collectOne(r: RequestInfo, result: CollectResult): Promise<void> {
    const key = await this.keyOf(r);
    const folder = await this.deps.tree.openById(r.folderId as NodeId);
    if (folder?.kind !== 'folder')
      throw new ConflictError(
        `its folder is gone; ${r.pending} received file(s) wait until you restore it`,
      );
    const folderPath = await this.deps.tree.pathOf(folder);
    for (;;) {
      const { drops } = await this.deps.hub.call('requestDrops', { params: { id: r.id } });
      refuseRepeats(
        drops,
        (d) => d.id,
        `file request ${r.id}`,
        (d) => `received file ${d.id}`,
      );
      if (drops.length === 0) return;
      const taken = new Set((await this.deps.tree.listOpen(folder)).map((n) => n.meta.name));
      const ready: Intake[] = [];
      for (const drop of drops) {
        const taking = await this.intake(r, key, folder, drop, taken).catch((e) => {
          if (!(e instanceof IntegrityError)) throw e;
          result.problems.push({ requestId: r.id, dropId: drop.id, error: e });
          return null;
        });
        if (taking) ready.push(taking);
      }
      for (let i = 0; i < ready.length; i += ACCEPT_BATCH) {
        const batch = ready.slice(i, i + ACCEPT_BATCH);
        const { nodes } = await this.deps.hub.call('acceptDrops', {
          params: { id: r.id },
          body: { files: batch.map((b) => ({ dropId: b.drop.id, file: b.commit })) },
        });
        for (const [k, info] of nodes.entries()) {
          const { fileKey: key, meta } = batch[k] as Intake;
          result.received.push({
            ...toEntry({ info, kind: 'file', key, meta }),
            path: `${folderPath.replace(/\/$/, '')}/${meta.name}`,
            requestId: r.id,
          });
        }
      }
      // A full page may hide more; go on while this page made progress.
      if (drops.length < 500 || ready.length === 0) return;
    }
  }

  /** Opens and checks one drop and builds the commit that takes it in. */
  private async intake(
    r: RequestInfo,
    key: FileRequestKey,
    folder: OpenNode & { kind: 'folder' },
    drop: DropInfo,
    taken: Set<string>,
  ): Promise<Intake> {
    const nodeId = drop.nodeId as NodeId;
    const d = await openDrop(key, fromBase64Url(drop.sealed, 'sealed'), {
      requestId: r.id as LinkId,
      nodeId,
    });
    if (d.content.chunks.map((c) => c.id).join() !== drop.chunkIds.join())
      throw new IntegrityError('drop: the hub lists other chunks than the visitor sealed');
    const name = freeName(d.name.normalize('NFC'), taken);
    taken.add(name);
    const fileKey = newFileKey();
    const now = Date.now();
    const manifest = await sealManifest(
      fileKey,
      { fileId: nodeId, revision: 1, createdAt: now, ...d.content },
      this.deps.keys.identity,
    );
    const meta: NodeMetadata = {
      name,
      size: d.content.size,
      mtime: d.mtime ?? now,
      contentHash: d.content.contentHash,
      ...(d.mime ? { mime: d.mime } : {}),
    };
    const commit = await fileCommit(
      this.deps.keys,
      { key: folder.key, info: folder.info },
      nodeId,
      fileKey,
      meta,
      {
        revision: 1,
        manifest,
        chunkIds: drop.chunkIds,
        size: d.content.chunks.reduce((s, c) => s + c.length, 0),
      },
    );
    return { drop, commit, fileKey, meta };
  }
}
