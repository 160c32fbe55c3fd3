import type { Entry } from '@coffer/sdk';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { type Result, worker } from '../api.ts';
import { useFocusTrap } from '../focus-trap.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { streamUrl } from '../stream.ts';
import { saveFile } from '../ui.tsx';
import { useFigures } from '../use-figures.ts';
import { fileStrings } from './strings.ts';

const Markdown = lazy(() => import('./markdown.tsx'));
/** The zoom steps of an image: fitted to the dialog, then larger. */
const ZOOMS = [1, 1.5, 2, 3, 4];
/** How far a finger moves sideways for a swipe to the next or previous file. */
const SWIPE_PX = 60;
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

/**
 * A file opened in place, decrypted in the worker, with its versions. The folder's other files
 * are a step away: Previous and Next, the arrow keys, or a swipe.
 */
export function Preview({
  path,
  entry,
  files,
  onStep,
  onClose,
  onError,
  shareId,
}: {
  path: string;
  entry: Entry;
  /** The folder's files in the order shown, for Previous and Next. */
  files: Entry[];
  onStep: (to: Entry) => void;
  onClose: () => void;
  onError: (m: string) => void;
  /** `path` is inside this folder shared with us. */
  shareId?: string;
}) {
  const t = useT(fileStrings);
  const fig = useFigures();
  const [content, setContent] = useState<Content | null>(null);
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [zoom, setZoom] = useState(0);
  const dialog = useRef<HTMLDivElement>(null);
  const onTrapKey = useFocusTrap(dialog, onClose);
  const at = files.findIndex((f) => f.id === entry.id);
  const previous = at > 0 ? files[at - 1] : undefined;
  const next = at >= 0 ? files[at + 1] : undefined;
  const swipe = useRef<number | null>(null);
  useEffect(() => {
    let blobUrl: string | null = null;
    let live = true;
    setContent(null);
    setZoom(0);
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
  const saveVersion = (revision: number) => saveFile(path, entry.name, onError, revision, shareId);
  const onKeyDown = (ev: React.KeyboardEvent) => {
    const inControl = (ev.target as HTMLElement).closest('video, audio, input, iframe');
    const step = { ArrowLeft: previous, ArrowRight: next }[ev.key];
    if (step && !inControl) {
      ev.preventDefault();
      return onStep(step);
    }
    if (content?.kind === 'image' && !inControl && (ev.key === '+' || ev.key === '-')) {
      return setZoom((z) => Math.max(0, Math.min(ZOOMS.length - 1, z + (ev.key === '+' ? 1 : -1))));
    }
    onTrapKey(ev);
  };
  return (
    <div className="overlay">
      <div
        ref={dialog}
        role="dialog"
        aria-modal="true"
        aria-label={`${t.preview}: ${entry.name}`}
        className="dialog preview-dialog"
        onKeyDown={onKeyDown}
      >
        <div className="dialog-head">
          <h2>{entry.name}</h2>
          <div className="preview-tools">
            {files.length > 1 && at >= 0 && (
              <span className="muted nowrap">
                {fill(t.positionOf, { n: at + 1, of: files.length })}
              </span>
            )}
            <button
              type="button"
              aria-label={t.previousFile}
              // Kept focusable at the end of the folder, so the focus stays in the dialog.
              aria-disabled={!previous}
              onClick={() => previous && onStep(previous)}
            >
              ‹
            </button>
            <button
              type="button"
              aria-label={t.nextFile}
              // Kept focusable at the end of the folder, so the focus stays in the dialog.
              aria-disabled={!next}
              onClick={() => next && onStep(next)}
            >
              ›
            </button>
            {content?.kind === 'image' && (
              <>
                <button
                  type="button"
                  aria-label={t.zoomOut}
                  disabled={zoom === 0}
                  onClick={() => setZoom((z) => Math.max(0, z - 1))}
                >
                  −
                </button>
                <button
                  type="button"
                  aria-label={t.zoomIn}
                  disabled={zoom === ZOOMS.length - 1}
                  onClick={() => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1))}
                >
                  +
                </button>
              </>
            )}
            <button type="button" onClick={() => void saveFile(path, entry.name, onError)}>
              {t.download}
            </button>
            <button type="button" onClick={onClose} data-autofocus>
              {t.close}
            </button>
          </div>
        </div>
        <div
          className={zoom > 0 ? 'preview zoomed' : 'preview'}
          onPointerDown={(ev) => {
            swipe.current = ev.pointerType === 'touch' && zoom === 0 ? ev.clientX : null;
          }}
          onPointerUp={(ev) => {
            if (swipe.current === null) return;
            const dx = ev.clientX - swipe.current;
            swipe.current = null;
            const to = dx > SWIPE_PX ? previous : dx < -SWIPE_PX ? next : undefined;
            if (to) onStep(to);
          }}
        >
          {content === null && <p className="muted">{t.working}</p>}
          {content?.kind === 'image' && (
            <img
              src={content.url}
              alt={entry.name}
              style={zoom > 0 ? { width: `${(ZOOMS[zoom] ?? 1) * 100}%` } : undefined}
              onDoubleClick={() => setZoom((z) => (z === 0 ? 2 : 0))}
            />
          )}
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
                <Markdown text={content.text} />
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
                  v{v.revision} · {fig.size(v.size)} · {fig.dateTime(v.createdAt)}
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
