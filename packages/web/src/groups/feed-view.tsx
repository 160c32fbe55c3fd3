import { useCallback, useState } from 'react';
import { worker } from '../api.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { useEvery } from '../ui.tsx';
import type { ShownEntry } from '../worker.ts';
import { EntryCard } from './catalog-entry.tsx';
import { KeepOrDiscard, RateEntry } from './entry-actions.tsx';
import { Outcome, Pending } from './outcome.tsx';
import { groupStrings } from './strings.ts';
import { setUnread } from './unread.tsx';

/** How often the page reads the feed again while it is open. */
const EVERY_MS = 30_000;

interface Loaded {
  entries: ShownEntry[];
  unread: number;
  problems: string[];
  inGroups: boolean;
}

/**
 * The Feed page ([Note: The feed]): others' entries in our groups, newest first, the unread
 * ones marked until "Mark all seen"; each one kept (copied to our server), discarded or rated.
 */
export function FeedView() {
  const t = useT(groupStrings);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [f, g] = await Promise.all([worker.feed(), worker.groups()]);
    if (!f.ok) return setError(f.message);
    if (!g.ok) return setError(g.message);
    setUnread(f.value.unread);
    setLoaded({ ...f.value, inGroups: g.value.some((x) => x.role !== 'invited') });
  }, []);
  useEvery(load, EVERY_MS);

  const markSeen = async () => {
    setError(null);
    setDone(null);
    const r = await worker.feedMarkSeen();
    if (!r.ok) return setError(r.message);
    await load();
  };

  const discard = async (e: ShownEntry) => {
    setError(null);
    setDone(null);
    const r = await worker.feedDiscard(e.groupId, e.entryId);
    if (!r.ok) return setError(r.message);
    setDone(fill(t.discarded, { name: e.name }));
    await load();
  };

  if (loaded === null) return <Pending error={error} />;
  if (!loaded.inGroups) return <p className="empty-note">{t.feedNoGroups}</p>;
  return (
    <div className="feed">
      <p className="muted">{t.feedHint}</p>
      <div className="feed-head">
        <p role="status" className={loaded.unread ? 'unread-count' : 'muted'}>
          {loaded.unread ? t.unreadCount(loaded.unread) : t.allSeen}
        </p>
        {loaded.unread > 0 && (
          <button type="button" onClick={() => void markSeen()}>
            {t.markAllSeen}
          </button>
        )}
      </div>
      <Outcome error={error} done={done} />
      {loaded.problems.length > 0 && (
        <p className="muted small">{t.catalogBroken(loaded.problems.length)}</p>
      )}
      {loaded.entries.length === 0 ? (
        <p className="empty-note">{t.feedEmpty}</p>
      ) : (
        <ul className="entry-list" aria-label={t.feed}>
          {loaded.entries.map((e) => (
            <li key={`${e.groupId}/${e.entryId}`}>
              <EntryCard entry={e} mine={false} isNew={e.unread}>
                {e.onMyServer && !e.kept && <span className="kept-mark">{t.onYourServer}</span>}
                <KeepOrDiscard entry={e} kept={e.kept} onDiscard={() => void discard(e)} />
                <RateEntry entry={e} />
              </EntryCard>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
