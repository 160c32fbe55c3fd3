import { ValidationError } from '@coffer/errors';
import { parseSize } from '@coffer/protocol';

/**
 * The slowest limit accepted: at 256 KiB/s a 4 MiB chunk (the SDK's default chunk and pack
 * size) takes 16 s, comfortably inside the hub's default 30 s audit timeout even while other
 * transfers share the limit. Slower hosts would fail audits.
 */
export const MIN_BANDWIDTH = 256 * 1024;

const BIT_PREFIX: Record<string, number> = {
  '': 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  ki: 2 ** 10,
  mi: 2 ** 20,
  gi: 2 ** 30,
  ti: 2 ** 40,
};

const EXAMPLES = 'a rate such as 10MB/s, 8MiB/s or 100Mbit/s';

/**
 * Parses a bandwidth limit into bytes per second: "10MB/s" (decimal), "8MiB/s" (binary),
 * "100Mbit/s" or "100Mbps" (bits), "1.5GB/s", "20M" (a bare unit reads as for sizes:
 * M = MiB). Units are case-insensitive except that a lone lower-case "b" is refused as
 * ambiguous ("10Mb/s": bits or bytes?). Throws a ValidationError naming `field`.
 */
export function parseBandwidth(text: string, field = '--bandwidth'): number {
  const bad = (why = `expected ${EXAMPLES}`) =>
    new ValidationError(field, `${why}, not "${String(text).slice(0, 40)}"`);
  if (typeof text !== 'string') throw bad();
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*(\/\s*s(?:ec)?)?\s*$/.exec(text);
  if (!m?.[1]) throw bad();
  const value = Number(m[1]);
  let unit = m[2] ?? '';
  let bits = false;
  if (!m[3] && unit.endsWith('bps')) {
    bits = true; // 100Mbps
    unit = unit.slice(0, -3);
  } else if (!m[3] && unit.endsWith('Bps')) {
    unit = unit.slice(0, -2); // 10MBps
  } else if (/bits?$/i.test(unit)) {
    bits = true;
    unit = unit.replace(/bits?$/i, '');
  } else if (unit.endsWith('b')) {
    const p = unit.slice(0, -1);
    throw bad(
      `"${unit}" is ambiguous: write ${m[1]}${p.toUpperCase()}B/s for bytes or ${m[1]}${p}bit/s for bits`,
    );
  }
  let bytesPerSecond: number;
  if (bits) {
    const mult = BIT_PREFIX[unit.toLowerCase()];
    if (mult === undefined) throw bad();
    bytesPerSecond = (value * mult) / 8;
  } else {
    try {
      bytesPerSecond = parseSize(`${m[1]}${unit}`, field);
    } catch {
      throw bad();
    }
  }
  bytesPerSecond = Math.floor(bytesPerSecond);
  if (!Number.isSafeInteger(bytesPerSecond)) throw bad();
  if (bytesPerSecond < MIN_BANDWIDTH) {
    throw bad(
      "expected at least 256KiB/s (about 2Mbit/s): a slower host cannot send a 4 MiB chunk within the hub's audit timeout",
    );
  }
  return bytesPerSecond;
}

/** 10485760 -> "10 MiB/s (83.9 Mbit/s)", for logs. */
export function formatBandwidth(bytesPerSecond: number): string {
  const mib = bytesPerSecond / 2 ** 20;
  const text =
    mib >= 1 ? `${+mib.toFixed(1)} MiB/s` : `${+(bytesPerSecond / 1024).toFixed(1)} KiB/s`;
  return `${text} (${+((bytesPerSecond * 8) / 1e6).toFixed(1)} Mbit/s)`;
}
