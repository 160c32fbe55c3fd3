import { useCallback, useContext, useEffect, useState } from 'react';
import { worker } from '../api.ts';
import { Confirm } from '../groups/dialog.tsx';
import { fill } from '../i18n/format.ts';
import { LanguageContext, useT } from '../i18n/use-t.ts';
import { CopyButton } from './copy-button.tsx';
import { linkStrings } from './strings.ts';

type Listed = (Awaited<ReturnType<typeof worker.links>> & { ok: true })['value'][number];

/**
 * The Links page: every public link of ours, what it opens, when it was made and expires, its
 * downloads used and left, whether it has a password; copy (where this tab still has its URL,
 * [Note: Public links]) and revoke.
 */
export function LinksView({ onError }: { onError: (m: string) => void }) {
  const t = useT(linkStrings);
  const language = useContext(LanguageContext);
  const [list, setList] = useState<Listed[] | null>(null);
  const [revoking, setRevoking] = useState<Listed | null>(null);

  const load = useCallback(async () => {
    const r = await worker.links();
    if (r.ok) setList(r.value);
    else onError(r.message);
  }, [onError]);
  useEffect(() => void load(), [load]);

  const revoke = async (l: Listed) => {
    setRevoking(null);
    const r = await worker.linkRevoke(l.id);
    if (!r.ok) onError(r.message);
    await load();
  };
  const date = (ms: number) =>
    new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(ms);
  const what = (l: Listed) => l.path ?? t.goneItem;
  const state = (l: Listed) =>
    l.revokedAt !== null
      ? t.state_revoked
      : l.expiresAt !== null && l.expiresAt <= Date.now()
        ? t.state_expired
        : l.maxDownloads !== null && l.downloads >= l.maxDownloads
          ? t.state_usedUp
          : t.state_active;
  const downloads = (l: Listed) =>
    `${t.downloadsUsed(l.downloads)} · ${
      l.maxDownloads === null
        ? t.noLimit
        : t.downloadsLeftShort(Math.max(0, l.maxDownloads - l.downloads))
    }`;

  return (
    <section aria-labelledby="links-heading" className="links-view">
      <h2 id="links-heading">{t.linksPage}</h2>
      <p className="muted">{t.linksIntro}</p>
      {list === null ? (
        <p className="muted">{t.working}</p>
      ) : list.length === 0 ? (
        <p className="muted">{t.noLinks}</p>
      ) : (
        <ul className="share-list">
          {list.map((l) => (
            <li key={l.id} className="share-card link-card" aria-label={what(l)}>
              <span className="share-name">{what(l)}</span>
              <span className={l.revokedAt === null ? 'badge' : 'badge muted'}>{state(l)}</span>
              <dl className="link-facts">
                <div>
                  <dt>{t.linkCreated}</dt>
                  <dd>{date(l.createdAt)}</dd>
                </div>
                <div>
                  <dt>{t.linkExpiry}</dt>
                  <dd>{l.expiresAt === null ? t.never : date(l.expiresAt)}</dd>
                </div>
                <div>
                  <dt>{t.linkDownloads}</dt>
                  <dd>{downloads(l)}</dd>
                </div>
                <div>
                  <dt>{t.linkHasPassword}</dt>
                  <dd>{l.password ? t.yes : t.no}</dd>
                </div>
              </dl>
              {l.revokedAt === null && (
                <div className="actions">
                  {l.url ? (
                    <CopyButton text={l.url} label={`${t.copyLink} ${what(l)}`} />
                  ) : (
                    <span className="muted">{t.copyUnavailable}</span>
                  )}
                  <button
                    type="button"
                    className="danger"
                    aria-label={`${t.revoke} ${what(l)}`}
                    onClick={() => setRevoking(l)}
                  >
                    {t.revoke}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {revoking && (
        <Confirm
          title={t.revokeTitle}
          text={fill(t.revokeText, { what: what(revoking) })}
          action={t.revoke}
          onConfirm={() => void revoke(revoking)}
          onCancel={() => setRevoking(null)}
        />
      )}
    </section>
  );
}
