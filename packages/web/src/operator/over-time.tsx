import { useMemo } from 'react';
import { formatCount } from '../figures.ts';
import { useT } from '../i18n/use-t.ts';
import { useFigures } from '../use-figures.ts';
import { LineChart } from './line-chart.tsx';
import { type Point, RANGES, type Range, thin } from './network.ts';
import { operatorStrings } from './strings.ts';

/** The charts draw at most this many samples; older ones are merged. */
const CHART_POINTS = 240;

/** The network over the last hour, day, week or month: repair, storage, hosts and usage. */
export function OverTime({
  points,
  range,
  onRange,
}: {
  points: Point[];
  range: Range;
  onRange: (range: Range) => void;
}) {
  const t = useT(operatorStrings);
  const fig = useFigures();
  const shown = useMemo(() => thin(points, CHART_POINTS), [points]);
  const n = (x: number) => formatCount(x, t.locale);
  const at = shown.map((p) => p.at);
  return (
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
              onClick={() => onRange(r)}
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
          format={fig.size}
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
  );
}
