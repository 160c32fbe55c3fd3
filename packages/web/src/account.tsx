import type { Entry } from '@coffer/sdk';
import { useEffect } from 'react';
import { type Result, worker } from './api.ts';
import { onChanges } from './change-feed.ts';
import { useT } from './i18n/use-t.ts';
import { Icon, useWorkerList } from './ui.tsx';

// The trash. The account screens (sign-up, log-in, recovery, change password) are in account/.

type TrashItem = Entry & { from: string | null };
const fetchTrash = (): Promise<Result<TrashItem[]>> => worker.trashList();

export function TrashView({ onError }: { onError: (m: string) => void }) {
  const t = useT();
  const { items, load } = useWorkerList(fetchTrash, onError);
  // Anything in our own tree may have gone to the trash or come back from it.
  useEffect(
    () =>
      onChanges((news) => {
        if (news === 'all' || news.some((c) => c.shareId === null)) void load();
      }),
    [load],
  );
  if (items === null) return <p className="muted">{t.working}</p>;
  if (items.length === 0) return <p className="muted">{t.trashEmpty}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t.name}</th>
          <th scope="col">{t.from}</th>
          <th scope="col">
            <span className="visually-hidden">{t.actions}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.id}>
            <td>
              <Icon kind={e.kind} />
              {e.name}
            </td>
            <td>{e.from ?? '—'}</td>
            <td>
              <div className="actions">
                <button
                  type="button"
                  aria-label={`${t.restore} ${e.name}`}
                  onClick={async () => {
                    const r = await worker.restore(e.id);
                    if (!r.ok) onError(r.message);
                    await load();
                  }}
                >
                  {t.restore}
                </button>
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
