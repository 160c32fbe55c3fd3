// Small line charts for the operator's dashboard, drawn as SVG: no chart library, nothing that
// needs inline styles or eval under the page's Content-Security-Policy.
import { useEffect, useId, useRef, useState } from 'react';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { operatorStrings } from './strings.ts';

export type Tone = 'accent' | 'muted' | 'warn' | 'ok';

export interface Series {
  label: string;
  values: number[];
  tone: Tone;
  /** Shade the area under this line. */
  area?: boolean;
  /** In the legend and the accessible name only: not drawn, and not part of the scale. */
  legendOnly?: boolean;
}

const HEIGHT = 168;
const PAD = { top: 10, right: 12, bottom: 24, left: 62 };

/**
 * A round top at or above `max` whose half is round too: for counts an even 2 to 10 times a
 * power of ten (so the middle line is a whole number); for bytes, a power of two of a binary
 * unit.
 */
export function niceTop(max: number, scale: 'count' | 'bytes'): number {
  if (scale === 'bytes') {
    if (max <= 1024) return 1024;
    const p = 1024 ** Math.floor(Math.log(max) / Math.log(1024));
    let top = p;
    while (top < max) top *= 2;
    return top;
  }
  if (max <= 2) return 2;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [2, 4, 6, 8, 10]) if (m * p >= max) return m * p;
  return 20 * p;
}

function timeLabel(at: number, span: number, locale: string): string {
  const d = new Date(at);
  if (span > 2 * 86_400_000)
    return d.toLocaleDateString(locale, { day: 'numeric', month: 'short' });
  if (span < 10 * 60_000) return d.toLocaleTimeString(locale, { timeStyle: 'medium' });
  return d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

/** The width of an element, kept up to date. */
function useWidth<E extends HTMLElement>(): [React.RefObject<E | null>, number] {
  const ref = useRef<E>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/**
 * A line chart over time. Hovering, or the arrow keys once it has focus, show the values of
 * one sample; its accessible name says what it shows now, and its lowest and highest.
 */
export function LineChart({
  title,
  at,
  series,
  format,
  scale = 'count',
}: {
  title: string;
  scale?: 'count' | 'bytes';
  at: number[];
  series: Series[];
  format: (n: number) => string;
}) {
  const t = useT(operatorStrings);
  const [boxRef, width] = useWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const titleId = useId();
  const n = at.length;
  const w = Math.max(width, 200);
  const plotW = w - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const first = at[0] ?? 0;
  const last = at[n - 1] ?? first;
  const span = Math.max(last - first, 1);
  const drawn = series.filter((s) => !s.legendOnly);
  const top = niceTop(Math.max(0, ...drawn.flatMap((s) => s.values)), scale);
  const x = (i: number) =>
    PAD.left + (n <= 1 ? plotW : (((at[i] ?? first) - first) / span) * plotW);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const line = (values: number[]) =>
    values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`).join('');
  const ticks = [0, top / 2, top];

  const summary = [
    title,
    ...series.map((s) => {
      const vals = s.values.length ? s.values : [0];
      return fill(t.chartSeries, {
        name: s.label,
        now: format(vals[vals.length - 1] ?? 0),
        min: format(Math.min(...vals)),
        max: format(Math.max(...vals)),
      });
    }),
    n > 0
      ? t.chartSamples(n, {
          from: timeLabel(first, span, t.locale),
          to: timeLabel(last, span, t.locale),
        })
      : t.noSamples,
  ].join('. ');

  const nearest = (clientX: number, rect: DOMRect) => {
    const px = ((clientX - rect.left) / rect.width) * w;
    let best = 0;
    for (let i = 1; i < n; i++) if (Math.abs(x(i) - px) < Math.abs(x(best) - px)) best = i;
    return best;
  };
  const shown = hover !== null && hover < n ? hover : null;

  return (
    <figure className="chart" aria-labelledby={titleId}>
      <figcaption>
        <h3 id={titleId}>{title}</h3>
        <ul className="legend">
          {series.map((s) => (
            <li key={s.label}>
              {!s.legendOnly && <span className={`swatch tone-${s.tone}`} aria-hidden="true" />}
              {s.label} <strong>{format(s.values[shown ?? s.values.length - 1] ?? 0)}</strong>
            </li>
          ))}
        </ul>
      </figcaption>
      <div className="chart-box" ref={boxRef}>
        {width > 0 && (
          <svg
            role="img"
            aria-label={summary}
            data-points={n}
            width={w}
            height={HEIGHT}
            viewBox={`0 0 ${w} ${HEIGHT}`}
            tabIndex={n > 1 ? 0 : undefined}
            onPointerMove={(e) =>
              n > 0 && setHover(nearest(e.clientX, e.currentTarget.getBoundingClientRect()))
            }
            onPointerLeave={() => setHover(null)}
            onBlur={() => setHover(null)}
            onKeyDown={(e) => {
              const step: Record<string, number> = {
                ArrowLeft: -1,
                ArrowRight: 1,
                Home: -n,
                End: n,
              };
              if (e.key === 'Escape') return setHover(null);
              const by = step[e.key];
              if (by === undefined || n === 0) return;
              e.preventDefault();
              setHover((h) => Math.max(0, Math.min(n - 1, (h ?? n - 1) + by)));
            }}
          >
            {ticks.map((v) => (
              <g key={v} className="tick">
                <line x1={PAD.left} x2={w - PAD.right} y1={y(v)} y2={y(v)} />
                <text x={PAD.left - 8} y={y(v)} dy="0.32em" textAnchor="end">
                  {format(v)}
                </text>
              </g>
            ))}
            {n > 0 && (
              <g className="tick">
                <text x={PAD.left} y={HEIGHT - 6} textAnchor="start">
                  {timeLabel(first, span, t.locale)}
                </text>
                {n > 1 && (
                  <text x={w - PAD.right} y={HEIGHT - 6} textAnchor="end">
                    {timeLabel(last, span, t.locale)}
                  </text>
                )}
              </g>
            )}
            {drawn.map((s) =>
              s.area && n > 1 ? (
                <path
                  key={`${s.label}-area`}
                  className={`area tone-${s.tone}`}
                  d={`${line(s.values)}L${x(n - 1).toFixed(1)} ${y(0)}L${x(0).toFixed(1)} ${y(0)}Z`}
                />
              ) : null,
            )}
            {drawn.map((s) => (
              <path key={s.label} className={`line tone-${s.tone}`} d={line(s.values)} />
            ))}
            {drawn.map((s) =>
              n > 0 ? (
                <circle
                  key={`${s.label}-dot`}
                  className={`dot tone-${s.tone}`}
                  cx={x(shown ?? n - 1)}
                  cy={y(s.values[shown ?? n - 1] ?? 0)}
                  r={3.5}
                />
              ) : null,
            )}
            {shown !== null && (
              <line
                className="crosshair"
                x1={x(shown)}
                x2={x(shown)}
                y1={PAD.top}
                y2={PAD.top + plotH}
              />
            )}
          </svg>
        )}
        {shown !== null && (
          <p className="chart-time" aria-hidden="true">
            {new Date(at[shown] ?? 0).toLocaleString(t.locale)}
          </p>
        )}
      </div>
    </figure>
  );
}
