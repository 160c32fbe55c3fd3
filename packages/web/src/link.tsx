import type { Entry } from '@coffer/sdk';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { worker } from './api.ts';
import { fill } from './i18n/format.ts';
import { useT } from './i18n/use-t.ts';
import { linkStrings } from './links/strings.ts';
import { Crumbs, EntryName, Icon, joinPath, saveBlob } from './ui.tsx';
import { useFigures } from './use-figures.ts';

// The page a public link opens, for a visitor with no account: the key is in the URL's
// fragment, which never leaves the browser; the worker opens the link and decrypts. Previews
// (text, images, video) use up no download, within the hub's bounds ([Note: Link previews]).

type Opened = Awaited<ReturnType<typeof worker.linkOpen>> & { ok: true };
type Shown = { name: string } & ({ text: string } | { url: string; video: boolean });
const TEXT_PREVIEW = 64 * 1024;
/** The hub previews files up to this size (PREVIEW_MAX_BYTES in its links service). */
const MEDIA_PREVIEW = 32 * 1024 * 1024;
const isText = (e: Entry) =>
  (e.mime ?? '').startsWith('text/') || /\.(txt|md|csv|json|log)$/i.test(e.name);
const isImage = (e: Entry) =>
  (e.mime ?? '').startsWith('image/') || /\.(png|jpe?g|gif|webp|avif|svg)$/i.test(e.name);
const isVideo = (e: Entry) =>
  (e.mime ?? '').startsWith('video/') || /\.(mp4|webm|mov|m4v)$/i.test(e.name);
const isMedia = (e: Entry) => (isImage(e) || isVideo(e)) && e.size <= MEDIA_PREVIEW;
const canPreview = (e: Entry) => isText(e) || isMedia(e);

export function LinkPage() {
  const t = useT(linkStrings);
  const fig = useFigures();
  const [opened, setOpened] = useState<Opened['value'] | null>(null);
  const [needPassword, setNeedPassword] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [path, setPath] = useState('/');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [preview, setPreview] = useState<Shown | null>(null);
  const [busy, setBusy] = useState(false);
  /** Downloads left as the hub last said; null without a limit. */
  const [left, setLeft] = useState<number | null>(null);
  // The hub's words for why a link stops working, in the page's language (the error is kept
  // in the worker's words and put in the page's when shown).
  const explain = (message: string) =>
    /download limit is reached/.test(message)
      ? t.limitReached
      : /revoked by its owner/.test(message)
        ? t.linkRevoked
        : /free previews are used up/.test(message)
          ? t.previewsUsedUp
          : message.replace(/^link: /, '');

  const open = useCallback(async (pass?: string) => {
    setError(null);
    setBusy(true);
    const r = await worker.linkOpen(location.href, pass);
    setBusy(false);
    if (r.ok) {
      setOpened(r.value);
      setLeft(r.value.downloadsLeft);
      setNeedPassword(false);
    } else if (r.code === 'validation' && r.message.startsWith('password:')) {
      setNeedPassword(true);
      if (pass !== undefined) setError(r.message.replace(/^password: /, ''));
    } else setError(r.message);
  }, []);
  useEffect(() => void open(), [open]);

  // Other visitors use downloads too: the count is asked again when the page is looked at anew.
  const limited = opened !== null && left !== null;
  useEffect(() => {
    if (!limited) return;
    const again = () => {
      if (document.visibilityState !== 'visible') return;
      void worker.linkRefresh().then((r) => {
        if (r.ok) setLeft(r.value);
        else setError(r.message);
      });
    };
    document.addEventListener('visibilitychange', again);
    window.addEventListener('focus', again);
    return () => {
      document.removeEventListener('visibilitychange', again);
      window.removeEventListener('focus', again);
    };
  }, [limited]);
  // A shown image or video is an object URL: let it go when another replaces it.
  useEffect(() => {
    if (preview && 'url' in preview) {
      const { url } = preview;
      return () => URL.revokeObjectURL(url);
    }
  }, [preview]);

  useEffect(() => {
    if (opened?.root.kind !== 'folder') return;
    setEntries(null);
    void worker.linkList(path).then((r) => {
      if (r.ok) setEntries(r.value);
      else setError(r.message);
    });
  }, [opened, path]);

  const download = async (filePath: string) => {
    setBusy(true);
    setError(null);
    const r = await worker.linkDownload(filePath);
    setBusy(false);
    if (r.ok) {
      setLeft(r.value.downloadsLeft);
      saveBlob(r.value.blob, r.value.name);
    } else setError(r.message);
  };
  const show = async (filePath: string, e: Entry) => {
    setError(null);
    if (isMedia(e)) {
      const r = await worker.linkPreview(filePath);
      if (!r.ok) return setError(r.message);
      setLeft(r.value.downloadsLeft);
      setPreview({ name: e.name, url: URL.createObjectURL(r.value.blob), video: isVideo(e) });
      return;
    }
    const r = await worker.linkReadText(filePath, TEXT_PREVIEW);
    if (r.ok) setPreview({ name: e.name, text: r.value.text + (r.value.truncated ? '\n…' : '') });
    else setError(r.message);
  };
  const usedUp = left !== null && left <= 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void open(password);
  };

  const facts = opened && (
    <p className="muted" aria-live="polite">
      {[
        opened.expiresAt ? fill(t.linkExpires, { date: fig.dateTime(opened.expiresAt) }) : null,
        left !== null ? t.linkDownloadsLeft(left) : null,
        t.previewFree,
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
          {explain(error)}
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
          <p className="muted">{fig.size(opened.root.size)}</p>
          {facts}
          <div className="row">
            <button type="button" disabled={busy || usedUp} onClick={() => void download('/')}>
              {t.download}
            </button>
            {canPreview(opened.root) && (
              <button type="button" onClick={() => void show('/', opened.root)}>
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
                    <td>{e.kind === 'file' ? fig.size(e.size) : ''}</td>
                    <td>
                      {e.kind === 'file' && (
                        <>
                          {canPreview(e) && (
                            <button
                              type="button"
                              aria-label={`${t.preview} ${e.name}`}
                              onClick={() => void show(joinPath(path, e.name), e)}
                            >
                              {t.preview}
                            </button>
                          )}
                          <button
                            type="button"
                            aria-label={`${t.download} ${e.name}`}
                            disabled={busy || usedUp}
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
          {'text' in preview ? (
            <pre>{preview.text}</pre>
          ) : preview.video ? (
            // biome-ignore lint/a11y/useMediaCaption: a visitor's own video has no captions to give
            <video src={preview.url} controls className="link-media" />
          ) : (
            <img src={preview.url} alt={preview.name} className="link-media" />
          )}
        </section>
      )}
    </main>
  );
}
