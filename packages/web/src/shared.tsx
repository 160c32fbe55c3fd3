import { useCallback, useEffect, useState } from 'react';
import { worker } from './api.ts';
import { onChanges } from './change-feed.ts';
import { FileRequestsPanel } from './file-requests.tsx';
import { fill } from './i18n/format.ts';
import { useT } from './i18n/use-t.ts';
import { ShareDialog } from './sharing/share-dialog.tsx';
import { type OpenShare, SharedFolder } from './sharing/shared-folder.tsx';
import { sharingStrings } from './sharing/strings.ts';
import { Icon } from './ui.tsx';

type Listing = Awaited<ReturnType<typeof worker.shares>> & { ok: true };
type Shares = Listing['value'];

/**
 * Folders shared with you (each opens as a file view of its own) and the folders you share
 * (each with its share dialog; a folder is shared from its "Share" action in Files).
 */
export function SharedView({ onError }: { onError: (m: string) => void }) {
  const t = useT(sharingStrings);
  const [shares, setShares] = useState<Shares | null>(null);
  const [open, setOpen] = useState<OpenShare | null>(null);
  const [path, setPath] = useState('/');
  const [managing, setManaging] = useState<{ path: string; folderId: string } | null>(null);

  const load = useCallback(async () => {
    const r = await worker.shares();
    if (r.ok) setShares(r.value);
    else onError(r.message);
  }, [onError]);
  useEffect(() => void load(), [load]);
  // A change to a share itself, or in a folder shared with us ([Note: Listings follow the
  // change feed]).
  useEffect(
    () =>
      onChanges((news) => {
        if (news === 'all' || news.some((c) => c.shareId !== null)) void load();
      }),
    [load],
  );
  // The open share as the hub lists it now: a new role shows at once, and a share we lose closes.
  const current = open && shares?.incoming.find((s) => s.id === open.id);

  if (shares === null) return <p className="muted">{t.working}</p>;

  if (open && current) {
    return (
      <SharedFolder
        share={{ ...open, role: current.role }}
        path={path}
        onPath={setPath}
        onBack={() => setOpen(null)}
        onError={onError}
      />
    );
  }

  return (
    <div className="shared">
      <section aria-label={t.sharedWithMe}>
        <h2>{t.sharedWithMe}</h2>
        {shares.incoming.length === 0 && <p className="muted">{t.nothingShared}</p>}
        <ul className="share-list">
          {shares.incoming.map((s) => (
            <li key={s.id} className="share-card">
              <button
                type="button"
                className="link share-name"
                onClick={() => {
                  setPath('/');
                  setOpen({ id: s.id, name: s.name, owner: s.owner, role: s.role });
                }}
              >
                <Icon kind="folder" /> {s.name}
              </button>
              <span className="muted">
                {t.sharedFrom} {s.owner} · {s.role === 'write' ? t.canEdit : t.canView}
              </span>
              {s.uncheckedWriters.map((w) => (
                <p key={w} role="alert" className="key-warning small">
                  {fill(t.uncheckedWriter, { email: w })}
                </p>
              ))}
            </li>
          ))}
        </ul>
      </section>
      <section aria-label={t.sharedByMe}>
        <h2>{t.sharedByMe}</h2>
        <p className="muted">{t.howToShare}</p>
        <ul className="share-list">
          {shares.outgoing.map((s) => (
            <li key={s.id} className="share-card">
              <strong>{s.path ?? s.folderId}</strong>
              <span className="muted">
                {s.members
                  .map((m) => `${m.email} (${m.role === 'write' ? t.canEdit : t.canView})`)
                  .join(', ')}
              </span>
              {s.path !== null && (
                <button
                  type="button"
                  className="share-manage"
                  aria-label={fill(t.manageNamed, { path: s.path })}
                  onClick={() => s.path && setManaging({ path: s.path, folderId: s.folderId })}
                >
                  {t.manageSharing}
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
      {managing && (
        <ShareDialog
          path={managing.path}
          folderId={managing.folderId}
          onClose={() => {
            setManaging(null);
            void load();
          }}
        />
      )}
      <FileRequestsPanel onError={onError} />
    </div>
  );
}
