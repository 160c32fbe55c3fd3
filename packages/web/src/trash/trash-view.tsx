// The trash: each item with where it came from, when it was trashed and the space it holds
// (versions included); restore, delete forever, and empty it all. Both deletions ask first and
// say how much goes.
import type { TrashContents, TrashedEntry } from '@coffer/sdk';
import { useCallback, useEffect, useState } from 'react';
import { worker } from '../api.ts';
import { onChanges } from '../change-feed.ts';
import { formatDateTime } from '../figures.ts';
import { Confirm } from '../groups/dialog.tsx';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { Icon } from '../ui.tsx';
import { useFigures } from '../use-figures.ts';
import { trashStrings } from './strings.ts';

export function TrashView({ onError }: { onError: (m: string) => void }) {
  const t = useT(trashStrings);
  const fig = useFigures();
  const [trash, setTrash] = useState<TrashContents | null>(null);
  const [asking, setAsking] = useState<TrashedEntry | 'all' | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  /** A new question clears what the last action said. */
  const ask = (what: TrashedEntry | 'all') => {
    setSaid(null);
    setAsking(what);
  };
  const load = useCallback(async () => {
    const r = await worker.trashContents();
    if (r.ok) setTrash(r.value);
    else onError(r.message);
  }, [onError]);
  useEffect(() => void load(), [load]);
  // Anything in our own tree may have gone to the trash or come back from it.
  useEffect(
    () =>
      onChanges((news) => {
        if (news === 'all' || news.some((c) => c.shareId === null)) void load();
      }),
    [load],
  );

  const restore = async (e: TrashedEntry) => {
    setSaid(null);
    const r = await worker.restore(e.id);
    if (!r.ok) onError(r.message);
    await load();
  };
  const purge = async (e: TrashedEntry) => {
    setAsking(null);
    const r = await worker.purge(e.id);
    if (r.ok) setSaid(fill(t.deletedForever, { name: e.name }));
    else onError(r.message);
    await load();
  };
  const empty = async (upTo: number) => {
    setAsking(null);
    const r = await worker.emptyTrash(upTo);
    if (r.ok) setSaid(t.trashEmptied(r.value));
    else onError(r.message);
    await load();
  };

  if (trash === null) return <p className="muted">{t.working}</p>;
  const { items, bytes, upTo } = trash;
  return (
    <section className="trash" aria-label={t.trash}>
      {said && (
        <p role="status" className="notice">
          {said}
        </p>
      )}
      {items.length === 0 ? (
        <p className="muted">{t.trashEmpty}</p>
      ) : (
        <>
          <div className="trash-head">
            <p>
              <strong>{t.trashHolds(items.length, { size: fig.size(bytes) })}</strong>
              <br />
              <span className="muted">{t.trashSizeHint}</span>
            </p>
            <button type="button" className="danger" onClick={() => ask('all')}>
              {t.emptyTrash}
            </button>
          </div>
          <table className="trash-table">
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.from}</th>
                <th scope="col">{t.trashedOn}</th>
                <th scope="col">{t.size}</th>
                <th scope="col">
                  <span className="visually-hidden">{t.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id} aria-label={e.name}>
                  <td className="trash-name">
                    <Icon kind={e.kind} />
                    {e.name}
                  </td>
                  <td>
                    <span className="trash-from-label">{t.from}: </span>
                    {e.from ?? '—'}
                  </td>
                  <td className="nowrap">
                    {e.trashedAt ? formatDateTime(e.trashedAt, t.locale) : '—'}
                  </td>
                  <td className="nowrap">{fig.size(e.held)}</td>
                  <td>
                    <div className="actions">
                      <button
                        type="button"
                        aria-label={`${t.restore} ${e.name}`}
                        onClick={() => void restore(e)}
                      >
                        {t.restore}
                      </button>
                      <button
                        type="button"
                        className="danger"
                        aria-label={`${t.deleteForever} ${e.name}`}
                        onClick={() => ask(e)}
                      >
                        {t.deleteForever}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {asking === 'all' && (
        <Confirm
          title={t.emptyTrashTitle}
          text={t.emptyTrashText(items.length, { size: fig.size(bytes) })}
          action={t.emptyTrash}
          onConfirm={() => void empty(upTo)}
          onCancel={() => setAsking(null)}
        />
      )}
      {asking && asking !== 'all' && (
        <Confirm
          title={fill(t.deleteForeverTitle, { name: asking.name })}
          text={fill(t.deleteForeverText, { size: fig.size(asking.held) })}
          action={t.deleteForever}
          onConfirm={() => void purge(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  );
}
