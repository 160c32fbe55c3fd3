import type { Entry } from '@coffer/sdk';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { worker } from './api.ts';
import { onChanges } from './change-feed.ts';
import { FileRequestsPanel } from './file-requests.tsx';
import { fill } from './i18n/format.ts';
import { useT } from './i18n/use-t.ts';
import { Crumbs, EntryName, Icon, joinPath, saveBlob } from './ui.tsx';

type Listing = Awaited<ReturnType<typeof worker.shares>> & { ok: true };
type Shares = Listing['value'];

/** Folders shared with you (browse, download) and the folders you share (and a form to share). */
export function SharedView({ onError }: { onError: (m: string) => void }) {
  const t = useT();
  const [shares, setShares] = useState<Shares | null>(null);
  const [open, setOpen] = useState<{ id: string; name: string; role: string } | null>(null);
  const [path, setPath] = useState('/');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [form, setForm] = useState({ path: '', email: '', role: 'read' as 'read' | 'write' });
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await worker.shares();
    if (r.ok) setShares(r.value);
    else onError(r.message);
  }, [onError]);
  useEffect(() => void load(), [load]);

  const loadEntries = useCallback(
    async (quietly = false) => {
      if (!open) return;
      if (!quietly) setEntries(null);
      const r = await worker.sharedList(open.id, path);
      if (r.ok) setEntries(r.value);
      else onError(r.message);
    },
    [open, path, onError],
  );
  useEffect(() => void loadEntries(), [loadEntries]);
  // A change in a folder shared with us, or to a share itself ([Note: Listings follow the
  // change feed]).
  useEffect(
    () =>
      onChanges((news) => {
        if (news !== 'all' && news.every((c) => c.shareId === null)) return;
        void load();
        void loadEntries(true);
      }),
    [load, loadEntries],
  );

  const upload = async (files: FileList | null) => {
    if (!open) return;
    for (const file of Array.from(files ?? [])) {
      const r = await worker.sharedUpload(open.id, joinPath(path, file.name), file);
      if (!r.ok) onError(r.message);
    }
    await loadEntries();
  };

  const share = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const r = await worker.shareFolder(form.path, form.email, form.role);
    if (!r.ok) return onError(r.message);
    setDone(
      fill(t.sharedDone, {
        path: form.path,
        email: form.email,
        role: form.role === 'write' ? t.canEdit : t.canView,
      }),
    );
    setForm({ ...form, email: '' });
    await load();
  };

  const download = async (name: string) => {
    if (!open) return;
    const r = await worker.sharedDownload(open.id, joinPath(path, name));
    if (r.ok) saveBlob(r.value.blob, r.value.name);
    else onError(r.message);
  };

  if (shares === null) return <p className="muted">{t.working}</p>;

  if (open) {
    return (
      <section className="shared-browse" aria-label={`${t.sharedWithMe}: ${open.name}`}>
        <div className="crumbs-row">
          <button type="button" onClick={() => setOpen(null)}>
            ← {t.sharedWithMe}
          </button>
          <Crumbs path={path} rootLabel={open.name} label={t.breadcrumbs} onGo={setPath} />
          {open.role === 'write' && (
            <label className="button">
              {t.upload}
              <input
                type="file"
                multiple
                hidden
                aria-label={t.upload}
                onChange={(e) => void upload(e.target.files)}
              />
            </label>
          )}
        </div>
        {entries === null ? (
          <p className="muted">{t.working}</p>
        ) : entries.length === 0 ? (
          <p className="muted">{t.emptyShared}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">
                  <span className="visually-hidden">{t.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>
                    <EntryName entry={e} onOpen={() => setPath(joinPath(path, e.name))} />
                  </td>
                  <td>
                    {e.kind === 'file' && (
                      <button
                        type="button"
                        aria-label={`${t.download} ${e.name}`}
                        onClick={() => void download(e.name)}
                      >
                        {t.download}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
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
                  setOpen({ id: s.id, name: s.name, role: s.role });
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
        <ul className="share-list">
          {shares.outgoing.map((s) => (
            <li key={s.id} className="share-card">
              <strong>{s.path ?? s.folderId}</strong>
              <span className="muted">
                {s.members
                  .map((m) => `${m.email} (${m.role === 'write' ? t.canEdit : t.canView})`)
                  .join(', ')}
              </span>
            </li>
          ))}
        </ul>
        <form className="share-form" onSubmit={share}>
          <input
            required
            aria-label={t.folderToShare}
            placeholder={t.folderToShare}
            value={form.path}
            onChange={(e) => setForm({ ...form, path: e.target.value })}
          />
          <input
            type="email"
            required
            aria-label={t.contactEmail}
            placeholder={t.contactEmail}
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
          <select
            aria-label={t.permission}
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as 'read' | 'write' })}
          >
            <option value="read">{t.canView}</option>
            <option value="write">{t.canEdit}</option>
          </select>
          <button type="submit" className="primary">
            {t.share}
          </button>
        </form>
        {done && (
          <p role="status" className="muted">
            {done}
          </p>
        )}
      </section>
      <FileRequestsPanel onError={onError} />
    </div>
  );
}
