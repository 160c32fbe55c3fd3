import { type FileHandle, mkdir, open, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { createSha256 } from '@coffer/crypto';
import {
  decodeHeader,
  MAGIC_BYTES,
  parseSegmentName,
  RECORD_HEADER,
  segmentName,
  TYPE_CHUNK,
  TYPE_TOMBSTONE,
} from '../format.ts';
import { type Db, indexPath, openDb, SEQ_BLOCK, segmentsDir } from './index-db.ts';
import { errno } from './io.ts';
import { lockDir } from './lock.ts';

// Disaster recovery: a new index from the segment files alone.

export interface RebuildReport {
  segments: number;
  records: number;
  tombstones: number;
  chunks: number;
  usedBytes: number;
  /** Bytes that were not a valid record (torn writes, corruption), skipped. */
  skippedBytes: number;
  /** Where the old index was moved, if there was one. */
  oldIndex: string | null;
}

/**
 * Recreates DATA/index.sqlite from the segment files alone, checking every chunk against its
 * id. The host must not be running. The old index (if any) is kept beside it, renamed.
 * Takes time proportional to the data: this is for disaster recovery, not start-up.
 */
export async function rebuildIndex(
  dir: string,
  o: { log?: (line: string) => void } = {},
): Promise<RebuildReport> {
  const log = o.log ?? (() => undefined);
  await mkdir(segmentsDir(dir), { recursive: true, mode: 0o700 });
  const unlock = await lockDir(dir);
  try {
    const path = indexPath(dir);
    let oldIndex: string | null = null;
    try {
      oldIndex = `${path}.old-${Date.now()}`;
      await rename(path, oldIndex);
      for (const ext of ['-wal', '-shm']) {
        await rename(`${path}${ext}`, `${oldIndex}${ext}`).catch(() => undefined);
      }
      log(`rebuild: moved the old index to ${oldIndex}`);
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
      oldIndex = null;
    }
    const db = openDb(path);
    try {
      return { ...(await rebuildInto(db, dir, log)), oldIndex };
    } finally {
      db.close();
    }
  } finally {
    await unlock();
  }
}

async function rebuildInto(db: Db, dir: string, log: (line: string) => void) {
  db.exec(`CREATE TEMP TABLE found (
    id BLOB PRIMARY KEY, seq INTEGER NOT NULL, type INTEGER NOT NULL,
    segment INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL, at INTEGER NOT NULL
  ) WITHOUT ROWID`);
  const upsert = db.prepare(`INSERT INTO found VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, type = excluded.type,
      segment = excluded.segment, offset = excluded.offset, length = excluded.length, at = excluded.at
    WHERE excluded.seq > found.seq`);
  // Every chunk record, so that the dead ones can be listed in graves: see [Note: Compaction].
  db.exec(
    'CREATE TEMP TABLE puts (id BLOB NOT NULL, segment INTEGER NOT NULL, offset INTEGER NOT NULL)',
  );
  const addPut = db.prepare('INSERT INTO puts VALUES (?, ?, ?)');
  type Found = [Buffer, number, number, number, number, number, number];
  const flush = db.transaction((rows: Found[]) => {
    for (const r of rows) {
      upsert.run(...r);
      if (r[2] === TYPE_CHUNK) addPut.run(r[0], r[3], r[4]);
    }
  });
  const addSegment = db.prepare(
    'INSERT INTO segments (id, committed_end, dead_bytes, sealed) VALUES (?, ?, 0, 1)',
  );

  const ids = (await readdir(segmentsDir(dir)))
    .map(parseSegmentName)
    .filter((n): n is number => n !== null)
    .sort((a, b) => a - b);
  let records = 0;
  let tombstones = 0;
  let skippedBytes = 0;
  let maxSeq = 0;
  for (const id of ids) {
    let rows: Found[] = [];
    const r = await scanSegment(join(segmentsDir(dir), segmentName(id)), (h, offset) => {
      rows.push([h.id, h.seq, h.type, id, offset, h.length, h.at]);
      if (h.type === TYPE_TOMBSTONE) tombstones++;
      else records++;
      maxSeq = Math.max(maxSeq, h.seq);
      if (rows.length >= 10_000) {
        flush(rows);
        rows = [];
      }
    });
    flush(rows);
    addSegment.run(id, r.size);
    skippedBytes += r.skipped;
    if (r.skipped > 0) log(`rebuild: ${segmentName(id)}: skipped ${r.skipped} invalid bytes`);
  }
  db.transaction(() => {
    db.exec(`INSERT INTO chunks (id, segment, offset, length, stored_at)
      SELECT id, segment, offset, length, at FROM found WHERE type = ${TYPE_CHUNK}`);
    db.exec(`UPDATE segments SET dead_bytes = committed_end - coalesce(
      (SELECT sum(length + ${RECORD_HEADER}) FROM chunks WHERE chunks.segment = segments.id), 0)`);
    db.exec(`INSERT OR IGNORE INTO graves (id, segment)
      SELECT p.id, p.segment FROM puts p WHERE NOT EXISTS (SELECT 1 FROM chunks c
        WHERE c.id = p.id AND c.segment = p.segment AND c.offset = p.offset)`);
    db.exec(`UPDATE stats SET
      used_bytes = (SELECT coalesce(sum(length), 0) FROM chunks),
      chunks = (SELECT count(*) FROM chunks),
      dead_bytes = (SELECT coalesce(sum(dead_bytes), 0) FROM segments),
      next_seq = ${maxSeq + SEQ_BLOCK}`);
    db.exec('DROP TABLE found');
    db.exec('DROP TABLE puts');
  })();
  const s = db.prepare('SELECT used_bytes, chunks FROM stats').get() as {
    used_bytes: number;
    chunks: number;
  };
  log(
    `rebuild: ${ids.length} segments, ${records} chunk records, ${tombstones} tombstones -> ${s.chunks} chunks, ${s.used_bytes} bytes`,
  );
  return {
    segments: ids.length,
    records,
    tombstones,
    chunks: s.chunks,
    usedBytes: s.used_bytes,
    skippedBytes,
  };
}

/**
 * Reads every valid record of a segment in order. A record is valid when its header is
 * well-formed and, for a chunk, its data hashes to its id; anything else is skipped up to the
 * next header that is.
 */
async function scanSegment(
  path: string,
  onRecord: (h: NonNullable<ReturnType<typeof decodeHeader>>, offset: number) => void,
): Promise<{ size: number; skipped: number }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const header = Buffer.alloc(RECORD_HEADER);
    const block = Buffer.alloc(1024 * 1024);
    let pos = 0;
    let skipped = 0;
    const skipTo = async (from: number) => {
      const next = await findMagic(fh, block, from, size);
      skipped += next - pos;
      pos = next;
    };
    while (pos + RECORD_HEADER <= size) {
      await fh.read(header, 0, RECORD_HEADER, pos);
      const h = decodeHeader(header);
      if (!h || pos + RECORD_HEADER + h.length > size) {
        await skipTo(pos + 1);
        continue;
      }
      if (h.type === TYPE_CHUNK) {
        const hash = createSha256();
        for (let done = 0; done < h.length; ) {
          const n = Math.min(block.length, h.length - done);
          const { bytesRead } = await fh.read(block, 0, n, pos + RECORD_HEADER + done);
          if (bytesRead !== n) break;
          hash.update(block.subarray(0, n));
          done += n;
        }
        if (!Buffer.from(hash.digest()).equals(h.id)) {
          await skipTo(pos + 1);
          continue;
        }
      }
      onRecord(h, pos);
      pos += RECORD_HEADER + h.length;
    }
    skipped += size - pos;
    return { size, skipped };
  } finally {
    await fh.close();
  }
}

async function findMagic(fh: FileHandle, block: Buffer, from: number, size: number) {
  for (let pos = from; pos < size; ) {
    const { bytesRead } = await fh.read(block, 0, block.length, pos);
    if (bytesRead <= 0) break;
    const i = block.subarray(0, bytesRead).indexOf(MAGIC_BYTES);
    if (i >= 0) return pos + i;
    // A magic split across two blocks is found from the next block's start.
    pos += Math.max(1, bytesRead - (MAGIC_BYTES.length - 1));
  }
  return size;
}
