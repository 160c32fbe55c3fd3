import type { Entry } from '@coffer/sdk';
import { formatBytes } from '@coffer/sdk/format';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { type Result, worker } from '../api.ts';
import { useT } from '../i18n/use-t.ts';
import { streamUrl } from '../stream.ts';
import { saveFile } from '../ui.tsx';

const Markdown = lazy(() => import('react-markdown'));
const TEXT_LIMIT = 512 * 1024;

type Content =
  | { kind: 'image' | 'video' | 'audio' | 'pdf'; url: string }
  | { kind: 'text' | 'markdown'; text: string; truncated: boolean }
  | { kind: 'none' };

/** How a file is shown, from its (untrusted) mime type and name. */
export function previewKind(e: Entry): Content['kind'] {
  const mime = e.mime ?? '';
  if (/\.(md|markdown)$/i.test(e.name) || mime === 'text/markdown') return 'markdown';
  if (mime.startsWith('text/') || /\.(txt|csv|json|log|ya?ml|toml|ini)$/i.test(e.name))
    return 'text';
  if (mime === 'application/pdf' || /\.pdf$/i.test(e.name)) return 'pdf';
  const media = /^(image|video|audio)\//.exec(mime)?.[1];
  return media === 'image' || media === 'video' || media === 'audio' ? media : 'none';
}

interface Version {
  revision: number;
  size: number;
  createdAt: number;
  current: boolean;
}

/** A file opened in place, decrypted in the worker, with its versions. */
export function Preview({
  path,
  entry,
  onClose,
  onError,
  shareId,
}: {
  path: string;
  entry: Entry;
  onClose: () => void;
  onError: (m: string) => void;
  /** `path` is inside this folder shared with us. */
  shareId?: string;
}) {
  const t = useT();
  const [content, setContent] = useState<Content | null>(null);
  const [versions, setVersions] = useState<Version[] | null>(null);
  // Focus moves into the dialog when it opens, so keyboard users land on it.
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  useEffect(() => {
    let blobUrl: string | null = null;
    let live = true;
    void (async () => {
      const kind = previewKind(entry);
      if (kind === 'none') return setContent({ kind });
      if (kind === 'text' || kind === 'markdown') {
        const r = await worker.readText(path, TEXT_LIMIT, shareId);
        if (!r.ok) return onError(r.message);
        if (live) setContent({ kind, ...r.value });
        return;
      }
      // Streamed through the service worker: media seek by Range, decrypting only what plays.
      const spec = { kind: 'file' as const, path, disposition: 'inline' as const };
      let url = await streamUrl(shareId === undefined ? spec : { ...spec, shareId }, entry.name);
      if (!url) {
        const r = await worker.download(path, undefined, shareId);
        if (!r.ok) return onError(r.message);
        url = blobUrl = URL.createObjectURL(r.value.blob);
      }
      if (live) setContent({ kind, url });
    })();
    void worker
      .versions(path, shareId)
      .then((r: Result<Version[]>) => (r.ok ? setVersions(r.value) : onError(r.message)));
    return () => {
      live = false;
      if (blobUrl) URL.revokeObjectURL(blobUrl);
    };
  }, [path, entry, onError, shareId]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const saveVersion = (revision: number) => saveFile(path, entry.name, onError, revision, shareId);
  return (
    <div className="overlay">
      <div
        role="dialog"
        aria-modal="true"
        aria-label={`${t.preview}: ${entry.name}`}
        className="dialog"
      >
        <div className="dialog-head">
          <h2>{entry.name}</h2>
          <button type="button" onClick={onClose} ref={closeRef}>
            {t.close}
          </button>
        </div>
        <div className="preview">
          {content === null && <p className="muted">{t.working}</p>}
          {content?.kind === 'image' && <img src={content.url} alt={entry.name} />}
          {content?.kind === 'video' && (
            // biome-ignore lint/a11y/useMediaCaption: users' own videos carry no caption track
            <video src={content.url} controls aria-label={entry.name} />
          )}
          {content?.kind === 'audio' && (
            // biome-ignore lint/a11y/useMediaCaption: users' own audio carries no caption track
            <audio src={content.url} controls aria-label={entry.name} />
          )}
          {content?.kind === 'pdf' && (
            <iframe className="pdf" src={content.url} title={entry.name} />
          )}
          {content?.kind === 'text' && <pre>{content.text}</pre>}
          {content?.kind === 'markdown' && (
            <Suspense fallback={<pre>{content.text}</pre>}>
              <div className="markdown">
                <Markdown
                  skipHtml
                  components={{
                    // Nothing is fetched for a document: an image shows its alt text, and a
                    // link opens in a new tab without telling the site where it came from.
                    img: ({ alt }) => <span className="muted">[{alt || 'image'}]</span>,
                    a: ({ href, children }) => (
                      <a href={href} target="_blank" rel="noopener noreferrer">
                        {children}
                      </a>
                    ),
                  }}
                >
                  {content.text}
                </Markdown>
              </div>
            </Suspense>
          )}
          {(content?.kind === 'text' || content?.kind === 'markdown') && content.truncated && (
            <p className="muted">{t.truncated}</p>
          )}
          {content?.kind === 'none' && <p className="muted">{t.noPreview}</p>}
        </div>
        <h3>{t.versions}</h3>
        {versions === null ? (
          <p className="muted">{t.working}</p>
        ) : (
          <ul className="versions" aria-label={t.versions}>
            {versions.map((v) => (
              <li key={v.revision}>
                <span>
                  v{v.revision} · {formatBytes(v.size)} · {new Date(v.createdAt).toLocaleString()}
                  {v.current && <span className="muted"> ({t.current})</span>}
                </span>
                <button
                  type="button"
                  aria-label={`${t.download} v${v.revision}`}
                  onClick={() => void saveVersion(v.revision)}
                >
                  {t.download}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
