import {
  type AgreementPublicKey,
  fromBase64Url,
  type LinkId,
  nameProblem,
  newNodeId,
  openFileRequestTitle,
  sealDrop,
  toBase64Url,
} from '@coffer/crypto';
import { DecryptionError, IntegrityError, ValidationError } from '@coffer/errors';
import { HubClient } from './hub-client.ts';
import { storeNewContent, type UploadSource, type UploadTarget } from './transfers/chunk-store.ts';
import type { TransferOptions } from './transfers/progress.ts';
import { parseRequestUrl } from './urls.ts';

export interface SendOptions extends TransferOptions {
  size?: number;
  mtime?: number;
  mime?: string;
  chunkSize?: number;
}

/** A file request opened by a visitor, without an account. They can send; nothing else. */
export class FileRequest {
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

  /** A new upload for each file: sending it ends the upload ([Note: A commit ends its upload]). */
  private async upload(signal?: AbortSignal): Promise<string> {
    const { uploadId } = await this.hub.call(
      'requestUpload',
      { params: { id: this.id }, body: {} },
      signal,
    );
    return uploadId;
  }
}
