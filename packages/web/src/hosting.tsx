import type { CofferClient } from '@coffer/sdk';
import { useCallback, useId, useRef, useState } from 'react';
import { worker } from './api.ts';
import { countryName, formatCount, formatDate, formatShare } from './figures.ts';
import { Ago, Meter, StateBadges, Traffic } from './host-bits.tsx';
import { useT } from './i18n/use-t.ts';
import { useEvery } from './ui.tsx';
import { useFigures } from './use-figures.ts';
import { wordingStrings } from './wording/strings.ts';

export type MyHost = Awaited<ReturnType<CofferClient['myHosts']>>[number];

const REFRESH_MS = 10_000;

/**
 * The hoster's dashboard: the hosts this account claimed (`coffer host claim`), with their
 * state, storage, audits, vetting, uptime and traffic. Refreshed every few seconds.
 */
export function HostingView({ onError }: { onError: (m: string) => void }) {
  const t = useT(wordingStrings);
  const fig = useFigures();
  const [hosts, setHosts] = useState<MyHost[] | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const latest = useRef(0);
  const load = useCallback(async () => {
    const seq = ++latest.current;
    const r = await worker.myHosts();
    // A slow answer to an earlier load is older than one already asked for: skip it.
    if (seq !== latest.current) return;
    if (r.ok) {
      setHosts(r.value);
      setNow(Date.now());
    } else onError(r.message);
  }, [onError]);
  useEvery(load, REFRESH_MS);

  if (hosts === null) return <p className="muted">{t.working}</p>;
  if (hosts.length === 0) {
    return (
      <section className="empty-hosting" aria-labelledby="no-hosts">
        <svg className="server-art" viewBox="0 0 64 64" aria-hidden="true" focusable="false">
          <rect x="10" y="10" width="44" height="18" rx="3" />
          <rect x="10" y="36" width="44" height="18" rx="3" />
          <circle cx="20" cy="19" r="2" />
          <circle cx="20" cy="45" r="2" />
          <path d="M30 19h16M30 45h16" />
        </svg>
        <h2 id="no-hosts">{t.noHostsTitle}</h2>
        <p>{t.noHostsText}</p>
        <pre className="command">
          <code>coffer host claim --data DIR</code>
        </pre>
        <p className="muted">{t.noHostsDir}</p>
      </section>
    );
  }
  const capacity = hosts.reduce((s, h) => s + h.capacity, 0);
  const used = hosts.reduce((s, h) => s + h.usedBytes, 0);
  return (
    <div className="hosting">
      <div className="hosting-head">
        <h2>{t.hosting}</h2>
        <p className="muted">
          {fig.size(used)} {t.stored} / {fig.size(capacity)} ·{' '}
          {t.hostsOnlineOf(hosts.length, {
            n: formatCount(hosts.length, t.locale),
            online: formatCount(hosts.filter((h) => h.state === 'online').length, t.locale),
          })}
        </p>
      </div>
      <ul className="host-cards">
        {hosts.map((h) => (
          <li key={h.id}>
            <HostCard h={h} now={now} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function HostCard({ h, now }: { h: MyHost; now: number }) {
  const t = useT();
  const fig = useFigures();
  const id = useId();
  const share = h.capacity > 0 ? h.usedBytes / h.capacity : 0;
  return (
    <article className="host-card" aria-labelledby={id}>
      <div className="card-head">
        <h3 id={id}>
          {t.host} <code>{h.id.slice(0, 12)}</code>
        </h3>
        <StateBadges state={h.state} vetted={h.vetted} personal={h.personal} />
      </div>
      <p className="muted host-where">
        {countryName(h.country, t.locale)} ({h.country}) · <span className="url">{h.url}</span>
      </p>
      <div className="usage">
        <div className="usage-line">
          <span>
            <strong>{fig.size(h.usedBytes)}</strong> / {fig.size(h.capacity)}
          </span>
          <span className="muted">
            {share > 0 && share < 0.001
              ? `< ${formatShare(0.001, t.locale)}`
              : formatShare(share, t.locale)}
          </span>
        </div>
        <Meter value={h.usedBytes} max={h.capacity} label={t.capacityUsed} />
        <div className="usage-line muted">
          <span>
            {fig.size(Math.max(0, h.capacity - h.usedBytes))} {t.free}
          </span>
          <span>
            {formatCount(h.chunks, t.locale)} {t.pl_chunk(h.chunks)}
          </span>
        </div>
      </div>
      <dl className="figures">
        <div>
          <dt>{t.auditsTitle}</dt>
          <dd>
            {formatCount(h.audits.passed, t.locale)} {t.passed} ·{' '}
            <span className={h.audits.failed > 0 ? 'fail' : undefined}>
              {formatCount(h.audits.failed, t.locale)} {t.failed}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t.uptime}</dt>
          <dd>{formatShare(h.uptime, t.locale)}</dd>
        </div>
        <div>
          <dt>{t.traffic}</dt>
          <dd>
            <Traffic bytesIn={h.bytesIn} bytesOut={h.bytesOut} />
          </dd>
        </div>
        <div>
          <dt>{t.lastSeen}</dt>
          <dd>
            <Ago at={h.lastSeenAt} now={now} />
          </dd>
        </div>
        <div>
          <dt>{t.registered}</dt>
          <dd>{formatDate(h.registeredAt, t.locale)}</dd>
        </div>
      </dl>
      {h.personal && <p className="muted small">{t.personalNote}</p>}
      {!h.vetted && <p className="muted small">{t.vettingNote}</p>}
    </article>
  );
}
