import {
  type AgreementPublicKey,
  encodeFileRequestKey,
  type FileKey,
  type FileRequestKey,
  type FileRequestPlace,
  fromBase64Url,
  type LinkId,
  type NodeId,
  type NodeMetadata,
  nameProblem,
  newFileKey,
  newFileRequestKey,
  newLinkId,
  newNodeId,
  openDrop,
  openFileRequestTitle,
  parseFileRequestKey,
  sealDrop,
  sealFileRequestTitle,
  sealManifest,
  toBase64Url,
  unwrapFileRequestKey,
  wrapFileRequestKey,
} from '@coffer/crypto';
import {
  type CofferError,
  ConflictError,
  DecryptionError,
  IntegrityError,
  ValidationError,
} from '@coffer/errors';
import type { DropInfo, FileCommit, RequestInfo } from '@coffer/protocol';
import type { CofferClient, Entry } from './client.ts';
import { toEntry } from './client.ts';
import { HubClient } from './hub-client.ts';
import { fromHub, type OpenNode } from './keys.ts';
import { parseFragmentUrl } from './links.ts';
import {
  fileCommit,
  storeNewContent,
  type TransferOptions,
  type UploadSource,
  type UploadTarget,
} from './transfers.ts';

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

export const requestUrl = (hubUrl: string, id: string, key: AgreementPublicKey) =>
  `${hubUrl.replace(/\/+$/, '')}/r/${id}#${encodeFileRequestKey(key)}`;

/** The parts of a file request URL; a ValidationError names what is wrong with it. */
export function parseRequestUrl(url: string) {
  const { hubUrl, id, secret } = parseFragmentUrl(url, {
    segment: 'r',
    field: 'request',
    example: 'file request link like https://hub/r/ID#KEY',
    fragment: parseFileRequestKey,
  });
  return { hubUrl, id, key: secret };
}

/** `name`, or `name (2).ext`, `name (3).ext`… whichever is not in `taken`. */
function freeName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}

const ACCEPT_BATCH = 100;

/** A received file, opened and ready to commit. */
interface Intake {
  drop: DropInfo;
  commit: FileCommit;
  fileKey: FileKey;
  meta: NodeMetadata;
}

/** Your file requests ([Note: File requests]). */
export class FileRequests {
  constructor(private readonly client: CofferClient) {}

  /** Makes an upload-only link into the folder at `path`. */
  async create(path: string, o: RequestOptions = {}): Promise<OwnRequest> {
    const folder = await this.client.resolve(path);
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
    const title = { title: o.title ?? folder.meta.name, from: o.from ?? this.client.keys.email };
    const info = await this.client.hub.call('createRequest', {
      body: {
        id,
        folderId: folder.info.id,
        envelope: toBase64Url(await sealFileRequestTitle(key.public, id, title)),
        wrappedKey: toBase64Url(await wrapFileRequestKey(this.client.keys.masterKey, key, place)),
        ...(o.expiresAt !== undefined ? { expiresAt: Math.floor(o.expiresAt) } : {}),
        ...(o.maxFiles !== undefined ? { maxFiles: o.maxFiles } : {}),
        ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
      },
    });
    return { ...info, ...title, url: requestUrl(this.client.hub.hubUrl, id, key.public) };
  }

  /** Your requests, newest first, each with its URL and title (opened and checked). */
  async list(): Promise<OwnRequest[]> {
    const { requests } = await this.client.hub.call('requests', {});
    return Promise.all(
      requests.map(async (r) => {
        const key = await this.keyOf(r);
        const t = await fromHub(`title of file request ${r.id}`, () =>
          openFileRequestTitle(key.public, r.id as LinkId, fromBase64Url(r.envelope, 'envelope')),
        );
        return { ...r, ...t, url: requestUrl(this.client.hub.hubUrl, r.id, key.public) };
      }),
    );
  }

  /** Closes a request: it takes no more files. What it received can still be collected. */
  async revoke(id: string): Promise<void> {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new ValidationError('id', 'expected a file request id');
    await this.client.hub.call('revokeRequest', { params: { id } });
  }

  /**
   * Takes the files visitors sent into the requests' folders (all requests, or one). A name
   * already in the folder gets " (2)" and so on. A file that does not open, or does not match
   * what the hub says it holds, is reported and left waiting.
   */
  async collect(o: { requestId?: string } = {}): Promise<CollectResult> {
    const result: CollectResult = { received: [], problems: [] };
    const { requests } = await this.client.hub.call('requests', {});
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
    await this.client.hub.call('discardDrop', { params: { id: requestId, dropId } });
  }

  private place(id: string, folderId: string): FileRequestPlace {
    return {
      ownerId: this.client.keys.accountId,
      requestId: id as LinkId,
      folderId: folderId as NodeId,
    };
  }

