// Types only from the SDK itself: its code (and every key) lives in the worker.
import type { Entry, SavedSession } from '@coffer/sdk';
import { formatBytes } from '@coffer/sdk/format';
import * as Comlink from 'comlink';
import { StrictMode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { initialLanguage, LANGUAGES, type Language, type Strings } from './i18n.ts';
import type { WorkerApi } from './worker.ts';

const worker = Comlink.wrap<WorkerApi>(
  new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }),
);

type Result<T> = { ok: true; value: T } | { ok: false; code: string; message: string };
const SESSION_KEY = 'coffer.session';

/** Small inline icons: no emoji font is needed, and nothing is fetched. */
function Icon({ kind }: { kind: 'file' | 'folder' }) {
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

/** The files of a drop, folders walked recursively, each with its path inside the drop. */
async function droppedFiles(data: DataTransfer): Promise<{ file: File; rel: string }[]> {
  const out: { file: File; rel: string }[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) =>
        (entry as FileSystemFileEntry).file(res, rej),
      );
      out.push({ file, rel: `${prefix}${entry.name}` });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) =>
          reader.readEntries(res, rej),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  const entries = Array.from(data.items)
    .map((i) => i.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) {
    return Array.from(data.files).map((file) => ({ file, rel: file.name }));
  }
  for (const e of entries) await walk(e, '');
  return out;
}

/** Hands decrypted bytes to the browser's download manager under their own name. */
function saveBlob(blob: Blob, name: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

const joinPath = (dir: string, name: string) => `${dir === '/' ? '' : dir}/${name}`;

function Auth({
  t,
  onSession,
}: {
  t: Strings;
  onSession: (s: SavedSession, recoveryKey?: string) => void;
}) {
  const [mode, setMode] = useState<'login' | 'signup'>('signup');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    if (mode === 'signup') {
      const r = await worker.signup(email, password);
      if (r.ok) onSession(r.value.session, r.value.recoveryKey);
      else setError(r.message);
    } else {
      const r = await worker.login(email, password);
      if (r.ok) onSession(r.value);
      else setError(r.message);
    }
    setBusy(false);
  };
  return (
    <main className="auth">
      <h1>{t.appName}</h1>
      <p className="muted">{t.tagline}</p>
      <form onSubmit={submit} aria-label={mode === 'signup' ? t.signUp : t.logIn}>
        <label>
          {t.email}
          <input
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          {t.password}
          <input
            type="password"
            autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
            required
            minLength={mode === 'signup' ? 8 : 1}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t.working : mode === 'signup' ? t.signUp : t.logIn}
        </button>
      </form>
      <button
        type="button"
        className="link"
        onClick={() => setMode(mode === 'signup' ? 'login' : 'signup')}
      >
        {mode === 'signup' ? t.haveAccount : t.needAccount}
      </button>
    </main>
  );
}

function Recovery({
  t,
  recoveryKey,
  onDone,
}: {
  t: Strings;
  recoveryKey: string;
  onDone: () => void;
}) {
  const href = useMemo(
    () =>
      URL.createObjectURL(
        new Blob([`Coffer recovery key\n\n${recoveryKey}\n`], { type: 'text/plain' }),
      ),
    [recoveryKey],
  );
  return (
    <main className="auth">
      <h1>{t.recoveryTitle}</h1>
      <p>{t.recoveryText}</p>
      <output className="recovery-key" aria-label={t.recoveryTitle}>
        {recoveryKey}
      </output>
      <a className="button" href={href} download="coffer-recovery-key.txt">
        {t.downloadKey}
      </a>
      <button type="button" className="primary" onClick={onDone}>
        {t.continue}
      </button>
    </main>
  );
}

/** Loads a list from the worker on first render; `load` fetches it again after a change. */
function useWorkerList<T>(fetch: () => Promise<Result<T[]>>, onError: (m: string) => void) {
  const [items, setItems] = useState<T[] | null>(null);
  const load = useCallback(async () => {
    const r = await fetch();
    if (r.ok) setItems(r.value);
    else onError(r.message);
  }, [fetch, onError]);
  useEffect(() => void load(), [load]);
  return { items, load };
}

