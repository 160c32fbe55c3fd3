// Pieces of the host views shared by the hoster's dashboard and the operator's.
import { formatAgo, formatDateTime } from './figures.ts';
import { useT } from './i18n/use-t.ts';
import { useFigures } from './use-figures.ts';

export type HostState =
  | 'pending'
  | 'online'
  | 'offline'
  | 'suspended'
  | 'disqualified'
  | 'exiting'
  | 'exited';

/** A host's state, whether it passed vetting, and whether it is a personal server, as badges. */
export function StateBadges({
  state,
  vetted,
  personal = false,
}: {
  state: HostState;
  vetted: boolean;
  personal?: boolean;
}) {
  const t = useT();
  return (
    <span className="badges">
      {personal && <span className="badge personal">{t.personalBadge}</span>}
      <span className={`badge state-${state}`}>{t[state]}</span>
      <span className={`badge ${vetted ? 'vetted' : 'unvetted'}`}>
        {vetted ? t.vetted : t.notVetted}
      </span>
    </span>
  );
}

export function Traffic({ bytesIn, bytesOut }: { bytesIn: number; bytesOut: number }) {
  const t = useT();
  const fig = useFigures();
  return (
    <span className="traffic">
      <span>
        <span aria-hidden="true">↓ </span>
        <span className="visually-hidden">{t.bytesIn} </span>
        {fig.size(bytesIn)}
      </span>{' '}
      <span>
        <span aria-hidden="true">↑ </span>
        <span className="visually-hidden">{t.bytesOut} </span>
        {fig.size(bytesOut)}
      </span>
    </span>
  );
}

/** How full a host (or the network) is; it turns to the warning colour above 90 %. */
export function Meter({ value, max, label }: { value: number; max: number; label: string }) {
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

/** "5 minutes ago", with the date and time on hover. */
export function Ago({ at, now }: { at: number; now: number }) {
  const t = useT();
  return (
    <time dateTime={new Date(at).toISOString()} title={formatDateTime(at, t.locale)}>
      {formatAgo(at, now, t.locale)}
    </time>
  );
}
