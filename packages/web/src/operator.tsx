import { formatBytes } from '@coffer/sdk/format';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { LineChart } from './charts.tsx';
import { countryName, formatAgo, formatCount, formatDateTime, formatShare } from './figures.ts';
import { type HostState, StateBadges, Traffic } from './host-bits.tsx';
import { useT } from './i18n/use-t.ts';
import { type CountryFigures, WorldMap } from './world-map.tsx';

/** A host as GET /api/admin/hosts describes it. */
interface HostRow {
  id: string;
  url: string;
  country: string;
  declaredCountry: string | null;
  countryConfirmed: boolean;
  tags: Record<string, string>;
  tagsConfirmed: boolean;
  capacity: number;
  usedBytes: number;
  chunks: number;
  online: boolean;
  state: HostState;
  audits: { passed: number; failed: number };
  vetted: boolean;
  uptime: number;
  bytesIn: number;
  bytesOut: number;
  lastSeenAt: number;
  registeredAt: number;
}

interface Stats {
  accounts: number;
  files: number;
  folders: number;
  revisions: number;
  chunks: number;
  storedBytes: number;
  hosts: number;
  hostsOnline: number;
  capacity: number;
  repair: {
    underReplicated: number;
    copiedLastRound: number;
    failedLastRound: number;
    copiedTotal: number;
    lastRoundAt: number | null;
  };
}

/** One sample of GET /api/admin/history. */
interface Point {
  at: number;
  hosts: number;
  hostsOnline: number;
  capacity: number;
  storedBytes: number;
  accounts: number;
  files: number;
  chunks: number;
  underReplicated: number;
  repairQueue: number;
  copied: number;
}

const RANGES = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 };
type Range = keyof typeof RANGES;
const REFRESH_MS = 10_000;
/** The charts draw at most this many samples; older ones are merged. */
const CHART_POINTS = 240;

/**
 * Merges samples down to at most `max`: the last value of each group, the highest for the
 * repair backlog (a peak must not vanish), and the sum of repair copies.
 */
export function thin(points: Point[], max: number): Point[] {
  if (points.length <= max) return points;
  const size = Math.ceil(points.length / max);
  const out: Point[] = [];
  // Groups end on the newest sample, so the last point drawn is always the latest.
  for (let end = points.length; end > 0; end -= size) {
    const group = points.slice(Math.max(0, end - size), end);
    const last = group[group.length - 1] as Point;
    out.push({
      ...last,
      underReplicated: Math.max(...group.map((p) => p.underReplicated)),
      repairQueue: Math.max(...group.map((p) => p.repairQueue)),
      copied: group.reduce((s, p) => s + p.copied, 0),
    });
  }
  return out.reverse();
}

/** Hosts per country, busiest first. */
function byCountry(hosts: HostRow[]): CountryFigures[] {
  const m = new Map<string, CountryFigures>();
  for (const h of hosts) {
    if (h.state === 'exited') continue;
    const c = m.get(h.country) ?? {
      code: h.country,
      hosts: 0,
      online: 0,
      capacity: 0,
      usedBytes: 0,
    };
    c.hosts++;
    if (h.online) c.online++;
    c.capacity += h.capacity;
    c.usedBytes += h.usedBytes;
    m.set(h.country, c);
  }
  return [...m.values()].sort((a, b) => b.hosts - a.hosts || a.code.localeCompare(b.code));
}

function Meter({ value, max, label }: { value: number; max: number; label: string }) {
  return (
    <meter
      className="usage-meter"
      aria-label={label}
      min={0}
      max={Math.max(max, 1)}
      value={value}
      high={Math.max(max, 1) * 0.9}
      optimum={0}
    />
  );
}

/**
 * The operator's view of the network (at #operator), read from the admin API with the
 * operator token: figures, a world map of the hosts, charts over time and every host. No keys
 * are involved, so it runs on the page.
 */
