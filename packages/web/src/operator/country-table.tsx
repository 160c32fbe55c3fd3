import { countryName, formatCount } from '../figures.ts';
import { useT } from '../i18n/use-t.ts';
import { useFigures } from '../use-figures.ts';
import { operatorStrings } from './strings.ts';
import { type CountryFigures, WorldMap } from './world-map.tsx';

/** The hosts by country: on the world map, and in a table beside it. */
export function HostsByCountry({ countries }: { countries: CountryFigures[] }) {
  const t = useT(operatorStrings);
  const fig = useFigures();
  const n = (x: number) => formatCount(x, t.locale);
  return (
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
                  {fig.size(c.usedBytes)} / {fig.size(c.capacity)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
