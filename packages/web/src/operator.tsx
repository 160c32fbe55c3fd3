import { formatBytes } from '@coffer/sdk/format';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Strings } from './i18n.ts';

interface HostRow {
  id: string;
  url: string;
  country: string;
  capacity: number;
  usedBytes: number;
  chunks: number;
  online: boolean;
  state: 'pending' | 'online' | 'offline' | 'disqualified' | 'exiting' | 'exited';
  audits: { passed: number; failed: number };
}

/**
 * The operator's view of the network (at #operator): hosts, countries and stored bytes, read
 * from the admin API with the operator token. No keys are involved, so it runs on the page.
 */
export function OperatorView({ t }: { t: Strings }) {
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
                  <td>
                    {t[h.state]}{' '}
                    <span className="muted">
                      ({t.audits}: {h.audits.passed} ✓ {h.audits.failed} ✗)
                    </span>
                  </td>
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