type TrashItem = Entry & { from: string | null };
const fetchTrash = (): Promise<Result<TrashItem[]>> => worker.trashList();

function TrashView({ t, onError }: { t: Strings; onError: (m: string) => void }) {
  const { items, load } = useWorkerList(fetchTrash, onError);
  if (items === null) return <p className="muted">{t.working}</p>;
  if (items.length === 0) return <p className="muted">{t.trashEmpty}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t.name}</th>
          <th scope="col">{t.from}</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
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

interface SessionRow {
  id: string;
  deviceName: string;
  lastSeenAt: number;
  current: boolean;
}

const fetchSessions = (): Promise<Result<SessionRow[]>> => worker.sessions();

function SessionsView({ t, onError }: { t: Strings; onError: (m: string) => void }) {
  const { items: rows, load } = useWorkerList(fetchSessions, onError);
  if (rows === null) return <p className="muted">{t.working}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t.sessions}</th>
          <th scope="col">{t.lastSeen}</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((x) => (
          <tr key={x.id}>
            <td>
              {x.deviceName}
              {x.current && <span className="muted"> ({t.thisDevice})</span>}
            </td>
            <td className="nowrap">{new Date(x.lastSeenAt).toLocaleString()}</td>
            <td>
              <div className="actions">
                {!x.current && (
                  <button
                    type="button"
                    aria-label={`${t.revoke} ${x.deviceName} ${x.id.slice(0, 6)}`}
                    onClick={async () => {
                      const r = await worker.revokeSession(x.id);
                      if (!r.ok) onError(r.message);
                      await load();
                    }}
                  >
                    {t.revoke}
                  </button>
                )}
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Sort = { key: 'name' | 'size' | 'modified'; dir: 1 | -1 };

function sortEntries(entries: Entry[], sort: Sort): Entry[] {
  const value = (e: Entry) =>
    sort.key === 'name' ? 0 : sort.key === 'size' ? e.size : (e.mtime ?? e.updatedAt);
  return [...entries].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
    const d =
      sort.key === 'name'
        ? a.name.localeCompare(b.name, undefined, { numeric: true })
        : value(a) - value(b);
    return d * sort.dir;
  });
}

interface Version {
  revision: number;
  size: number;
  createdAt: number;
  current: boolean;
}

