// Pieces of the host views shared by the hoster's dashboard and the operator's.
import { formatBytes } from '@coffer/sdk/format';
import { useT } from './i18n/use-t.ts';

export type HostState =
  | 'pending'
  | 'online'
  | 'offline'
  | 'suspended'
  | 'disqualified'
  | 'exiting'
  | 'exited';

/** A host's state, and whether it passed vetting, as badges. */
export function StateBadges({ state, vetted }: { state: HostState; vetted: boolean }) {
  const t = useT();
  return (
    <span className="badges">
      <span className={`badge state-${state}`}>{t[state]}</span>
      <span className={`badge ${vetted ? 'vetted' : 'unvetted'}`}>
        {vetted ? t.vetted : t.notVetted}
      </span>
    </span>
  );
}

export function Traffic({ bytesIn, bytesOut }: { bytesIn: number; bytesOut: number }) {
  const t = useT();
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
