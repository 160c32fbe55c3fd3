// The theme: the device's (the default, through prefers-color-scheme), or light or dark by
// choice, kept in this browser. A choice sets data-theme on <html>, which base.css reads.
import { choice } from './choice.ts';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const SAVED = 'coffer.theme';

function saved(): Theme {
  const value = localStorage.getItem(SAVED);
  return (THEMES as readonly string[]).includes(value ?? '') ? (value as Theme) : 'system';
}

function apply(t: Theme) {
  if (t === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
}

const theme = choice<Theme>(saved(), (t) => {
  if (t === 'system') localStorage.removeItem(SAVED);
  else localStorage.setItem(SAVED, t);
  apply(t);
});

/** Sets the saved theme on the page; main.tsx calls it once, before the first render. */
export function applySavedTheme() {
  apply(theme.get());
}

export const setTheme = theme.set;
export const useTheme = theme.use;
