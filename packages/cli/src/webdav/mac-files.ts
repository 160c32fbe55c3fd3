// [Note: Finder's files]
// Finder writes ._NAME (AppleDouble resource forks) and .DS_Store (window layout) beside
// everything it touches, and checks they exist right after writing them. Unless
// --keep-mac-files is given they are not stored in Coffer: the gateway keeps them in memory for
// its session (as SabreDAV's TemporaryFileFilter does), so Finder is satisfied and the account
// is not filled with them. They are not listed in folder listings.

/** Whether a name is one of Finder's files. */
export const isMacFile = (name: string | undefined) =>
  name !== undefined && (name === '.DS_Store' || name.startsWith('._'));

/** At most this much is kept in all; a PUT past it gets 507. */
export const MAC_FILES_BUDGET = 64 * 1024 * 1024;

export interface MacFile {
  bytes: Buffer;
  mtime: number;
  etag: string;
}

export class MacFiles {
  private readonly files = new Map<string, MacFile>();
  private used = 0;
  private serial = 0;

  get(path: string): MacFile | undefined {
    return this.files.get(path);
  }

  /** Stores one; false when over the budget. */
  put(path: string, bytes: Buffer, mtime: number): boolean {
    const before = this.files.get(path)?.bytes.length ?? 0;
    if (this.used - before + bytes.length > MAC_FILES_BUDGET) return false;
    this.used += bytes.length - before;
    this.files.set(path, { bytes, mtime, etag: `"mac-${++this.serial}"` });
    return true;
  }

  delete(path: string): boolean {
    const f = this.files.get(path);
    if (!f) return false;
    this.used -= f.bytes.length;
    this.files.delete(path);
    return true;
  }
}
