import { countryName, formatCount, formatShare } from '../figures.ts';
import { Ago, Meter, StateBadges, Traffic } from '../host-bits.tsx';
import { useT } from '../i18n/use-t.ts';
import { useFigures } from '../use-figures.ts';
import { Declared, HostDisk } from './disk-space.tsx';
import type { HostRow } from './network.ts';
import { operatorStrings } from './strings.ts';

/** Every host, with its tags, confirmation, state, storage, audits, uptime and traffic. */
export function HostTable({ hosts, now }: { hosts: HostRow[]; now: number }) {
  const t = useT(operatorStrings);
  return (
    <section className="panel" aria-labelledby="op-hosts">
      <h2 id="op-hosts">{t.hosts}</h2>
      <table aria-label={t.hosts} className="host-table">
        <thead>
          <tr>
            <th scope="col">{t.host}</th>
            <th scope="col">{t.country}</th>
            <th scope="col">{t.state}</th>
            <th scope="col">{t.storage}</th>
            <th scope="col">{t.auditsTitle}</th>
            <th scope="col">{t.uptime}</th>
            <th scope="col">{t.traffic}</th>
            <th scope="col">{t.lastSeen}</th>
          </tr>
        </thead>
        <tbody>
          {hosts.map((h) => (
            <HostTableRow key={h.id} h={h} now={now} />
          ))}
        </tbody>
      </table>
      <p className="muted legend-note">
        <span aria-hidden="true">✓</span> {t.confirmedNote}
      </p>
      {hosts.some((h) => h.overcommitted) && (
        <p className="muted legend-note">
          <span aria-hidden="true">⚠</span> {t.overcommittedHelp}
        </p>
      )}
    </section>
  );
}

function HostTableRow({ h, now }: { h: HostRow; now: number }) {
  const t = useT(operatorStrings);
  const fig = useFigures();
  const tags = Object.entries(h.tags);
  const name = countryName(h.country, t.locale);
  return (
    <tr>
      <td data-label={t.host}>
        <code>{h.id.slice(0, 12)}</code> <span className="muted url">{h.url}</span>
        {tags.length > 0 && (
          <ul className="tags" aria-label={t.tags}>
            {tags.map(([k, v]) => (
              <li key={k}>
                {k}={v}
              </li>
            ))}
            {h.tagsConfirmed && (
              <li className="confirmed" title={t.confirmed}>
                <span aria-hidden="true">✓</span>
                <span className="visually-hidden">{t.confirmed}</span>
              </li>
            )}
          </ul>
        )}
      </td>
      <td data-label={t.country}>
        <abbr title={`${name} · ${h.countryConfirmed ? t.confirmed : t.notConfirmed}`}>
          {h.country}
        </abbr>
        {h.countryConfirmed && (
          <span className="confirmed" aria-hidden="true">
            {' '}
            ✓
          </span>
        )}
        {h.declaredCountry && (
          <span className="muted small">
            {' '}
            ({t.declared} {h.declaredCountry})
          </span>
        )}
      </td>
      <td data-label={t.state}>
        <StateBadges state={h.state} vetted={h.vetted} personal={h.personal} />
      </td>
      <td data-label={t.storage} className="nowrap">
        {fig.size(h.usedBytes)} / <Declared bytes={h.capacity} />
        <Meter
          value={h.usedBytes}
          max={h.capacity}
          label={`${t.capacityUsed} ${h.id.slice(0, 12)}`}
        />
        <span className="muted small">
          {formatCount(h.chunks, t.locale)} {t.pl_chunk(h.chunks)}
        </span>
        <HostDisk h={h} />
      </td>
      <td data-label={t.auditsTitle} className="nowrap">
        <span className="pass">{formatCount(h.audits.passed, t.locale)}</span> {t.passed}
        {' · '}
        <span className={h.audits.failed > 0 ? 'fail' : undefined}>
          {formatCount(h.audits.failed, t.locale)}
        </span>{' '}
        {t.failed}
      </td>
      <td data-label={t.uptime} className="nowrap">
        {formatShare(h.uptime, t.locale)}
      </td>
      <td data-label={t.traffic} className="nowrap">
        <Traffic bytesIn={h.bytesIn} bytesOut={h.bytesOut} />
      </td>
      <td data-label={t.lastSeen} className="nowrap">
        <Ago at={h.lastSeenAt} now={now} />
      </td>
    </tr>
  );
}
