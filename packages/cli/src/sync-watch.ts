import { join } from 'node:path';
import { STATE_DIR } from '@coffer/sync';
import { type BackendType, subscribe } from '@parcel/watcher';

// The sync client's file watcher: `changed` is called whenever something under `root`
// changed, except in its `.coffer` state folder. Only "something changed" matters: the pass
// that follows scans the folder and compares it with the base, so a missed, merged or
// out-of-order event costs at most the wait until the next full pass, never a wrong result.
// `@parcel/watcher` keeps one native watch per folder (inotify on Linux); Node's recursive
// `fs.watch` keeps a JavaScript watcher and a Stats object per file there, which at 100,000
// files cost hundreds of MB (docs/dependencies.md).

/**
 * The system's own watcher where there is one. Left to itself, the library first looks for a
 * Watchman daemon by running its command; sync has no use for one.
 */
function native(): { backend?: BackendType } {
  const backends: Partial<Record<NodeJS.Platform, BackendType>> = {
    linux: 'inotify',
    darwin: 'fs-events',
    win32: 'windows',
  };
  const backend = backends[process.platform];
  return backend ? { backend } : {};
}

/** Starts watching; the returned function stops. */
export async function watchFolder(
  root: string,
  changed: () => void,
  warn: (message: string) => void,
): Promise<() => Promise<void>> {
  const subscription = await subscribe(
    root,
    (error, events) => {
      if (error) warn(`sync: watching ${root}: ${error.message}; the next full pass catches up`);
      if (error || events.length > 0) changed();
    },
    { ignore: [join(root, STATE_DIR)], ...native() },
  );
  return () => subscription.unsubscribe();
}
