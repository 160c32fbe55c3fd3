import { formatCount } from '../figures.ts';
import { useT } from '../i18n/use-t.ts';
import type { Stats } from './network.ts';
import { operatorStrings } from './strings.ts';

/**
 * Hosts whose bytes have differed for longer than uploads in flight explain ([Note:
 * Accounting]); nothing otherwise.
 */
export function AccountingWarning({ stats }: { stats: Stats }) {
  const t = useT(operatorStrings);
  const drifting = stats.accounting.filter((h) => h.lasting);
  if (!drifting.length) return null;
  return (
    <section role="alert" className="key-warning accounting-drift" aria-label={t.drift_title}>
      <strong>{t.drift_title}</strong>
      <p>{t.drift_help}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t.country}</th>
            <th scope="col">{t.drift_counter}</th>
            <th scope="col">{t.drift_records}</th>
            <th scope="col">{t.drift_report}</th>
          </tr>
        </thead>
        <tbody>
          {drifting.map((h) => (
            <tr key={h.id}>
              <th scope="row" title={h.id}>
                {h.country} {h.id.slice(0, 8)}
              </th>
              <td>{formatCount(h.storedBytes, t.locale)}</td>
              <td>{formatCount(h.replicaBytes, t.locale)}</td>
              <td>{formatCount(h.reportedBytes, t.locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
