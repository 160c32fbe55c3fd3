// Numbers, sizes, shares, times and country names in the page's language.
const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatCount(n: number, locale: string): string {
  let f = numberFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale);
    numberFormats.set(locale, f);
  }
  return f.format(n);
}

/** 0.9987 -> "99.8 %": rounded down to a tenth of a percent, so only a full share shows 100 %. */
export function formatShare(share: number, locale: string): string {
  let v = Math.floor(share * 1000) / 1000;
  if (share < 1 && v >= 1) v = 0.999;
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(v);
}

/** "5 seconds ago", "in 2 minutes", "yesterday". */
export function formatAgo(at: number, now: number, locale: string): string {
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const s = Math.round((at - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 60) return rtf.format(s, 'second');
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86_400), 'day');
}

/**
 * Byte units per language: French writes octets ("48 o", "30,0 Mio"); Spanish and Brazilian
 * Portuguese keep the IEC symbols, as their software customarily does, with their own decimal comma.
 */
const SIZE_UNITS: Record<string, readonly string[]> = {
  fr: ['o', 'Kio', 'Mio', 'Gio', 'Tio'],
};
const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
const sizeFormats = new Map<string, Intl.NumberFormat>();

/**
 * A byte count for people in `locale`: "48 B", "30.0 MiB"; "48 o", "30,0 Mio" in French. Whole
 * bytes, else one decimal. A plain space, as `formatBytes` has: where a size must not wrap, its
 * cell says so (`nowrap`).
 */
export function formatSize(bytes: number, locale: string): string {
  const units = SIZE_UNITS[locale.split('-')[0] ?? ''] ?? IEC;
  let v = Math.max(0, bytes);
  let u = 0;
  // 1023.97 KiB would print as "1024.0 KiB": step up once the rounded figure reaches 1024.
  while (u < units.length - 1 && (u === 0 ? Math.round(v) : Math.round(v * 10) / 10) >= 1024) {
    v /= 1024;
    u++;
  }
  const key = `${locale}:${u === 0 ? 0 : 1}`;
  let f = sizeFormats.get(key);
  if (!f) {
    const digits = u === 0 ? 0 : 1;
    f = new Intl.NumberFormat(locale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      // Under 1024 of a unit, "1023 o" reads better than "1 023 o".
      useGrouping: false,
    });
    sizeFormats.set(key, f);
  }
  return `${f.format(v)} ${units[u]}`;
}

/** A transfer rate: "1.2 MiB/s", "1,2 Mio/s". */
export function formatRate(bytesPerSecond: number, locale: string): string {
  return `${formatSize(bytesPerSecond, locale)}/s`;
}

export function formatTime(at: number, locale: string): string {
  return new Date(at).toLocaleTimeString(locale, { timeStyle: 'short' });
}

export function formatDate(at: number, locale: string): string {
  return new Date(at).toLocaleDateString(locale, { dateStyle: 'medium' });
}

export function formatDateTime(at: number, locale: string): string {
  return new Date(at).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

const regionNames = new Map<string, Intl.DisplayNames | null>();

/** "France" for "FR" in English, "Francia" in Spanish; the code itself when unknown. */
export function countryName(code: string, locale: string): string {
  let names = regionNames.get(locale);
  if (names === undefined) {
    try {
      names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
    } catch {
      names = null;
    }
    regionNames.set(locale, names);
  }
  try {
    return names?.of(code) ?? code;
  } catch {
    return code;
  }
}
