import { useCallback, useEffect, useMemo, useState } from 'react';
import { type Result, worker } from './api.ts';
import { startDownload, streamUrl } from './stream.ts';

/** An entry's name in a listing: a folder is a button that opens it, a file just its name. */
export function EntryName({
  entry,
  onOpen,
}: {
  entry: { kind: 'file' | 'folder'; name: string };
  onOpen: () => void;
}) {
  return entry.kind === 'folder' ? (
    <button type="button" className="link" onClick={onOpen}>
      <Icon kind="folder" /> {entry.name}
    </button>
  ) : (
    <span>
      <Icon kind="file" /> {entry.name}
    </span>
  );
}

/** Small inline icons: no emoji font is needed, and nothing is fetched. */
export function Icon({ kind }: { kind: 'file' | 'folder' }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      {kind === 'folder' ? (
        <path d="M3 6.5A1.5 1.5 0 0 1 4.5 5h4.2l2 2h8.8A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z" />
      ) : (
        <path d="M6 3h8l4 4v13a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm7 1.5V8h3.5" />
      )}
    </svg>
  );
}

/**
 * A data: URL for a thumbnail from decrypted (untrusted) metadata: only WebP is shown, so no
 * other format (SVG above all) can reach an <img> this way.
 */
export function thumbnailUrl(data: string): string | null {
  const b64 = data.replace(/-/g, '+').replace(/_/g, '/');
  try {
    const head = atob(b64.slice(0, 16));
    if (!head.startsWith('RIFF') || head.slice(8, 12) !== 'WEBP') return null;
  } catch {
    return null;
  }
  return `data:image/webp;base64,${b64}${'='.repeat((4 - (b64.length % 4)) % 4)}`;
}

/** An image's thumbnail, or the icon of its kind. */
export function Thumb({
  data,
  kind,
  large = false,
}: {
  data: string | null;
  kind: 'file' | 'folder';
  large?: boolean;
}) {
  const url = useMemo(() => (data ? thumbnailUrl(data) : null), [data]);
  if (!url) return <Icon kind={kind} />;
  return <img className={large ? 'thumb large' : 'thumb'} src={url} alt="" />;
}

/** Hands decrypted bytes to the browser's download manager under their own name. */
export function saveBlob(blob: Blob, name: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

/**
 * Saves a file through the browser's download manager. With the service worker, decryption
 * streams to disk and memory stays flat whatever the size; without it, the file is assembled in
 * memory first.
 */
export async function saveFile(
  path: string,
  name: string,
  onError: (m: string) => void,
  revision?: number,
  /** `path` is inside this folder shared with us. */
  shareId?: string,
) {
  const spec = {
    kind: 'file' as const,
    path,
    disposition: 'attachment' as const,
    ...(shareId === undefined ? {} : { shareId }),
  };
  const url = await streamUrl(revision === undefined ? spec : { ...spec, revision }, name);
  if (url) return startDownload(url);
  const r = await worker.download(path, revision, shareId);
  if (r.ok) saveBlob(r.value.blob, r.value.name);
  else onError(r.message);
}

/** Saves files and folders (everything in them) as one zip, streamed to disk. */
export async function saveZip(paths: string[], name: string, shareId?: string): Promise<boolean> {
  const spec = { kind: 'zip' as const, paths, name, disposition: 'attachment' as const };
  const url = await streamUrl(shareId === undefined ? spec : { ...spec, shareId }, name);
  if (url) startDownload(url);
  return url !== null;
}

export const joinPath = (dir: string, name: string) => `${dir === '/' ? '' : dir}/${name}`;

/** Loads a list from the worker on first render; `load` fetches it again after a change. */
export function useWorkerList<T>(fetch: () => Promise<Result<T[]>>, onError: (m: string) => void) {
  const [items, setItems] = useState<T[] | null>(null);
  const load = useCallback(async () => {
    const r = await fetch();
    if (r.ok) setItems(r.value);
    else onError(r.message);
  }, [fetch, onError]);
  useEffect(() => void load(), [load]);
  return { items, load };
}

/** Runs `load` now, then every `ms` while the page is visible (a hidden tab asks nothing). */
export function useEvery(load: () => Promise<void>, ms: number) {
  useEffect(() => {
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, ms);
    return () => clearInterval(timer);
  }, [load, ms]);
}

/** Breadcrumbs of `path`: the root, then one button per folder; `extra` adds props per crumb. */
export function Crumbs({
  path,
  rootLabel,
  label,
  onGo,
  extra,
}: {
  path: string;
  rootLabel: string;
  label: string;
  onGo: (path: string) => void;
  extra?: (path: string) => React.ButtonHTMLAttributes<HTMLButtonElement>;
}) {
  const crumbs = path.split('/').filter(Boolean);
  const at = (i: number) => `/${crumbs.slice(0, i + 1).join('/')}`;
  return (
    <nav aria-label={label} className="crumbs">
      <button type="button" className="link" onClick={() => onGo('/')} {...extra?.('/')}>
        {rootLabel}
      </button>
      {crumbs.map((c, i) => (
        <span key={at(i)}>
          {' / '}
          <button type="button" className="link" onClick={() => onGo(at(i))} {...extra?.(at(i))}>
            {c}
          </button>
        </span>
      ))}
    </nav>
  );
}
