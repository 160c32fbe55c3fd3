import { IntegrityError } from '@coffer/errors';

/**
 * Every object Coffer encodes starts with a 4-byte header: the ASCII magic "CF", a type
 * letter and a version byte. Parsers call checkHeader before reading anything else.
 * docs/security.md lays out each format byte by byte.
 */
export const FORMATS = {
  wrappedKey: 'K',
  metadata: 'M',
  manifest: 'F',
  chunk: 'C',
  pack: 'P',
  sealedBox: 'S',
  keyBundle: 'B',
  link: 'L',
  contactBook: 'A',
  memberList: 'G',
  groupRoster: 'Y',
  groupName: 'N',
  shelfEntry: 'E',
  rating: 'V',
  feedState: 'H',
  syncState: 'T',
  totpSecret: 'O',
  fileRequest: 'R',
  drop: 'D',
} as const;

export type FormatName = keyof typeof FORMATS;

export const FORMAT_VERSION = 1;
export const HEADER_LENGTH = 4;

export function header(format: FormatName): Uint8Array {
  return Uint8Array.of(0x43, 0x46, FORMATS[format].charCodeAt(0), FORMAT_VERSION);
}

export function checkHeader(bytes: Uint8Array, format: FormatName): void {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_LENGTH) {
    throw new IntegrityError(`${format}: too short to be a Coffer object`);
  }
  if (bytes[0] !== 0x43 || bytes[1] !== 0x46 || bytes[2] !== FORMATS[format].charCodeAt(0)) {
    throw new IntegrityError(`${format}: wrong format tag`);
  }
  if (bytes[3] !== FORMAT_VERSION) {
    throw new IntegrityError(`${format}: unsupported version ${bytes[3]}`);
  }
}
