import { ValidationError } from '@coffer/errors';

/** "30m", "12h", "7d", "2w" in milliseconds. */
export function duration(text: string): number {
  const m = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  const ms = m ? Number(m[1]) * unit[m[2] as keyof typeof unit] : 0;
  if (!(ms > 0))
    throw new ValidationError('--expires', 'expected a duration like 30m, 12h, 7d or 2w');
  return ms;
}

/** A limit such as --files N: a whole number of at least 1. */
export function atLeastOne(text: string, flag: string): number {
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= 1))
    throw new ValidationError(flag, 'expected a whole number of at least 1');
  return n;
}

/** `k=v` flags as tags; the hub checks their form. */
export function parseTags(list: readonly string[], flag: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of list) {
    const eq = t.indexOf('=');
    if (eq <= 0) throw new ValidationError(flag, `expected key=value, got "${t}"`);
    tags[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return tags;
}

export const formatTags = (tags: Record<string, string>) =>
  Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || '-';

/** A --port value: a whole number from 0 (any free port) to 65535; `fallback` when absent. */
export function parsePort(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ValidationError('--port', `expected a port number 0-65535, got ${text}`);
  }
  return n;
}

/** Resolves when SIGINT or SIGTERM arrives: how a command that serves stops. */
export const untilSignal = () =>
  new Promise<string>((done) => {
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
