// What every benchmark prints with its figures (docs/benchmarks.md): the commit and the load.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';

/** The short hash of HEAD, or `unknown` outside a git checkout. */
export const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();

/** The load averages over 1, 5 and 15 minutes. */
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
