import { ValidationError } from '@coffer/errors';

// Binary units for the bare letter and for "iB" (K = KiB = 1024), decimal for "B"
// (KB = 1000), as GNU coreutils reads sizes.
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kib: 2 ** 10,
  kb: 1e3,
  m: 2 ** 20,
  mib: 2 ** 20,
  mb: 1e6,
  g: 2 ** 30,
  gib: 2 ** 30,
  gb: 1e9,
  t: 2 ** 40,
  tib: 2 ** 40,
  tb: 1e12,
  p: 2 ** 50,
  pib: 2 ** 50,
  pb: 1e15,
};

/**
 * Parses a byte size: "1048576", "500GiB", "10G" (= 10 GiB), "1.5TB" (decimal), "64 MiB".
 * Units are case-insensitive. Throws a ValidationError naming `field` otherwise.
 */
export function parseSize(text: string | number, field = 'capacity'): number {
  const fail = () =>
    new ValidationError(field, 'expected a size such as 1048576, 10G, 500GiB or 2TB');
  if (typeof text === 'number') {
    if (!Number.isSafeInteger(text) || text < 0) throw fail();
    return text;
  }
  if (typeof text !== 'string') throw fail();
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m?.[1]) throw fail();
  const unit = UNITS[(m[2] ?? '').toLowerCase()];
  if (unit === undefined) throw fail();
  const bytes = Math.floor(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes)) throw fail();
  return bytes;
}

/** A byte count for people: "6.0 MiB". The hub's messages, the CLI and the web app share it. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  // Bytes are whole, but a rate (bytes over seconds) is not: "298 B/s", never "297.87… B/s".
  return `${u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}
