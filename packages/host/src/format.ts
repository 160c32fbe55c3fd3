import { crc32 } from 'node:zlib';

// [Note: Segment record format]
// A segment file (DATA/segments/000001.seg) is a sequence of records, each a 64-byte header
// followed by `length` data bytes, written append-only:
//
//   offset  size  field
//        0     4  magic "CFSG"
//        4     1  type: 1 = chunk, 2 = tombstone (the chunk was deleted; length 0)
//        5     3  zero
//        8     4  length of the data, u32 big-endian
//       12     4  CRC-32 of the 64 header bytes with this field zeroed
//       16     8  seq, u64 big-endian: unique and increasing across all segments
//       24     8  at, u64 big-endian: ms since the epoch when the record was written
//       32    32  chunk id (SHA-256 of the data), raw bytes
//       64     n  data
//
// The SQLite index is the source of truth while the host runs; the headers exist so that the
// segments alone can rebuild it (`rebuildIndex`): for every id the record with the highest
// seq wins, and a winning tombstone means "deleted". Data is checked against its id on
// rebuild, and the CRC lets the scan skip over torn or overwritten bytes to the next header.
// Compaction copies records byte for byte, seq included, so that a copy never outranks a
// later tombstone; see [Note: Compaction] in store/compaction.ts for when a tombstone may go.

export const RECORD_HEADER = 64;
export const TYPE_CHUNK = 1;
export const TYPE_TOMBSTONE = 2;
const MAGIC = Buffer.from('CFSG', 'latin1');
export const MAGIC_BYTES: Buffer = MAGIC;

export interface RecordHeader {
  type: typeof TYPE_CHUNK | typeof TYPE_TOMBSTONE;
  length: number;
  seq: number;
  at: number;
  /** 32 raw bytes. */
  id: Buffer;
}

export function encodeHeader(h: RecordHeader): Buffer {
  const b = Buffer.alloc(RECORD_HEADER);
  MAGIC.copy(b, 0);
  b.writeUInt8(h.type, 4);
  b.writeUInt32BE(h.length, 8);
  b.writeBigUInt64BE(BigInt(h.seq), 16);
  b.writeBigUInt64BE(BigInt(h.at), 24);
  h.id.copy(b, 32);
  b.writeUInt32BE(crc32(b), 12);
  return b;
}

/** Returns null unless `b` (64 bytes) is a well-formed header. */
export function decodeHeader(b: Buffer): RecordHeader | null {
  if (b.length < RECORD_HEADER || !b.subarray(0, 4).equals(MAGIC)) return null;
  const stored = b.readUInt32BE(12);
  const copy = Buffer.from(b.subarray(0, RECORD_HEADER));
  copy.writeUInt32BE(0, 12);
  if (crc32(copy) !== stored) return null;
  const type = b.readUInt8(4);
  if (type !== TYPE_CHUNK && type !== TYPE_TOMBSTONE) return null;
  if (b.readUInt8(5) !== 0 || b.readUInt8(6) !== 0 || b.readUInt8(7) !== 0) return null;
  const length = b.readUInt32BE(8);
  if (type === TYPE_TOMBSTONE && length !== 0) return null;
  const seq = b.readBigUInt64BE(16);
  const at = b.readBigUInt64BE(24);
  if (seq > BigInt(Number.MAX_SAFE_INTEGER) || at > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return { type, length, seq: Number(seq), at: Number(at), id: Buffer.from(b.subarray(32, 64)) };
}

export const segmentName = (id: number) => `${String(id).padStart(6, '0')}.seg`;

export function parseSegmentName(name: string): number | null {
  const m = /^(\d{6,})\.seg$/.exec(name);
  if (!m?.[1]) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}
