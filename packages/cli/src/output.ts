import { CofferError, type ErrorCode } from '@coffer/errors';

/** Exit codes, so scripts can tell failures apart. Documented in `coffer --help`. */
export const EXIT: Record<ErrorCode | 'ok' | 'usage' | 'internal' | 'interrupted', number> = {
  ok: 0,
  internal: 1,
  usage: 2,
  validation: 2,
  auth: 3,
  forbidden: 3,
  not_found: 4,
  conflict: 5,
  expired: 5,
  integrity: 6,
  decryption: 6,
  connection: 7,
  quota: 8,
  rate_limited: 9,
  interrupted: 130,
};

export interface Out {
  json: boolean;
  /** A human line on stdout (suppressed in --json mode). */
  say(line: string): void;
  /** A warning the user must not miss: on stderr, always (also in --json mode). */
  warn(line: string): void;
  /** The one JSON document of a --json command. */
  result(value: unknown): void;
  /** A transient status line on stderr (TTY only). */
  status(line: string): void;
  clearStatus(): void;
}

export function makeOut(json: boolean): Out {
  const tty = Boolean(process.stderr.isTTY) && !json;
  let shown = false;
  return {
    json,
    say(line) {
      if (!json) process.stdout.write(`${line}\n`);
    },
    warn(line) {
      const loud = process.stderr.isTTY ? `\x1b[1;31m${line}\x1b[0m` : line;
      process.stderr.write(`${loud}\n`);
    },
    result(value) {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    status(line) {
      if (!tty) return;
      const width = process.stderr.columns || 80;
      process.stderr.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
      shown = true;
    },
    clearStatus() {
      if (tty && shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

import { formatBytes } from '@coffer/sdk';

export { formatBytes };

function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  const sec = Math.floor(s % 60);
  return m >= 60
    ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
    : `${m}:${String(sec).padStart(2, '0')}`;
}

/** A progress bar with speed and ETA, drawn on stderr when it is a terminal. */
export function progressBar(out: Out, label: string) {
  const started = Date.now();
  return (p: {
    bytesDone: number;
    bytesTotal: number | null;
    filesDone: number;
    filesTotal: number;
  }) => {
    const secs = Math.max(0.001, (Date.now() - started) / 1000);
    const rate = p.bytesDone / secs;
    const total = p.bytesTotal ?? 0;
    const frac = total > 0 ? Math.min(1, p.bytesDone / total) : 0;
    const width = 24;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const eta = rate > 0 && total > 0 ? (total - p.bytesDone) / rate : Number.NaN;
    const files = p.filesTotal > 1 ? ` ${p.filesDone}/${p.filesTotal} files` : '';
    out.status(
      `${label} [${bar}] ${Math.floor(frac * 100)}% ${formatBytes(p.bytesDone)}/${formatBytes(total)} ${formatBytes(rate)}/s ETA ${formatDuration(eta)}${files}`,
    );
  };
}

export function exitCodeOf(e: unknown): number {
  if (e instanceof CofferError) return EXIT[e.code];
  if ((e as Error)?.name === 'AbortError') return EXIT.interrupted;
  return EXIT.internal;
}
