import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { worker } from './api.ts';
import { fill } from './i18n/format.ts';
import { useT } from './i18n/use-t.ts';
import { CopyButton } from './links/copy-button.tsx';
import { linkStrings } from './links/strings.ts';

type RequestList = (Awaited<ReturnType<typeof worker.requests>> & { ok: true })['value'];

/**
 * Your file requests: make one for a folder (its link is shown), see what arrived, stop one
 * accepting files.
 */
export function FileRequestsPanel({ onError }: { onError: (m: string) => void }) {
  const t = useT(linkStrings);
  const [list, setList] = useState<RequestList | null>(null);
  const [form, setForm] = useState({ path: '', title: '', days: '7' });
  const [made, setMade] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await worker.requests();
    if (r.ok) setList(r.value);
    else onError(r.message);
  }, [onError]);
  useEffect(() => void load(), [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setMade(null);
    const r = await worker.requestCreate(form.path, form.title, Number(form.days) || null);
    if (!r.ok) return onError(r.message);
    setMade(r.value.url);
    setForm({ ...form, title: '' });
    await load();
  };
  const close = async (id: string) => {
    const r = await worker.requestRevoke(id);
    if (!r.ok) onError(r.message);
    await load();
  };
  const state = (r: RequestList[number]) =>
    r.revokedAt
      ? t.requestClosed
      : r.expiresAt !== null && r.expiresAt <= Date.now()
        ? t.requestExpired
        : t.requestOpenState;

  return (
    <section aria-label={t.fileRequests}>
      <h2>{t.fileRequests}</h2>
      <p className="muted">{t.fileRequestsNote}</p>
      <ul className="share-list">
        {(list ?? []).map((r) => (
          <li key={r.id} className="share-card">
            <strong>{r.title}</strong>
            <span className="muted">
              {r.path ?? '—'} · {state(r)} · {t.requestReceived(r.filesReceived)}
              {r.pending ? ` · ${fill(t.requestWaiting, { n: r.pending })}` : ''}
            </span>
            <input readOnly aria-label={`${t.requestLink}: ${r.title}`} value={r.url} />
            {!r.revokedAt && (
              <>
                <CopyButton text={r.url} label={`${t.copyLink}: ${r.title}`} />
                <button
                  type="button"
                  aria-label={`${t.stopAccepting}: ${r.title}`}
                  onClick={() => void close(r.id)}
                >
                  {t.stopAccepting}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <form className="share-form" onSubmit={create} aria-label={t.requestNew}>
        <input
          required
          aria-label={t.requestFolder}
          placeholder={t.requestFolder}
          value={form.path}
          onChange={(e) => setForm({ ...form, path: e.target.value })}
        />
        <input
          aria-label={t.requestWhat}
          placeholder={t.requestWhat}
          maxLength={200}
          value={form.title}
          onChange={(e) => setForm({ ...form, title: e.target.value })}
        />
        <select
          aria-label={t.requestClosesIn}
          value={form.days}
          onChange={(e) => setForm({ ...form, days: e.target.value })}
        >
          <option value="1">{t.requestDays(1)}</option>
          <option value="7">{t.requestDays(7)}</option>
          <option value="30">{t.requestDays(30)}</option>
          <option value="0">{t.requestNever}</option>
        </select>
        <button type="submit" className="primary">
          {t.requestNew}
        </button>
      </form>
      {made && (
        <p role="status" className="muted">
          {t.requestMade}{' '}
          <input readOnly className="request-url" aria-label={t.requestLink} value={made} />
          <CopyButton text={made} />
        </p>
      )}
    </section>
  );
}
