import { ValidationError } from '@coffer/errors';

// [Note: WebDAV paths]
// A request path is split on "/" before it is percent-decoded, so an encoded slash (%2F) can
// never join two names, and a name that decodes to "." or ".." (%2e%2e too) is refused rather
// than resolved: a client cannot step above the served root. Names must be valid UTF-8 with no
// NUL. "#" and "?" are not special after the query is cut off: "#" is an ordinary character
// of a name (clients that mean a fragment do not send it). The served tree's path is the
// names joined by "/"; the root is the empty list.

/** The names of a request path, decoded and checked; throws ValidationError on a bad one. */
export function namesOf(rawPath: string): string[] {
  const q = rawPath.indexOf('?');
  const path = q < 0 ? rawPath : rawPath.slice(0, q);
  if (!path.startsWith('/')) throw new ValidationError('path', 'expected an absolute path');
  const names: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '') continue;
    const name = decodeName(segment);
    if (name === '.' || name === '..')
      throw new ValidationError('path', 'a name may not be "." or ".."');
    if (name.includes('/') || name.includes('\\'))
      throw new ValidationError('path', 'a name may not hold an encoded slash');
    if (name.includes('\0')) throw new ValidationError('path', 'a name may not hold NUL');
    names.push(name.normalize('NFC'));
  }
  return names;
}

function decodeName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError('path', 'expected percent-encoded UTF-8');
  }
}

/** The names of a Destination header's URI (absolute or a path), checked like a request path. */
export function destinationNames(header: string | undefined, host: string | undefined): string[] {
  if (!header)
    throw new ValidationError('Destination', 'missing: expected the URI to copy or move to');
  let url: URL;
  try {
    url = new URL(header, `http://${host ?? 'localhost'}`);
  } catch {
    throw new ValidationError('Destination', 'expected an absolute URI or path');
  }
  if (host && url.host !== host)
    throw new ValidationError('Destination', `expected a URI on this server (${host})`);
  // URL parsing resolves "..": read the path as it was sent when the header is a path or URI.
  const sent = header.startsWith('/')
    ? header
    : header.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return namesOf(sent || '/');
}

/** The Coffer path of `names`: "/a/b", or "/" for the root. */
export const pathOf = (names: readonly string[]) => `/${names.join('/')}`;

/** The request path of `names`, percent-encoded; a collection's ends with "/". */
export function hrefOf(names: readonly string[], collection: boolean): string {
  const path = names.map((n) => encodeURIComponent(n)).join('/');
  if (names.length === 0) return '/';
  return `/${path}${collection ? '/' : ''}`;
}

/** Whether `inner` is `outer` or inside it. */
export function within(inner: readonly string[], outer: readonly string[]): boolean {
  return outer.length <= inner.length && outer.every((n, i) => inner[i] === n);
}
