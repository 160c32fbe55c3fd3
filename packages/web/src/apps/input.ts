// What a person types on the page that connects an app, read as the hub and the SDK take it.

/**
 * What a person types, as the hub writes its codes: eight of twenty consonants ([Note: User
 * codes] in the protocol package), upper case, a dash in the middle; case, spaces and dashes
 * do not matter. Anything else is caught here, before a look-up counts against the hub's limit.
 */
export function normaliseCode(typed: string): string | null {
  const plain = typed.toUpperCase().replace(/[\s-]/g, '');
  return /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/.test(plain)
    ? `${plain.slice(0, 4)}-${plain.slice(4)}`
    : null;
}

/** The folder field as a path: "/" first, no empty names; null for the root. */
export function folderPath(typed: string): string | null {
  const names = typed
    .split('/')
    .map((n) => n.trim())
    .filter(Boolean);
  return names.length ? `/${names.join('/')}` : null;
}
