// A file's versions, newest first: each with its date and size, to download, or to restore as
// the newest (the current one is kept as a version: [Note: Restoring a version] in the SDK).
import type { Version } from '@coffer/sdk';
import { useCallback, useEffect, useState } from 'react';
import { worker } from '../api.ts';
import { formatDateTime } from '../figures.ts';
import { Dialog } from '../groups/dialog.tsx';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { saveFile } from '../ui.tsx';
import { useFigures } from '../use-figures.ts';
import { versionStrings } from './strings.ts';

export function VersionsPanel({
  path,
  name,
  onClose,
  onError,
  onRestored,
}: {
  /** The file's path in the tree. */
  path: string;
  name: string;
  onClose: () => void;
  onError: (m: string) => void;
  /** After a restore: the file changed, its listing may show it. */
  onRestored?: () => void;
}) {
  const t = useT(versionStrings);
  const fig = useFigures();
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  const load = useCallback(async () => {
    const r = await worker.versions(path);
    if (r.ok) setVersions(r.value);
    else onError(r.message);
  }, [path, onError]);
  useEffect(() => void load(), [load]);

  const restore = async (v: Version) => {
    setBusy(true);
    setSaid(null);
    const r = await worker.restoreVersion(path, v.revision);
    if (r.ok) {
      await load();
      const newest = Math.max(...(versions ?? []).map((x) => x.revision)) + 1;
      setSaid(fill(t.versionRestored, { n: v.revision, m: newest }));
      onRestored?.();
    } else onError(r.message);
    setBusy(false);
  };

  return (
    <Dialog title={fill(t.versionsOf, { name })} onClose={onClose}>
      <p className="muted">{t.versionsHint}</p>
      {said && (
        <p role="status" className="notice">
          {said}
        </p>
      )}
      {versions === null ? (
        <p className="muted">{t.working}</p>
      ) : (
        <ul className="versions" aria-label={t.versionCount(versions.length)}>
          {versions.map((v) => (
            <li key={v.revision}>
              <span className="version-what">
                <strong>{fill(t.versionN, { n: v.revision })}</strong>
                {v.current && <span className="badge">{t.currentVersion}</span>}
                <span className="muted">
                  {formatDateTime(v.createdAt, t.locale)} · {fig.size(v.size)}
                </span>
              </span>
              <span className="actions">
                <button
                  type="button"
                  aria-label={fill(t.downloadVersionN, { n: v.revision })}
                  onClick={() => void saveFile(path, name, onError, v.revision)}
                >
                  {t.download}
                </button>
                {!v.current && (
                  <button
                    type="button"
                    disabled={busy}
                    aria-label={fill(t.restoreVersionN, { n: v.revision })}
                    onClick={() => void restore(v)}
                  >
                    {t.restoreVersion}
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      <div className="dialog-foot">
        <button type="button" onClick={onClose}>
          {t.close}
        </button>
      </div>
    </Dialog>
  );
}
