// Figures in the page's language for any component: sizes, rates, dates and counts bound to the
// language LanguageContext holds, so no component formats with the browser's own locale.
import { useContext, useMemo } from 'react';
import {
  formatCount,
  formatDate,
  formatDateTime,
  formatRate,
  formatSize,
  formatTime,
} from './figures.ts';
import { LanguageContext } from './i18n/use-t.ts';

export interface Figures {
  /** "30.0 MiB", "30,0 Mio". */
  size: (bytes: number) => string;
  /** "1.2 MiB/s". */
  rate: (bytesPerSecond: number) => string;
  /** "Dec 3, 2026", "3 déc. 2026". */
  date: (at: number) => string;
  /** The date and the time of day. */
  dateTime: (at: number) => string;
  time: (at: number) => string;
  count: (n: number) => string;
}

export function figuresFor(locale: string): Figures {
  return {
    size: (b) => formatSize(b, locale),
    rate: (b) => formatRate(b, locale),
    date: (at) => formatDate(at, locale),
    dateTime: (at) => formatDateTime(at, locale),
    time: (at) => formatTime(at, locale),
    count: (n) => formatCount(n, locale),
  };
}

export function useFigures(): Figures {
  const language = useContext(LanguageContext);
  return useMemo(() => figuresFor(language), [language]);
}
