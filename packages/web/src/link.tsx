import type { Entry } from '@coffer/sdk';
import { formatBytes } from '@coffer/sdk/format';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { worker } from './api.ts';
import { fill } from './i18n/format.ts';
import { useT } from './i18n/use-t.ts';
import { Crumbs, EntryName, Icon, joinPath, saveBlob } from './ui.tsx';

// The page a public link opens, for a visitor with no account: the key is in the URL's
// fragment, which never leaves the browser; the worker opens the link and decrypts.

type Opened = Awaited<ReturnType<typeof worker.linkOpen>> & { ok: true };
const TEXT_PREVIEW = 64 * 1024;
const isText = (e: Entry) =>
  (e.mime ?? '').startsWith('text/') || /\.(txt|md|csv|json|log)$/i.test(e.name);

export function LinkPage() {
  const t = useT();
  const [opened, setOpened] = useState<Opened['value'] | null>(null);
  const [needPassword, setNeedPassword] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [path, setPath] = useState('/');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [preview, setPreview] = useState<{ name: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const open = useCallback(async (pass?: string) => {
    setError(null);
    setBusy(true);
    const r = await worker.linkOpen(location.href, pass);
    setBusy(false);
    if (r.ok) {
      setOpened(r.value);
      setNeedPassword(false);
    } else if (r.code === 'validation' && r.message.startsWith('password:')) {
      setNeedPassword(true);
      if (pass !== undefined) setError(r.message.replace(/^password: /, ''));
    } else setError(r.message.replace(/^link: /, ''));
  }, []);
  useEffect(() => void open(), [open]);

  useEffect(() => {
    if (opened?.root.kind !== 'folder') return;
    setEntries(null);
    void worker.linkList(path).then((r) => {
      if (r.ok) setEntries(r.value);
      else setError(r.message.replace(/^link: /, ''));
    });
  }, [opened, path]);

  const download = async (filePath: string) => {
    setBusy(true);
    const r = await worker.linkDownload(filePath);
    setBusy(false);
    if (r.ok) saveBlob(r.value.blob, r.value.name);
    else setError(r.message.replace(/^link: /, ''));
  };
  const showText = async (filePath: string, name: string) => {
    const r = await worker.linkReadText(filePath, TEXT_PREVIEW);
    if (r.ok) setPreview({ name, text: r.value.text + (r.value.truncated ? '\n…' : '') });
    else setError(r.message.replace(/^link: /, ''));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void open(password);
  };

  const facts = opened && (
    <p className="muted">
      {[
        opened.expiresAt
          ? fill(t.linkExpires, { date: new Date(opened.expiresAt).toLocaleString() })
          : null,
        opened.downloadsLeft !== null ? t.linkDownloadsLeft(opened.downloadsLeft) : null,
      ]
        .filter(Boolean)
        .join(' · ')}
    </p>
  );

  return (
    <main className="link-page">
      <header>
        <h1>{t.linkTitle}</h1>
        <p className="muted">{t.linkNote}</p>
      </header>
      {error && (
        <p role="alert" className="error">
          {!opened && !needPassword ? `${t.linkUnavailable}: ` : ''}
          {error}
        </p>
      )}
      {!opened && needPassword && (
        <form onSubmit={submit} aria-label={t.linkPassword}>
          <h2>{t.linkPassword}</h2>
          <label>
            {t.linkPasswordLabel}
            <input
              type="password"
              autoComplete="off"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <button type="submit" disabled={busy || !password}>
            {busy ? t.working : t.linkOpen}
          </button>
        </form>
      )}
      {!opened && !needPassword && !error && <p className="muted">{t.working}</p>}
      {opened?.root.kind === 'file' && (
        <section aria-label={opened.root.name} className="link-file">
          <h2>
            <Icon kind="file" /> {opened.root.name}
          </h2>
          <p className="muted">{formatBytes(opened.root.size)}</p>
          {facts}
          <div className="row">
            <button type="button" disabled={busy} onClick={() => void download('/')}>
              {t.download}
            </button>
            {isText(opened.root) && (
              <button type="button" onClick={() => void showText('/', opened.root.name)}>
                {t.preview}
              </button>
            )}
          </div>
        </section>
      )}
      {opened?.root.kind === 'folder' && (
        <section aria-label={opened.root.name} className="shared-browse">
          <div className="crumbs-row">
            <Crumbs path={path} rootLabel={opened.root.name} label={t.breadcrumbs} onGo={setPath} />
          </div>
          {facts}
          {entries === null ? (
            <p className="muted">{t.working}</p>
          ) : entries.length === 0 ? (
            <p className="muted">{t.emptyShared}</p>
          ) : (
            <table aria-label={path === '/' ? opened.root.name : path}>
              <thead>
                <tr>
                  <th scope="col">{t.name}</th>
                  <th scope="col">{t.size}</th>
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
                    <td>{e.kind === 'file' ? formatBytes(e.size) : ''}</td>
                    <td>
                      {e.kind === 'file' && (
                        <>
                          {isText(e) && (
                            <button
                              type="button"
                              aria-label={`${t.preview} ${e.name}`}
                              onClick={() => void showText(joinPath(path, e.name), e.name)}
                            >
                              {t.preview}
                            </button>
                          )}
                          <button
                            type="button"
                            aria-label={`${t.download} ${e.name}`}
                            disabled={busy}
                            onClick={() => void download(joinPath(path, e.name))}
                          >
                            {t.download}
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {preview && (
        <section aria-label={`${t.preview}: ${preview.name}`} className="link-preview">
          <h3>{preview.name}</h3>
          <pre>{preview.text}</pre>
        </section>
      )}
    </main>
  );
}
