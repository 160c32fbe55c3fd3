import type { Entry } from '@coffer/sdk';
import { formatBytes } from '@coffer/sdk/format';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { SessionsView, TrashView } from './account.tsx';
import { type Result, worker } from './api.ts';
import type { Strings } from './i18n.ts';
import { Preview } from './preview.tsx';
import { onStreamError } from './stream.ts';
import { Icon, joinPath, saveFile, saveFolder } from './ui.tsx';
import { UploadsPanel, uploads } from './uploads.tsx';

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

export function Files({
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
  useEffect(() => onStreamError(showError), [showError]);

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
  const upload = (items: { file: File; rel: string }[]) => {
    setError(null);
    uploads.add(items.map(({ file, rel }) => ({ file, path: joinPath(path, rel) })));
  };
  useEffect(() => void uploads.restore(), []);
  useEffect(
    () =>
      uploads.onFinished((done) => {
        // A file landed in this folder, or in a folder inside it that may be new.
        if (done.startsWith(path === '/' ? '/' : `${path}/`)) void refresh();
      }),
    [path, refresh],
  );
  const fromInput = (files: FileList | null) =>
    Array.from(files ?? []).map((file) => ({ file, rel: file.webkitRelativePath || file.name }));

  const download = async (e: Entry) => {
    setError(null);
    const at = joinPath(path, e.name);
    if (e.kind === 'file') return saveFile(at, e.name, showError);
    if (!(await saveFolder(at, e.name))) setError(t.noZip);
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
            <UploadsPanel t={t} />
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
                          <button
                            type="button"
                            onClick={() => void download(e)}
                            aria-label={`${t.download} ${e.name}`}
                          >
                            {t.download}
                          </button>
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
