// Names as file systems compare them, the names sync gives conflict copies, and the names it
// keeps for itself.

/** Sync's own folder in the root (the base, the local trash): never synced. */
export const STATE_DIR = '.coffer';
/**
 * A download is written to a file named with this prefix in its destination's folder, then
 * renamed into place: never synced, and left over only by a crash (`partName` in ignore.ts).
 */
export const PART_PREFIX = '.coffer-part-';

/**
 * The key two names are equal under: Unicode NFC always (macOS hands out decomposed names,
 * Linux keeps what it was given, and the hub stores what the client sent), and lower case
 * too on a case-insensitive file system (macOS and Windows by default).
 */
export function nameKey(name: string, caseInsensitive: boolean): string {
  const nfc = name.normalize('NFC');
  return caseInsensitive ? nfc.toLowerCase() : nfc;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `name (conflict DEVICE YYYY-MM-DD HHMMSS).ext`, in UTC so that every device names a
 * conflict alike. The extension is what follows the last dot, unless the name starts with its
 * only dot (`.bashrc` has none) or has no dot.
 */
export function conflictName(name: string, device: string, at: Date): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const stamp =
    `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
  return `${stem} (conflict ${device} ${stamp})${ext}`;
}

/** A name no sibling has yet (under `key`): `name`, else `name (2)`, `name (3)` … before the extension. */
export function freeName(
  name: string,
  taken: (key: string) => boolean,
  key: (n: string) => string,
) {
  if (!taken(key(name))) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let i = 2; ; i++) {
    const candidate = `${stem} (${i})${ext}`;
    if (!taken(key(candidate))) return candidate;
  }
}
