import { useMemo } from 'react';
import { useT } from '../i18n/use-t.ts';
import { AccountingWarning } from './accounting-warning.tsx';
import { HostsByCountry } from './country-table.tsx';
import { HostTable } from './host-table.tsx';
import { byCountry, useNetwork } from './network.ts';
import { NetworkFigures } from './network-figures.tsx';
import { OverTime } from './over-time.tsx';
import { operatorStrings } from './strings.ts';

/**
 * The operator's view of the network (at #operator), read from the admin API with the
 * operator token: figures, a world map of the hosts, charts over time and every host. No keys
 * are involved, so it runs on the page.
 */
export function OperatorView() {
  const t = useT(operatorStrings);
  const network = useNetwork();
  const { data, points } = network;
  const countries = useMemo(() => (data ? byCountry(data.hosts) : []), [data]);

  return (
    <main className="operator">
      <div className="op-head">
        <h1>{t.network}</h1>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            network.show();
          }}
        >
          <input
            type="password"
            aria-label={t.operatorToken}
            placeholder={t.operatorToken}
            value={network.token}
            onChange={(e) => network.setToken(e.target.value)}
          />
          <button type="submit" className="primary">
            {t.showNetwork}
          </button>
        </form>
      </div>
      {network.error && (
        <p role="alert" className="error">
          {network.error}
        </p>
      )}
      {data && (
        <>
          <p className="muted updated">
            {t.updated} {new Date(data.at).toLocaleTimeString(t.locale)}
            <button type="button" className="link" onClick={network.refresh}>
              {t.refresh}
            </button>
          </p>
          <AccountingWarning stats={data.stats} />
          <NetworkFigures
            stats={data.stats}
            at={data.at}
            latest={points[points.length - 1]}
            countryCodes={countries.map((c) => c.code).sort()}
          />
          <HostsByCountry countries={countries} />
          <OverTime points={points} range={network.range} onRange={network.changeRange} />
          <HostTable hosts={data.hosts} now={data.at} />
        </>
      )}
    </main>
  );
}
