import type { VerifiedManifest } from '@coffer/crypto';
import type { Entry } from '../entries.ts';
import type { OpenNode } from '../keys.ts';
import type { Tree } from '../tree.ts';
import type { UploadSource } from './chunk-store.ts';
import { copyNode } from './copy.ts';
import {
  accountLocator,
  ChunkSource,
  type Download,
  type DownloadOptions,
  decryptFileBytes,
  downloadFile,
  listVersions,
  openFileManifest,
  type ReadDeps,
  type Version,
} from './download.ts';
import { restoreRevision } from './restore.ts';
import { type SmallFile, type SmallFilesOptions, uploadSmallFiles } from './small-files.ts';
import { type UploadDeps, type UploadOptions, uploadFile } from './upload.ts';

/** A set of chunk fetches that share located replicas and, optionally, a cache of packs. */
export type ChunkCache = ChunkSource;

/**
 * The client's transfers ([Note: The client facade]): uploads, downloads, versions and copies,
 * by path in `tree` or as open nodes. CofferClient's methods of the same names say what each does.
 */
export class Transfers {
  constructor(private readonly deps: { reading: ReadDeps; uploading: UploadDeps; tree: Tree }) {}

  upload(path: string, source: UploadSource, o?: UploadOptions): Promise<Entry> {
    return uploadFile(this.deps.uploading, path, source, o);
  }

  uploadMany(files: readonly SmallFile[], o?: SmallFilesOptions): Promise<Entry[]> {
    return uploadSmallFiles(this.deps.uploading, files, o);
  }

  async download(
    file: string | OpenNode,
    o: DownloadOptions & { chunks?: ChunkCache; manifest?: VerifiedManifest },
  ): Promise<Download> {
    const { chunks, manifest, ...options } = o;
    const node = typeof file === 'string' ? await this.deps.tree.resolve(file) : file;
    return downloadFile(this.deps.reading, node, options, chunks, manifest);
  }

  async downloadBytes(
    file: OpenNode,
    o: { chunks?: ChunkCache; manifest?: VerifiedManifest; signal?: AbortSignal },
  ): Promise<Uint8Array> {
    const manifest = o.manifest ?? (await openFileManifest(this.deps.reading, file));
    const source = o.chunks ?? this.chunkCache({});
    return decryptFileBytes(manifest, source, o.signal ? { signal: o.signal } : {});
  }

  manifest(file: OpenNode, revision?: number): Promise<VerifiedManifest> {
    return openFileManifest(this.deps.reading, file, revision);
  }

  chunkCache(o: { keepPacks?: boolean; packs?: number }): ChunkCache {
    return new ChunkSource(accountLocator(this.deps.reading.hub), o.keepPacks ?? false, o.packs);
  }

  async versions(path: string): Promise<Version[]> {
    return listVersions(this.deps.reading, await this.deps.tree.resolve(path));
  }

  restoreRevision(path: string, revision: number): Promise<Entry> {
    return restoreRevision({ ...this.deps.reading, tree: this.deps.tree }, path, revision);
  }

  copy(from: string, to: string): Promise<Entry> {
    return copyNode({ ...this.deps.reading, tree: this.deps.tree }, from, to);
  }
}
