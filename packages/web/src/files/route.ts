// Where the signed-in app is, as the page's address: every folder, view and search has its own
// URL ("#/files/Photos/2026", "#/trash", "#/search?q=beach", "#/approve?code=BCDF-GHJK"), so
// Back and Forward move through them, a reload keeps the place, and a bookmark opens it (after
// logging in, if need be).
import { useCallback, useEffect, useState } from 'react';

export interface Route {
  /** "files", "search", or another view's key; the app checks it is one it has. */
  view: string;
  /** The open folder, for "files". */
  path: string;
  /** The search's text, for "search"; the code an app shows, for "approve". */
  query: string;
}

const ROOT: Route = { view: 'files', path: '/', query: '' };

/** The route an address's hash names; anything it cannot read is the root folder. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [head = '', search = ''] = raw.split('?', 2) as [string?, string?];
  const [view, ...rest] = head.split('/');
  if (!view) return ROOT;
  if (view === 'files') {
    try {
      const names = rest.filter(Boolean).map(decodeURIComponent);
      // A name is never "." or "..", nor holds a "/": such a path is not one.
      if (names.some((n) => n === '.' || n === '..' || n.includes('/'))) return ROOT;
      return { ...ROOT, path: `/${names.join('/')}` };
    } catch {
      return ROOT;
    }
  }
  if (!/^[a-z-]+$/.test(view)) return ROOT;
  const params = new URLSearchParams(search);
  const query =
    view === 'search'
      ? (params.get('q') ?? '')
      : view === 'approve'
        ? (params.get('code') ?? '')
        : '';
  return { view, path: '/', query };
}

/** The hash that names `route`. */
export function routeHash(route: Route): string {
  if (route.view === 'files') {
    const names = route.path.split('/').filter(Boolean).map(encodeURIComponent);
    return `#/files${names.length ? `/${names.join('/')}` : ''}`;
  }
  if (route.view === 'search') return `#/search?${new URLSearchParams({ q: route.query })}`;
  // The address an app sends people to (RFC 8628's verification_uri_complete) carries its code.
  if (route.view === 'approve' && route.query)
    return `#/approve?${new URLSearchParams({ code: route.query })}`;
  return `#/${route.view}`;
}

/**
 * The route in the address bar, and a way to go elsewhere: a new history entry, or in place
 * (`replace`) for steps Back should skip, such as each letter typed into search.
 */
export function useRoute(): [Route, (to: Route, o?: { replace?: boolean }) => void] {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const go = useCallback((to: Route, o: { replace?: boolean } = {}) => {
    const hash = routeHash(to);
    if (hash === location.hash) return setRoute(to);
    if (o.replace) {
      history.replaceState(history.state, '', hash);
      setRoute(to);
    } else location.hash = hash;
  }, []);
  return [route, go];
}
