import type { NodeId } from '@coffer/crypto';
import type { OpenNode } from './keys.ts';

/** A file or folder, decrypted. */
export interface Entry {
  id: NodeId;
  parentId: NodeId | null;
  kind: 'file' | 'folder';
  name: string;
  /** Plaintext bytes of the current revision (files). */
  size: number;
  mtime: number | null;
  mime: string | null;
  revision: number | null;
  version: number;
  createdAt: number;
  updatedAt: number;
  trashedAt: number | null;
}

export function toEntry(n: OpenNode): Entry {
  return {
    id: n.info.id as NodeId,
    parentId: n.info.parentId as NodeId | null,
    kind: n.kind,
    name: n.meta.name,
    size: n.meta.size ?? 0,
    mtime: n.meta.mtime ?? null,
    mime: n.meta.mime ?? null,
    revision: n.info.revision,
    version: n.info.version,
    createdAt: n.info.createdAt,
    updatedAt: n.info.updatedAt,
    trashedAt: n.info.trashedAt,
  };
}

/** Folders first, then by name. */
export const byKindThenName = (a: Entry, b: Entry) =>
  a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1;
