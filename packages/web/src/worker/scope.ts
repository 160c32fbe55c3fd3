// Which tree a call works in: the account's own, or a folder shared with us, which the SDK
// opens as a tree of its own (`within`), so the same code lists, previews and zips both.
import type { CofferClient, OpenNode } from '@coffer/sdk';
import { need } from './session.ts';

/** The folders shared with us, by share id, as the last listing of shares opened them. */
export const sharedFolders = new Map<string, OpenNode>();

/** The folder shared with us as `shareId`, as its own tree. */
export function inShare(shareId: string): CofferClient {
  const folder = sharedFolders.get(shareId);
  if (!folder) throw new Error('shareId: open Shared with me again');
  return need().within(folder);
}

/** Our own tree, or with `shareId` the folder shared with us. */
export const clientFor = (shareId?: string): CofferClient =>
  shareId === undefined ? need() : inShare(shareId);
