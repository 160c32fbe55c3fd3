// Pieces of the host views shared by the hoster's dashboard and the operator's.
import { formatBytes } from '@coffer/sdk/format';
import type { Strings } from './i18n.ts';

export type HostState =
  | 'pending'
  | 'online'
  | 'offline'
  | 'suspended'
  | 'disqualified'
  | 'exiting'
  | 'exited';

/** A host's state, and whether it passed vetting, as badges. */
export function StateBadges({
  state,
  vetted,
  t,
}: {
  state: HostState;
  vetted: boolean;
  t: Strings;
}) {
  return (
    <span className="badges">
      <span className={`badge state-${state}`}>{t[state]}</span>
      <span className={`badge ${vetted ? 'vetted' : 'unvetted'}`}>
        {vetted ? t.vetted : t.notVetted}
      </span>
    </span>
  );
}

export function Traffic({
  bytesIn,
  bytesOut,
  t,
}: {
  bytesIn: number;
  bytesOut: number;
  t: Strings;
}) {
  return (
    <span className="traffic">
      <span>
        <span aria-hidden="true">↓ </span>
        <span className="visually-hidden">{t.bytesIn} </span>
        {formatBytes(bytesIn)}
      </span>{' '}
      <span>
        <span aria-hidden="true">↑ </span>
        <span className="visually-hidden">{t.bytesOut} </span>
        {formatBytes(bytesOut)}
      </span>
    </span>
  );
}
