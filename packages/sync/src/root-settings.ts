import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@coffer/errors';
import { BaseStore } from './base-store.ts';
import { STATE_DIR } from './names.ts';
import type { Kind } from './trees.ts';

// What the user decides per sync root, kept in its base: the remote folders that do not come
// down to this device (selective sync), and whether passes are paused.

const UNSELECTED = 'unselected';
export const PAUSED_SETTING = 'paused';

/** A remote folder path relative to the sync root: names joined by `/`, no `.` or `..`. */
export function folderPath(path: string, field: string): string {
  const names = path.split('/').filter((n) => n !== '');
  if (names.length === 0)
    throw new ValidationError(field, 'expected a folder inside the synced folder');
  if (names.some((n) => n === '.' || n === '..')) {
    throw new ValidationError(field, 'expected a path without . or ..');
  }
  return names.join('/');
}

export function unselectedFolders(local: string): string[] {
  if (!isRoot(local)) return [];
  return withStore(local, (s) => JSON.parse(s.setting(UNSELECTED) ?? '[]') as string[]);
}

/** Leaves `skip` out of this device and brings `keep` back; returns the folders left out. */
export function select(local: string, change: { skip: string[]; keep: string[] }): string[] {
  return withStore(local, (s) => {
    const now = new Set(JSON.parse(s.setting(UNSELECTED) ?? '[]') as string[]);
    for (const p of change.keep) now.delete(p);
    for (const p of change.skip) now.add(p);
    const list = [...now].sort();
    s.setSetting(UNSELECTED, JSON.stringify(list));
    return list;
  });
}

export function isPaused(local: string): boolean {
  if (!isRoot(local)) return false;
  return withStore(local, (s) => s.setting(PAUSED_SETTING) === 'yes');
}

export function setPaused(local: string, paused: boolean): void {
  withStore(local, (s) => s.setSetting(PAUSED_SETTING, paused ? 'yes' : 'no'));
}

/** The planner's scope: `ignored` by the rules first, then `unselected` under a left-out folder. */
export function scopeWith(
  ignored: (path: string, kind: Kind) => boolean,
  unselected: readonly string[],
): (path: string, kind: Kind) => 'sync' | 'ignored' | 'unselected' {
  return (path, kind) => {
    if (ignored(path, kind)) return 'ignored';
    for (const u of unselected) if (path === u || path.startsWith(`${u}/`)) return 'unselected';
    return 'sync';
  };
}

/** Whether `local` has sync state (never created here: only a pass makes a folder a root). */
const isRoot = (local: string) => existsSync(join(local, STATE_DIR, 'state.db'));

function withStore<T>(local: string, f: (s: BaseStore) => T): T {
  if (!isRoot(local))
    throw new ValidationError('LOCAL', `${local} is not a sync root: run coffer sync first`);
  const store = new BaseStore(local);
  try {
    return f(store);
  } finally {
    store.close();
  }
}
