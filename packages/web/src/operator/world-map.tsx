// The operator's world map: countries shaded by how many hosts they have, a dot on each so
// small countries show too, a tooltip on hover or focus. The outlines are MapSVG's world map
// (@svg-maps/world, CC BY 4.0), simplified and bundled at build time (build/world-map.ts).

import { countries, viewBox } from 'virtual:world-map';
import { useState } from 'react';
import { countryName, formatCount } from '../figures.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { useFigures } from '../use-figures.ts';
import { type OperatorT, operatorStrings } from './strings.ts';

export interface CountryFigures {
  code: string;
  hosts: number;
  online: number;
  capacity: number;
  usedBytes: number;
}

const [VX, VY, VW, VH] = viewBox.split(' ').map(Number) as [number, number, number, number];

/** 1 (fewest) to 4 (most), on a log scale up to the busiest country. */
export function level(count: number, max: number): number {
  if (count <= 0) return 0;
  if (max <= 1) return 4;
  return 1 + Math.round((3 * Math.log(count)) / Math.log(max));
}

/** "1 host" / "3 hosts", in the page's language. */
function hostCount(n: number, t: OperatorT): string {
  return `${formatCount(n, t.locale)} ${t.pl_host(n)}`;
}

/** What a country's tooltip and accessible name say. */
export function countryLabel(c: CountryFigures, t: OperatorT): string {
  return fill(t.countryHosts, {
    country: countryName(c.code, t.locale),
    hosts: hostCount(c.hosts, t),
    online: c.online,
  });
}

export function WorldMap({ figures }: { figures: CountryFigures[] }) {
  const t = useT(operatorStrings);
  const fig = useFigures();
  const [tip, setTip] = useState<string | null>(null);
  const byCode = new Map(figures.map((f) => [f.code, f]));
  const max = Math.max(1, ...figures.map((f) => f.hosts));
  const tipFigures = tip ? byCode.get(tip) : undefined;
  const tipShape = tip ? countries.find((c) => c.id === tip) : undefined;
  const shaded = countries.filter((c) => byCode.has(c.id));
  return (
    <div className="map-box">
      {/* biome-ignore lint/a11y/useSemanticElements: SVG has no fieldset; the group names the map */}
      <svg
        className="world-map"
        viewBox={viewBox}
        role="group"
        aria-label={t.mapTitle}
        onPointerLeave={() => setTip(null)}
      >
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: a plain <g> is not focusable */}
        <g className="land" aria-hidden="true">
          {countries
            .filter((c) => c.d && !byCode.has(c.id))
            .map((c) => (
              <path key={c.id} d={c.d} />
            ))}
        </g>
        {shaded.map((c) => {
          const f = byCode.get(c.id) as CountryFigures;
          const lv = level(f.hosts, max);
          return (
            // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: a <g> is a picture of a country; focus shows its tooltip
            <g
              key={c.id}
              role="img"
              aria-label={countryLabel(f, t)}
              data-country={c.id}
              data-hosts={f.hosts}
              className={`has-hosts level-${lv}${tip === c.id ? ' active' : ''}`}
              tabIndex={0}
              onPointerEnter={() => setTip(c.id)}
              onFocus={() => setTip(c.id)}
              onBlur={() => setTip(null)}
            >
              {c.d && <path d={c.d} />}
              <circle cx={c.x} cy={c.y} r={38 + 9 * lv} />
            </g>
          );
        })}
      </svg>
      {tipFigures && tipShape && (
        <div
          className={`map-tip${tipShape.y - VY < VH * 0.3 ? ' below' : ''}`}
          aria-hidden="true"
          style={{
            left: `${Math.min(88, Math.max(12, ((tipShape.x - VX) / VW) * 100))}%`,
            top: `${((tipShape.y - VY) / VH) * 100}%`,
          }}
        >
          <strong>{countryName(tipFigures.code, t.locale)}</strong>
          <span>
            {hostCount(tipFigures.hosts, t)} · {tipFigures.online} {t.online}
          </span>
          <span>
            {fig.size(tipFigures.usedBytes)} / {fig.size(tipFigures.capacity)}
          </span>
        </div>
      )}
      <div className="map-foot">
        <div className="map-legend" aria-hidden="true">
          {max > 1 ? (
            <>
              <span>1</span>
              {[1, 2, 3, 4].map((l) => (
                <span key={l} className={`key level-${l}`} />
              ))}
              <span>{hostCount(max, t)}</span>
            </>
          ) : (
            <>
              <span className="key level-4" />
              <span>{hostCount(1, t)}</span>
            </>
          )}
        </div>
        <small className="muted">
          {t.mapCredit}{' '}
          <a href="https://mapsvg.com/maps/world" rel="noreferrer noopener" target="_blank">
            MapSVG
          </a>{' '}
          (
          <a
            href="https://creativecommons.org/licenses/by/4.0/"
            rel="noreferrer noopener"
            target="_blank"
          >
            CC BY 4.0
          </a>
          )
        </small>
      </div>
    </div>
  );
}