export function OperatorView() {
  const t = useT();
  const [token, setToken] = useState(() => sessionStorage.getItem('coffer.operator') ?? '');
  const [data, setData] = useState<{ stats: Stats; hosts: HostRow[]; at: number } | null>(null);
  const [points, setPoints] = useState<Point[]>([]);
  const [range, setRange] = useState<Range>('day');
  const [error, setError] = useState<string | null>(null);
  const active = useRef<{ token: string; range: Range } | null>(null);
  const pointsRef = useRef<Point[]>([]);

  const load = useCallback(async (tok: string, r: Range, full: boolean) => {
    const get = async (p: string) => {
      const res = await fetch(p, { headers: { authorization: `Bearer ${tok}` } });
      const body = await res.json();
      if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
      return body;
    };
    const now = Date.now();
    const from = now - RANGES[r];
    const kept = full ? [] : pointsRef.current.filter((p) => p.at >= from);
    const since = kept.length > 0 ? (kept[kept.length - 1] as Point).at + 1 : from;
    try {
      const [stats, hosts, history] = await Promise.all([
        get('/api/admin/stats'),
        get('/api/admin/hosts'),
        get(`/api/admin/history?since=${Math.max(0, Math.floor(since))}`),
      ]);
      sessionStorage.setItem('coffer.operator', tok);
      active.current = { token: tok, range: r };
      pointsRef.current = [...kept, ...(history.points as Point[])];
      setPoints(pointsRef.current);
      setData({ stats, hosts: hosts.hosts, at: Date.now() });
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  // A token kept from earlier in this tab loads at once; later loads come from the form.
  const kept = useRef(token);
  useEffect(() => {
    if (kept.current) void load(kept.current, 'day', true);
  }, [load]);
  // Fresh figures every few seconds while the tab is visible.
  useEffect(() => {
    const timer = setInterval(() => {
      const a = active.current;
      if (a && document.visibilityState === 'visible') void load(a.token, a.range, false);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const countries = useMemo(() => (data ? byCountry(data.hosts) : []), [data]);
  const codes = countries.map((c) => c.code).sort();
  const shown = useMemo(() => thin(points, CHART_POINTS), [points]);
  const latest = points[points.length - 1];
  const n = (x: number) => formatCount(x, t.locale);
  const under = latest?.underReplicated ?? data?.stats.repair.underReplicated ?? 0;
  const at = shown.map((p) => p.at);

  return (
    <main className="operator">
      <div className="op-head">
        <h1>{t.network}</h1>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void load(token, range, true);
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
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data && (
        <>
          <p className="muted updated">
            {t.updated} {new Date(data.at).toLocaleTimeString(t.locale)}
            <button
              type="button"
              className="link"
              onClick={() => active.current && void load(active.current.token, range, false)}
            >
              {t.refresh}
            </button>
          </p>
          <ul className="stats" aria-label={t.networkFigures}>
            <li data-stat="hosts">
              <strong>{n(data.stats.hostsOnline)}</strong> / {n(data.stats.hosts)} {t.hostsOnline}
            </li>
            <li data-stat="countries">
              <strong>{codes.length}</strong> {t.pl_country(codes.length)}: {codes.join(', ')}
            </li>
            <li data-stat="capacity">
              <strong>{formatBytes(data.stats.storedBytes)}</strong> {t.stored} /{' '}
              {formatBytes(data.stats.capacity)}
              <Meter
                value={data.stats.storedBytes}
                max={data.stats.capacity}
                label={t.capacityUsed}
              />
              <span className="sub">
                {formatBytes(Math.max(0, data.stats.capacity - data.stats.storedBytes))} {t.free}
              </span>
            </li>
            <li data-stat="accounts">
              <strong>{n(data.stats.accounts)}</strong> {t.pl_account(data.stats.accounts)}
            </li>
            <li data-stat="files">
              <strong>{n(data.stats.files)}</strong> {t.pl_file(data.stats.files)}
              <span className="sub">
                {n(data.stats.folders)} {t.pl_folder(data.stats.folders)}
              </span>
            </li>
            <li data-stat="chunks">
              <strong>{n(data.stats.chunks)}</strong> {t.pl_chunk(data.stats.chunks)}
            </li>
            <li
              data-stat="underReplicated"
              className={latest && latest.underReplicated > 0 ? 'warn' : 'ok'}
            >
              <strong>{n(under)}</strong> {t.pl_underReplicated(under)}
              {latest && (
                <span className="sub">
                  {t.sampled} {formatAgo(latest.at, data.at, t.locale)}
                </span>
              )}
            </li>
            <li data-stat="repairQueue">
              <strong>{n(latest?.repairQueue ?? 0)}</strong> {t.inRepairQueue}
              <span className="sub">
                {n(data.stats.repair.copiedTotal)} {t.copiedTotal}
              </span>
            </li>
          </ul>

          <section className="panel" aria-labelledby="op-map">
            <h2 id="op-map">{t.mapTitle}</h2>
            <div className="map-layout">
              <WorldMap figures={countries} />
              <table aria-label={t.byCountry} className="country-table">
                <thead>
                  <tr>
                    <th scope="col">{t.country}</th>
                    <th scope="col" className="num">
                      {t.hostsShort}
                    </th>
                    <th scope="col" className="num">
                      {t.onlineShort}
                    </th>
                    <th scope="col" className="num">
                      {t.storage}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {countries.map((c) => (
                    <tr key={c.code}>
                      <th scope="row">
                        {countryName(c.code, t.locale)} <span className="muted">{c.code}</span>
                      </th>
                      <td className="num">{n(c.hosts)}</td>
                      <td className="num">{n(c.online)}</td>
                      <td className="num nowrap">
                        {formatBytes(c.usedBytes)} / {formatBytes(c.capacity)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section className="panel" aria-labelledby="op-time">
            <div className="panel-head">
              <h2 id="op-time">{t.overTime}</h2>
              <fieldset className="segmented">
                <legend className="visually-hidden">{t.period}</legend>
                {(Object.keys(RANGES) as Range[]).map((r) => (
                  <button
                    key={r}
                    type="button"
                    aria-pressed={range === r}
                    aria-label={t[`last_${r}`]}
                    onClick={() => {
                      setRange(r);
                      if (active.current) void load(active.current.token, r, true);
                    }}
                  >
                    {t[`short_${r}`]}
                  </button>
                ))}
              </fieldset>
            </div>
            {shown.length < 2 && <p className="muted">{t.historyWait}</p>}
            <div className="charts">
              <LineChart
                title={t.chartRepair}
                at={at}
                format={n}
                series={[
                  {
                    label: t.underReplicated,
                    values: shown.map((p) => p.underReplicated),
                    tone: 'warn',
                    area: true,
                  },
                  { label: t.repairQueue, values: shown.map((p) => p.repairQueue), tone: 'accent' },
                  { label: t.copiedShort, values: shown.map((p) => p.copied), tone: 'ok' },
                ]}
              />
              <LineChart
                title={t.chartStored}
                at={at}
                format={formatBytes}
                scale="bytes"
                series={[
                  {
                    label: t.stored,
                    values: shown.map((p) => p.storedBytes),
                    tone: 'accent',
                    area: true,
                  },
                  {
                    label: t.capacity,
                    values: shown.map((p) => p.capacity),
                    tone: 'muted',
                    legendOnly: true,
                  },
                ]}
              />
              <LineChart
                title={t.chartHosts}
                at={at}
                format={n}
                series={[
                  { label: t.total, values: shown.map((p) => p.hosts), tone: 'muted' },
                  {
                    label: t.online,
                    values: shown.map((p) => p.hostsOnline),
                    tone: 'ok',
                    area: true,
                  },
                ]}
              />
              <LineChart
                title={t.chartUsage}
                at={at}
                format={n}
                series={[
                  { label: t.chunks, values: shown.map((p) => p.chunks), tone: 'muted' },
                  {
                    label: t.files.toLowerCase(),
                    values: shown.map((p) => p.files),
                    tone: 'accent',
                  },
                  { label: t.accounts, values: shown.map((p) => p.accounts), tone: 'ok' },
                ]}
              />
            </div>
          </section>

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
                {data.hosts.map((h) => (
                  <HostTableRow key={h.id} h={h} now={data.at} />
                ))}
              </tbody>
            </table>
            <p className="muted legend-note">
              <span aria-hidden="true">✓</span> {t.confirmedNote}
            </p>
          </section>
        </>
      )}
    </main>
  );
}

function HostTableRow({ h, now }: { h: HostRow; now: number }) {
  const t = useT();
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
        <StateBadges state={h.state} vetted={h.vetted} />
      </td>
      <td data-label={t.storage} className="nowrap">
        {formatBytes(h.usedBytes)} / {formatBytes(h.capacity)}
        <Meter
          value={h.usedBytes}
          max={h.capacity}
          label={`${t.capacityUsed} ${h.id.slice(0, 12)}`}
        />
        <span className="muted small">
          {formatCount(h.chunks, t.locale)} {t.pl_chunk(h.chunks)}
        </span>
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
        <time
          dateTime={new Date(h.lastSeenAt).toISOString()}
          title={formatDateTime(h.lastSeenAt, t.locale)}
        >
          {formatAgo(h.lastSeenAt, now, t.locale)}
        </time>
      </td>
    </tr>
  );
}
