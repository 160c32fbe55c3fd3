import type { Entry } from '@coffer/sdk';
import { useEffect, useRef, useState } from 'react';
import { type Result, worker } from '../api.ts';
import { useT } from '../i18n/use-t.ts';
import { Crumbs, Icon, joinPath } from '../ui.tsx';

/** Picks a destination folder for `names` (items of `from`), browsing the tree from the root. */
export function MoveDialog({
  from,
  names,
  onClose,
  onMove,
}: {
  from: string;
  names: string[];
  onClose: () => void;
  onMove: (dir: string) => void;
}) {
  const t = useT();
  const [dir, setDir] = useState('/');
  const [folders, setFolders] = useState<Entry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  useEffect(() => {
    setFolders(null);
    void worker.list(dir).then((r: Result<Entry[]>) => {
      if (r.ok) setFolders(r.value.filter((e) => e.kind === 'folder'));
      else setError(r.message);
    });
  }, [dir]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  // A folder cannot go inside itself.
  const moved = new Set(names.map((n) => joinPath(from, n)));
  return (
    <div className="overlay">
      <div role="dialog" aria-modal="true" aria-label={t.moveTo} className="dialog">
        <div className="dialog-head">
          <h2>{t.moveItems(names.length)}</h2>
          <button type="button" onClick={onClose} ref={first}>
            {t.cancel}
          </button>
        </div>
        <Crumbs path={dir} rootLabel={t.files} label={t.destination} onGo={setDir} />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {folders === null ? (
          <p className="muted">{t.working}</p>
        ) : (
          <ul className="folder-picker" aria-label={t.destination}>
            {folders.map((f) => {
              const at = joinPath(dir, f.name);
              return (
                <li key={f.id}>
                  <button
                    type="button"
                    className="link"
                    disabled={moved.has(at)}
                    onClick={() => setDir(at)}
                  >
                    <Icon kind="folder" />
                    {f.name}
                  </button>
                </li>
              );
            })}
            {folders.length === 0 && <li className="muted">{t.noSubfolders}</li>}
          </ul>
        )}
        <div className="dialog-foot">
          <button
            type="button"
            className="primary"
            disabled={dir === from || moved.has(dir)}
            onClick={() => onMove(dir)}
          >
            {t.moveHere}
          </button>
        </div>
      </div>
    </div>
  );
}
