// A copy of someone's entry to our server, as the Catalog and Feed pages run it: the worker
// reports the hub's progress ([Note: Copies in the client]) and the page shows it as a bar.
import * as Comlink from 'comlink';
import { useState } from 'react';
import type { Result } from '../api.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { useFigures } from '../use-figures.ts';
import { groupStrings } from './strings.ts';

export interface Progress {
  done: number;
  total: number;
}
type Report = (p: Progress) => void;

/**
 * Runs a copy once at a time: `progress` as the hub last reported it (kept once the copy is
 * done, so the bar ends full), `running` while it runs, then the worker's answer or the SDK's
 * reason it failed.
 */
export function useCopyJob<T>(run: (onProgress: Report) => Promise<Result<T>>) {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<T | null>(null);
  const start = async () => {
    if (running) return;
    setRunning(true);
    setError(null);
    setProgress({ done: 0, total: 0 });
    const report = Comlink.proxy((p: Progress) => setProgress({ done: p.done, total: p.total }));
    const r = await run(report);
    setRunning(false);
    if (r.ok) setResult(r.value);
    else {
      setProgress(null);
      setError(r.message);
    }
  };
  return { progress, running, error, result, start };
}

/** A copy's progress bar, in bytes, named after what it copies. */
export function CopyBar({ name, progress: p }: { name: string; progress: Progress }) {
  const t = useT(groupStrings);
  const fig = useFigures();
  const total = Math.max(p.total, p.done);
  const text = fill(t.copyOf, { done: fig.size(p.done), total: fig.size(total) });
  return (
    <div className="copy-progress">
      <div
        role="progressbar"
        className="bar"
        aria-label={fill(t.copyingEntry, { name })}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={p.done}
        aria-valuetext={text}
      >
        <span style={{ width: `${total ? (100 * p.done) / total : 0}%` }} />
      </div>
      <span className="muted small" aria-hidden="true">
        {text}
      </span>
    </div>
  );
}