/** A file opened in place: decrypted in the worker, shown from a blob: URL, with its versions. */
function Preview({
  t,
  path,
  entry,
  onClose,
  onError,
}: {
  t: Strings;
  path: string;
  entry: Entry;
  onClose: () => void;
  onError: (m: string) => void;
}) {
  const [content, setContent] = useState<
    | { kind: 'image' | 'video' | 'audio'; url: string }
    | { kind: 'text'; text: string }
    | { kind: 'none' }
    | null
  >(null);
  const [versions, setVersions] = useState<Version[] | null>(null);
  // Focus moves into the dialog when it opens, so keyboard users land on it.
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  useEffect(() => {
    let url: string | null = null;
    void (async () => {
      const mime = entry.mime ?? '';
      const textual = mime.startsWith('text/') || /\.(md|txt|csv|json|log)$/i.test(entry.name);
      const media = /^(image|video|audio)\//.exec(mime)?.[1] as
        | 'image'
        | 'video'
        | 'audio'
        | undefined;
      if (!textual && !media) return setContent({ kind: 'none' });
      const r = await worker.download(path);
      if (!r.ok) return onError(r.message);
      if (textual)
        return setContent({ kind: 'text', text: (await r.value.blob.text()).slice(0, 200_000) });
      url = URL.createObjectURL(r.value.blob);
      setContent({ kind: media ?? 'image', url });
    })();
    void worker
      .versions(path)
      .then((r: Result<Version[]>) => (r.ok ? setVersions(r.value) : onError(r.message)));
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [path, entry, onError]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const saveVersion = async (revision: number) => {
    const r = await worker.download(path, revision);
    if (r.ok) saveBlob(r.value.blob, r.value.name);
    else onError(r.message);
  };
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
          {content?.kind === 'text' && <pre>{content.text}</pre>}
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

interface HostRow {
  id: string;
  url: string;
  country: string;
  capacity: number;
  usedBytes: number;
  chunks: number;
  online: boolean;
}

/**
 * The operator's view of the network (at #operator): hosts, countries and stored bytes, read
 * from the admin API with the operator token. No keys are involved, so it runs on the page.
 */
function OperatorView({ t }: { t: Strings }) {
  const [token, setToken] = useState(() => sessionStorage.getItem('coffer.operator') ?? '');
  const [data, setData] = useState<{ stats: Record<string, number>; hosts: HostRow[] } | null>(
    null,
  );
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async (tok: string) => {
    setError(null);
    const get = async (p: string) => {
      const res = await fetch(p, { headers: { authorization: `Bearer ${tok}` } });
      const body = await res.json();
      if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
      return body;
    };
    try {
      const [stats, hosts] = await Promise.all([get('/api/admin/stats'), get('/api/admin/hosts')]);
      sessionStorage.setItem('coffer.operator', tok);
      setData({ stats, hosts: hosts.hosts });
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  // A token kept from earlier in this tab loads at once; later loads come from the form.
  const kept = useRef(token);
  useEffect(() => {
    if (kept.current) void load(kept.current);
  }, [load]);
  const countries = data ? [...new Set(data.hosts.map((h) => h.country))].sort() : [];
  return (
    <main className="operator">
      <h1>{t.network}</h1>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void load(token);
        }}
      >
        <input
          type="password"
          aria-label={t.operatorToken}
          placeholder={t.operatorToken}
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <button type="submit" className="primary">
          {t.show}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data && (
        <>
          <ul className="stats" aria-label={t.network}>
            <li>
              <strong>{data.stats.hostsOnline ?? 0}</strong> / {data.stats.hosts ?? 0}{' '}
              {t.hostsOnline}
            </li>
            <li>
              <strong>{countries.length}</strong> {t.countries}: {countries.join(', ')}
            </li>
            <li>
              <strong>{formatBytes(data.stats.storedBytes ?? 0)}</strong> {t.stored} /{' '}
              {formatBytes(data.stats.capacity ?? 0)}
            </li>
            <li>
              <strong>{data.stats.accounts ?? 0}</strong> {t.accounts} ·{' '}
              <strong>{data.stats.files ?? 0}</strong> {t.files.toLowerCase()}
            </li>
          </ul>
          <table aria-label={t.hosts}>
            <thead>
              <tr>
                <th scope="col">{t.hosts}</th>
                <th scope="col">{t.country}</th>
                <th scope="col">{t.state}</th>
                <th scope="col">{t.size}</th>
              </tr>
            </thead>
            <tbody>
              {data.hosts.map((h) => (
                <tr key={h.id}>
                  <td>
                    <code>{h.id.slice(0, 12)}</code> <span className="muted">{h.url}</span>
                  </td>
                  <td>{h.country}</td>
                  <td>{h.online ? t.online : t.offline}</td>
                  <td className="nowrap">
                    {formatBytes(h.usedBytes)} / {formatBytes(h.capacity)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}

interface Transfer {
  name: string;
  done: number;
  total: number;
  started: number;
}

function Files({
  t,
  onLogout,
  language,
}: {
  t: Strings;
  onLogout: () => void;
  language: React.ReactNode;
}) {
  const [path, setPath] = useState('/');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [transfers, setTransfers] = useState<Transfer[]>([]);
  const [folderName, setFolderName] = useState<string | null>(null);
  const [view, setView] = useState<'files' | 'trash' | 'sessions' | 'search'>('files');
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<(Entry & { path: string })[] | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const [sort, setSort] = useState<Sort>({ key: 'name', dir: 1 });
  const [layout, setLayout] = useState<'list' | 'grid'>(() =>
    localStorage.getItem('coffer.layout') === 'grid' ? 'grid' : 'list',
  );
  const [previewing, setPreviewing] = useState<Entry | null>(null);
  const sorted = useMemo(() => (entries ? sortEntries(entries, sort) : null), [entries, sort]);
  const sortBy = (key: Sort['key']) =>
    setSort((s) => ({ key, dir: s.key === key ? (s.dir === 1 ? -1 : 1) : 1 }));
  const ariaSort = (key: Sort['key']) =>
    sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : undefined;
  const toggleLayout = () => {
    const next = layout === 'list' ? 'grid' : 'list';
    localStorage.setItem('coffer.layout', next);
    setLayout(next);
  };
  const showError = useCallback((m: string) => setError(m), []);

  const search = async (ev: React.FormEvent) => {
    ev.preventDefault();
    if (!query.trim()) return;
    setView('search');
    setHits(null);
    const r: Result<(Entry & { path: string })[]> = await worker.search(query.trim());
    if (r.ok) setHits(r.value);
    else setError(r.message);
  };

  const rename = async (ev: React.FormEvent, e: Entry) => {
    ev.preventDefault();
    setError(null);
    if (!renaming?.name || renaming.name === e.name) return setRenaming(null);
    if (renaming.name.includes('/')) return setError(t.badName);
    const r = await worker.move(joinPath(path, e.name), joinPath(path, renaming.name));
    if (!r.ok) setError(r.message);
    setRenaming(null);
    await refresh();
  };

  const refresh = useCallback(async () => {
    const r: Result<Entry[]> = await worker.list(path);
    if (r.ok) setEntries(r.value);
    else setError(r.message);
  }, [path]);
  useEffect(() => {
    setEntries(null);
    void refresh();
  }, [refresh]);

  /** Uploads files, each at its path relative to this folder (folders are created as needed). */
  const upload = async (items: { file: File; rel: string }[]) => {
    setError(null);
    for (const { file, rel } of items) {
      const transfer: Transfer = { name: rel, done: 0, total: file.size, started: Date.now() };
      setTransfers((all) => [...all, transfer]);
      const r = await worker.upload(
        joinPath(path, rel),
        file,
        Comlink.proxy((done: number) =>
          setTransfers((all) => all.map((x) => (x.name === rel ? { ...x, done } : x))),
        ),
      );
      setTransfers((all) => all.filter((x) => x.name !== rel));
      if (!r.ok) setError(r.message);
    }
    await refresh();
  };
  const fromInput = (files: FileList | null) =>
    Array.from(files ?? []).map((file) => ({ file, rel: file.webkitRelativePath || file.name }));

  const download = async (e: Entry) => {
    const r = await worker.download(joinPath(path, e.name));
    if (r.ok) saveBlob(r.value.blob, r.value.name);
    else setError(r.message);
  };

  const trash = async (e: Entry) => {
    const r = await worker.trash(joinPath(path, e.name));
    if (!r.ok) setError(r.message);
    await refresh();
  };

  const mkdir = async (ev: React.FormEvent) => {
    ev.preventDefault();
    setError(null);
    if (!folderName) return;
    if (folderName.includes('/')) return setError(t.badName);
    const r = await worker.mkdir(joinPath(path, folderName));
    if (!r.ok) setError(r.message);
    setFolderName(null);
    await refresh();
  };

  const crumbs = path.split('/').filter(Boolean);
  return (
    <div className="app">
      <header>
        <strong>{t.appName}</strong>
        <div className="header-tools">
          {language}
          <button type="button" onClick={onLogout}>
            {t.logOut}
          </button>
        </div>
      </header>
      <nav className="views" aria-label="Views">
        {(['files', 'trash', 'sessions'] as const).map((v) => (
          <button
            key={v}
            type="button"
            aria-current={view === v ? 'page' : undefined}
            onClick={() => {
              setView(v);
              if (v === 'files') void refresh();
            }}
          >
            {t[v]}
          </button>
        ))}
        <search className="search">
          <form onSubmit={search}>
            <input
              type="search"
              aria-label={t.search}
              placeholder={t.search}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </form>
        </search>
      </nav>
      <main
        className={dragging ? 'dragging' : undefined}
        onDragOver={(e) => {
          if (view !== 'files') return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          if (view !== 'files') return;
          e.preventDefault();
          setDragging(false);
          void droppedFiles(e.dataTransfer).then(upload);
        }}
      >
        {error && (
          <p role="alert" className="error">
            {error}{' '}
            <button
              type="button"
              className="link"
              onClick={() => setError(null)}
              aria-label="Dismiss"
            >
              ×
            </button>
          </p>
        )}
        {view === 'trash' && <TrashView t={t} onError={showError} />}
        {view === 'sessions' && <SessionsView t={t} onError={showError} />}
        {view === 'search' &&
          (hits === null ? (
            <p className="muted">{t.working}</p>
          ) : hits.length === 0 ? (
            <p className="muted">{t.noResults}</p>
          ) : (
            <ul className="results" aria-label={t.results}>
              {hits.map((h) => (
                <li key={h.id}>
                  <Icon kind={h.kind} />
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      const dir =
                        h.kind === 'folder'
                          ? h.path
                          : h.path.slice(0, h.path.lastIndexOf('/')) || '/';
                      setPath(dir);
                      setView('files');
                    }}
                  >
                    {h.path}
                  </button>
                </li>
              ))}
            </ul>
          ))}
        {view === 'files' && (
          <>
            <nav aria-label="Breadcrumbs" className="crumbs">
              <button type="button" className="link" onClick={() => setPath('/')}>
                {t.files}
              </button>
              {crumbs.map((c, i) => (
                <span key={crumbs.slice(0, i + 1).join('/')}>
                  {' / '}
                  <button
                    type="button"
                    className="link"
                    onClick={() => setPath(`/${crumbs.slice(0, i + 1).join('/')}`)}
                  >
                    {c}
                  </button>
                </span>
              ))}
            </nav>
            <div className="toolbar">
              <label className="button primary">
                {t.upload}
                <input
                  type="file"
                  multiple
                  hidden
                  onChange={(e) => void upload(fromInput(e.target.files))}
                  aria-label={t.upload}
                />
              </label>
              <label className="button">
                {t.uploadFolder}

                <input
                  type="file"
                  hidden
                  ref={(el) => el?.setAttribute('webkitdirectory', '')}
                  onChange={(e) => void upload(fromInput(e.target.files))}
                  aria-label={t.uploadFolder}
                />
              </label>
              <button type="button" onClick={() => setFolderName('')}>
                {t.newFolder}
              </button>
              <button type="button" onClick={toggleLayout} aria-pressed={layout === 'grid'}>
                {t.grid}
              </button>
            </div>
            {folderName !== null && (
              <form onSubmit={mkdir} className="inline-form">
                <input
                  aria-label={t.folderName}
                  placeholder={t.folderName}
                  value={folderName}
                  onChange={(e) => setFolderName(e.target.value)}
                />
                <button type="submit">{t.create}</button>
              </form>
            )}
            {dragging && <p className="muted">{t.dropHere}</p>}
            {transfers.map((x) => {
              const secs = Math.max(0.001, (Date.now() - x.started) / 1000);
              const rate = x.done / secs;
              return (
                <div key={x.name} className="transfer">
                  <span>
                    {t.uploading} {x.name}
                  </span>
                  <progress
                    value={x.done}
                    max={x.total || 1}
                    aria-label={`${t.uploading} ${x.name}`}
                  />
                  <span className="muted">
                    {formatBytes(x.done)} / {formatBytes(x.total)} · {formatBytes(rate)}/s
                  </span>
                </div>
              );
            })}
            {entries === null ? (
              <p className="muted">{t.working}</p>
            ) : entries.length === 0 ? (
              <p className="muted">{t.empty}</p>
            ) : layout === 'grid' ? (
              <ul className="grid" aria-label={t.files}>
                {(sorted ?? []).map((e) => (
                  <li key={e.id}>
                    <button
                      type="button"
                      className="card"
                      onClick={() =>
                        e.kind === 'folder' ? setPath(joinPath(path, e.name)) : setPreviewing(e)
                      }
                    >
                      <Icon kind={e.kind} />
                      <span className="card-name">{e.name}</span>
                      <span className="muted">
                        {e.kind === 'folder' ? '' : formatBytes(e.size)}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            ) : (
              <table>
                <thead>
                  <tr>
                    {(['name', 'size', 'modified'] as const).map((key) => (
                      <th scope="col" key={key} aria-sort={ariaSort(key)}>
                        <button type="button" className="sort" onClick={() => sortBy(key)}>
                          {t[key]}
                          {sort.key === key ? (sort.dir === 1 ? ' ↑' : ' ↓') : ''}
                        </button>
                      </th>
                    ))}
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {(sorted ?? []).map((e) => (
                    <tr key={e.id}>
                      <td>
                        {renaming?.id === e.id ? (
                          <form onSubmit={(ev) => void rename(ev, e)} className="inline-form">
                            <input
                              aria-label={t.newName}
                              value={renaming.name}
                              onChange={(ev) => setRenaming({ id: e.id, name: ev.target.value })}
                              onKeyDown={(ev) => {
                                if (ev.key === 'Escape') setRenaming(null);
                              }}
                            />
                            <button type="submit">{t.save}</button>
                          </form>
                        ) : e.kind === 'folder' ? (
                          <button
                            type="button"
                            className="link"
                            onClick={() => setPath(joinPath(path, e.name))}
                          >
                            <Icon kind="folder" />
                            {e.name}
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="link"
                            onClick={() => setPreviewing(e)}
                            aria-label={`${t.preview} ${e.name}`}
                          >
                            <Icon kind="file" />
                            {e.name}
                          </button>
                        )}
                      </td>
                      <td className="nowrap">{e.kind === 'folder' ? '—' : formatBytes(e.size)}</td>
                      <td className="nowrap">
                        {new Date(e.mtime ?? e.updatedAt).toLocaleString()}
                      </td>
                      <td>
                        <div className="actions">
                          {e.kind === 'file' && (
                            <button
                              type="button"
                              onClick={() => void download(e)}
                              aria-label={`${t.download} ${e.name}`}
                            >
                              {t.download}
                            </button>
                          )}
                          <button
                            type="button"
                            onClick={() => setRenaming({ id: e.id, name: e.name })}
                            aria-label={`${t.rename} ${e.name}`}
                          >
                            {t.rename}
                          </button>
                          <button
                            type="button"
                            onClick={() => void trash(e)}
                            aria-label={`${t.moveToTrash} ${e.name}`}
                          >
                            {t.moveToTrash}
                          </button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
        {previewing && (
          <Preview
            t={t}
            path={joinPath(path, previewing.name)}
            entry={previewing}
            onClose={() => setPreviewing(null)}
            onError={showError}
          />
        )}
      </main>
    </div>
  );
}

function App() {
  const [lang, setLang] = useState<Language>(initialLanguage);
  const t = LANGUAGES[lang];
  const [screen, setScreen] = useState<'loading' | 'auth' | 'recovery' | 'files'>('loading');
  const [recoveryKey, setRecoveryKey] = useState('');
  const [operator, setOperator] = useState(() => location.hash === '#operator');
  useEffect(() => {
    const onHash = () => setOperator(location.hash === '#operator');
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem('coffer.lang', lang);
  }, [lang]);

  useEffect(() => {
    // The session survives a reload of this tab (sessionStorage), not the closing of it.
    const saved = sessionStorage.getItem(SESSION_KEY);
    if (!saved) return setScreen('auth');
    void worker.resume(JSON.parse(saved) as SavedSession).then((r) => {
      if (!r.ok) sessionStorage.removeItem(SESSION_KEY);
      setScreen(r.ok ? 'files' : 'auth');
    });
  }, []);

  const onSession = (s: SavedSession, key?: string) => {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    if (key) {
      setRecoveryKey(key);
      setScreen('recovery');
    } else setScreen('files');
  };
  const logout = async () => {
    await worker.logout();
    sessionStorage.removeItem(SESSION_KEY);
    setScreen('auth');
  };

  const language = (
    <select
      aria-label={t.language}
      value={lang}
      onChange={(e) => setLang(e.target.value as Language)}
    >
      <option value="en">English</option>
      <option value="fr">Français</option>
      <option value="es">Español</option>
      <option value="pt-BR">Português (Brasil)</option>
    </select>
  );
  return (
    <>
      {(operator || screen !== 'files') && <div className="lang">{language}</div>}
      {operator && <OperatorView t={t} />}
      {!operator && screen === 'loading' && <p className="muted">{t.working}</p>}
      {!operator && screen === 'auth' && <Auth t={t} onSession={onSession} />}
      {!operator && screen === 'recovery' && (
        <Recovery t={t} recoveryKey={recoveryKey} onDone={() => setScreen('files')} />
      )}
      {!operator && screen === 'files' && (
        <Files t={t} language={language} onLogout={() => void logout()} />
      )}
    </>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
