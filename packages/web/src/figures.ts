// Numbers, shares, times and country names in the page's language, for the dashboards.
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
