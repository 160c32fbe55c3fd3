import { formatAgo, formatCount } from '../figures.ts';
import { Meter } from '../host-bits.tsx';
import { useT } from '../i18n/use-t.ts';
import { useFigures } from '../use-figures.ts';
import { wordingStrings } from '../wording/strings.ts';
import { Declared, NetworkDisk } from './disk-space.tsx';
import type { Point, Stats } from './network.ts';
import { operatorStrings } from './strings.ts';

/** The network at a glance: hosts, countries, storage, accounts, files, chunks and repair. */
export function NetworkFigures({
  stats,
  at,
  latest,
  countryCodes,
}: {
  stats: Stats;
  /** When `stats` was read. */
  at: number;
  /** The newest history sample. */
  latest: Point | undefined;
  countryCodes: string[];
}) {
  const t = useT(operatorStrings);
  const w = useT(wordingStrings);
  const fig = useFigures();
  const n = (x: number) => formatCount(x, t.locale);
  const under = latest?.underReplicated ?? stats.repair.underReplicated;
  return (
    <ul className="stats" aria-label={t.networkFigures}>
      <li data-stat="hosts">
        {/* The count online in bold, where the language puts it. */}
        {w
          .hostsOnlineOf(stats.hosts, { n: n(stats.hosts), online: '\u0000' })
          .split('\u0000')
          .flatMap((part, i) =>
            i === 0 ? [part] : [<strong key="on">{n(stats.hostsOnline)}</strong>, part],
          )}
      </li>
      <li data-stat="countries">
        <strong>{countryCodes.length}</strong> {t.pl_country(countryCodes.length)}:{' '}
        {countryCodes.join(', ')}
      </li>
      <li data-stat="capacity">
        <strong>{fig.size(stats.storedBytes)}</strong> {t.stored} /{' '}
        <Declared bytes={stats.capacity} />
        <Meter value={stats.storedBytes} max={stats.capacity} label={t.capacityUsed} />
        <span className="sub">
          {fig.size(Math.max(0, stats.capacity - stats.storedBytes))} {t.free}
        </span>
        <NetworkDisk stats={stats} />
      </li>
      <li data-stat="accounts">
        <strong>{n(stats.accounts)}</strong> {t.pl_account(stats.accounts)}
      </li>
      <li data-stat="files">
        <strong>{n(stats.files)}</strong> {t.pl_file(stats.files)}
        <span className="sub">
          {n(stats.folders)} {t.pl_folder(stats.folders)}
        </span>
      </li>
      <li data-stat="chunks">
        <strong>{n(stats.chunks)}</strong> {t.pl_chunk(stats.chunks)}
      </li>
      <li
        data-stat="underReplicated"
        className={latest && latest.underReplicated > 0 ? 'warn' : 'ok'}
      >
        <strong>{n(under)}</strong> {t.pl_underReplicated(under)}
        {latest && (
          <span className="sub">
            {t.sampled} {formatAgo(latest.at, at, t.locale)}
          </span>
        )}
      </li>
      <li data-stat="repairQueue">
        <strong>{n(latest?.repairQueue ?? 0)}</strong> {t.inRepairQueue}
        <span className="sub">
          {n(stats.repair.copiedTotal)} {t.copiedTotal}
        </span>
      </li>
    </ul>
  );
}