  private keyOf(r: RequestInfo): Promise<FileRequestKey> {
    return fromHub(`key of file request ${r.id}`, () =>
      unwrapFileRequestKey(
        this.client.keys.masterKey,
        fromBase64Url(r.wrappedKey, 'wrappedKey'),
        this.place(r.id, r.folderId),
      ),
    );
  }

  private async collectOne(r: RequestInfo, result: CollectResult): Promise<void> {
    const key = await this.keyOf(r);
    const folder = await this.client.openById(r.folderId as NodeId);
    if (folder?.kind !== 'folder')
      throw new ConflictError(
        `its folder is gone; ${r.pending} received file(s) wait until you restore it`,
      );
    const folderPath = await this.client.pathOf(folder);
    for (;;) {
      const { drops } = await this.client.hub.call('requestDrops', { params: { id: r.id } });
      if (drops.length === 0) return;
      const taken = new Set((await this.client.listOpen(folder)).map((n) => n.meta.name));
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
        const { nodes } = await this.client.hub.call('acceptDrops', {
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
      this.client.keys.identity,
    );
    const meta: NodeMetadata = {
      name,
      size: d.content.size,
      mtime: d.mtime ?? now,
      contentHash: d.content.contentHash,
      ...(d.mime ? { mime: d.mime } : {}),
    };
    const commit = await fileCommit(
      this.client.keys,
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

export interface SendOptions extends TransferOptions {
  size?: number;
  mtime?: number;
  mime?: string;
  chunkSize?: number;
}

/** A file request opened by a visitor, without an account. They can send; nothing else. */
export class FileRequest {
  private uploadId: string | null = null;

  private constructor(
    readonly hub: HubClient,
    readonly id: LinkId,
    private readonly key: AgreementPublicKey,
    /** What the owner asks for, and who they are, as the owner wrote it. */
    readonly title: string,
    readonly from: string,
    readonly expiresAt: number | null,
    /** When opened; null without a limit. */
    readonly filesLeft: number | null,
    readonly bytesLeft: number | null,
  ) {}

  /**
   * Opens a request link. A closed, expired or full request is a ForbiddenError saying which;
   * a title the hub changed or swapped is an IntegrityError.
   */
  static async open(url: string): Promise<FileRequest> {
    const { hubUrl, id, key } = parseRequestUrl(url);
    const hub = new HubClient({ hubUrl });
    const r = await hub.call('requestOpen', { params: { id } });
    let t: Awaited<ReturnType<typeof openFileRequestTitle>>;
    try {
      t = await openFileRequestTitle(key, id, fromBase64Url(r.envelope, 'envelope'));
    } catch (e) {
      if (e instanceof DecryptionError || e instanceof IntegrityError)
        throw new IntegrityError(
          'file request: its title does not open: damaged, or changed by the hub (tampered with)',
          { cause: e },
        );
      throw e;
    }
    return new FileRequest(hub, id, key, t.title, t.from, r.expiresAt, r.filesLeft, r.bytesLeft);
  }

  /** Encrypts and sends one file to the request's owner. */
  async send(name: string, source: UploadSource, o: SendOptions = {}): Promise<void> {
    const clean = name.normalize('NFC');
    const nodeId = newNodeId();
    const problem = nameProblem(clean);
    if (problem) throw new ValidationError('name', problem);
    const uploadId = await this.upload(o.signal);
    const target: UploadTarget = {
      place: (chunks, exclude, signal) =>
        this.hub.call(
          'requestPlace',
          { params: { id: this.id, uploadId }, body: { chunks, exclude } },
          signal,
        ),
      receipts: (receipts, signal) =>
        this.hub.call(
          'requestReceipts',
          { params: { id: this.id, uploadId }, body: { receipts } },
          signal,
        ),
    };
    const { chunkIds, content } = await storeNewContent(target, source, nodeId, o);
    const sealed = await sealDrop(
      this.key,
      { requestId: this.id, nodeId },
      {
        name: clean,
        mtime: Math.max(0, Math.floor(o.mtime ?? Date.now())),
        ...(o.mime ? { mime: o.mime } : {}),
        content,
      },
    );
    await this.hub.call(
      'requestSend',
      {
        params: { id: this.id, uploadId },
        body: { files: [{ nodeId, sealed: toBase64Url(sealed), chunkIds }] },
      },
      o.signal,
    );
  }

  private async upload(signal?: AbortSignal): Promise<string> {
    if (this.uploadId) return this.uploadId;
    const { uploadId } = await this.hub.call(
      'requestUpload',
      { params: { id: this.id }, body: {} },
      signal,
    );
    this.uploadId = uploadId;
    return uploadId;
  }
}
