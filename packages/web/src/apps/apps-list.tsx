import { useCallback, useContext, useEffect, useState } from 'react';
import { worker } from '../api.ts';
import { Confirm } from '../groups/dialog.tsx';
import { fill } from '../i18n/format.ts';
import { LanguageContext, useT } from '../i18n/use-t.ts';
import { appsKeptWorking } from './kept-working.ts';
import { appStrings } from './strings.ts';

// The apps this account allowed (under Sessions): each with its folder, rights, expiry and last
// use, and Revoke. Revoking one that could write also rotates its folder's keys (in the SDK);
// the page then names the other apps there that were given the new keys.

type Listed = (Awaited<ReturnType<typeof worker.apps>> & { ok: true })['value'][number];

export function AppsList({ onError }: { onError: (m: string) => void }) {
  const t = useT(appStrings);
  const language = useContext(LanguageContext);
  const [list, setList] = useState<Listed[] | null>(null);
  const [revoking, setRevoking] = useState<Listed | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await worker.apps();
    if (r.ok) setList(r.value.filter((a) => a.active));
    else onError(r.message);
  }, [onError]);
  useEffect(() => void load(), [load]);

  const date = (ms: number) =>
    new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(ms);
  const folder = (a: Listed) => a.path ?? t.goneFolder;
  const revoke = async (a: Listed) => {
    setRevoking(null);
    setDone(null);
    const r = await worker.appRevoke(a.id);
    if (!r.ok) onError(r.message);
    else if (!r.value.rotated) setDone(fill(t.appRevoked, { name: a.name }));
    else {
      const revoked = fill(t.appRevokedRotated, { name: a.name, folder: folder(a) });
      const kept = appsKeptWorking(t, language, r.value.resealed);
      setDone(kept ? `${revoked} ${kept}` : revoked);
    }
    await load();
  };

  return (
    <section aria-labelledby="apps-heading" className="apps-list">
      <div className="apps-head">
        <h3 id="apps-heading">{t.appsHeading}</h3>
        {/* Where an app's code is entered when its own link was not followed. */}
        <a href="#/approve">{t.connectApp}</a>
      </div>
      {done && <p role="status">{done}</p>}
      {list === null ? (
        <p className="muted">{t.working}</p>
      ) : list.length === 0 ? (
        <p className="muted">{t.noApps}</p>
      ) : (
        <>
          <p className="muted">{t.appsIntro}</p>
          <table className="sessions-table">
            <thead>
              <tr>
                <th scope="col">{t.appColumn}</th>
                <th scope="col">{t.appFolder}</th>
                <th scope="col">{t.appAccess}</th>
                <th scope="col">{t.appLastUsed}</th>
                <th scope="col">{t.appExpires}</th>
                <th scope="col">
                  <span className="visually-hidden">{t.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id}>
                  <td>{a.name}</td>
                  <td className="app-folder">{folder(a)}</td>
                  <td className="nowrap">
                    {a.access === 'read' ? t.access_read : t.access_readwrite}
                  </td>
                  <td className="nowrap">
                    {a.lastUsedAt === null ? t.neverUsed : date(a.lastUsedAt)}
                  </td>
                  <td className="nowrap">{date(a.expiresAt)}</td>
                  <td>
                    <div className="actions">
                      <button
                        type="button"
                        className="danger"
                        aria-label={`${t.revoke} ${a.name}`}
                        onClick={() => setRevoking(a)}
                      >
                        {t.revoke}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {revoking && (
        <Confirm
          title={t.revokeAppTitle}
          text={fill(revoking.access === 'read' ? t.revokeAppText : t.revokeAppWriterText, {
            name: revoking.name,
            folder: folder(revoking),
          })}
          action={t.revoke}
          onConfirm={() => void revoke(revoking)}
          onCancel={() => setRevoking(null)}
        />
      )}
    </section>
  );
}
