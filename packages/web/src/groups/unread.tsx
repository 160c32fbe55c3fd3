// How many entries of the feed are unread, for the badge on "Feed" in the bar: asked of the
// worker every so often while the page is visible, and set again whenever the Feed page reads.
import { useSyncExternalStore } from 'react';
import { worker } from '../api.ts';
import { useT } from '../i18n/use-t.ts';
import { useEvery } from '../ui.tsx';
import { groupStrings } from './strings.ts';

/** How often the badge asks. */
const EVERY_MS = 20_000;

let unread = 0;
const listeners = new Set<() => void>();

/** Sets the count (the Feed page knows it after each read). */
export function setUnread(n: number) {
  if (n === unread) return;
  unread = n;
  for (const l of listeners) l();
}

/** Asks the worker again; a failure (signed out, offline) leaves the count as it is. */
export async function refreshUnread() {
  const r = await worker.feedUnread();
  if (r.ok) setUnread(r.value);
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => void listeners.delete(l);
};

/** The unread count, kept fresh while mounted. */
export function useUnread(): number {
  useEvery(refreshUnread, EVERY_MS);
  return useSyncExternalStore(subscribe, () => unread);
}

/** The badge: the number, described to screen readers as "3 new" on the bar's button. */
export function UnreadBadge({ id }: { id: string }) {
  const t = useT(groupStrings);
  const n = useUnread();
  if (n === 0) return null;
  return (
    <>
      <span className="badge" aria-hidden="true">
        {n > 99 ? '99+' : n}
      </span>
      <span id={id} hidden>
        {t.unreadCount(n)}
      </span>
    </>
  );
}
