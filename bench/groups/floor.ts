// The physical floor of a direct copy on this machine: what the work a copy cannot skip costs
// when done alone, with nothing else in the way. A direct copy reads the chunk's bytes out of
// the source's segment (page cache), sends them over a loopback socket, hashes them with
// SHA-256 at the destination (the check that makes a copy safe) and writes them into a fresh
// file, then fdatasyncs. cp does none of this in user space: copy_file_range moves pages
// inside the kernel. Each step is timed over `bytes` in 4 MiB pieces, as chunks are, in this
// process, with its CPU seconds.
import { closeSync, fdatasyncSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { join } from 'node:path';
import { createSha256 } from '@coffer/crypto';
import { noiseBytes } from '@coffer/tests/files';

const PIECE = 4 * 1024 * 1024;

export interface FloorStep {
  step: string;
  s: number;
  cpu: number;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function timed(step: string, fn: () => void | Promise<void>): Promise<FloorStep> {
  const c = cpuNow();
  const t = performance.now();
  await fn();
  return { step, s: (performance.now() - t) / 1000, cpu: cpuNow() - c };
}

/** Times each step a direct copy of `bytes` cannot avoid, in `dir` (the copy's file system). */
export async function copyFloor(dir: string, bytes: number): Promise<FloorStep[]> {
  const piece = Buffer.from(noiseBytes(PIECE, 5));
  const pieces = Math.ceil(bytes / PIECE);
  const file = join(dir, 'floor.bin');
  const steps: FloorStep[] = [];
  try {
    steps.push(
      await timed('SHA-256 (@coffer/crypto, as the host hashes)', () => {
        for (let i = 0; i < pieces; i++) {
          const h = createSha256();
          h.update(piece);
          h.digest();
        }
      }),
    );
    const fd = openSync(file, 'w');
    steps.push(
      await timed('write into a fresh file (page cache)', () => {
        for (let i = 0; i < pieces; i++) writeSync(fd, piece);
      }),
    );
    steps.push(await timed('fdatasync', () => fdatasyncSync(fd)));
    closeSync(fd);
    const rfd = openSync(file, 'r');
    steps.push(
      await timed('read from the page cache', () => {
        for (let i = 0; i < pieces; i++) readSync(rfd, piece, 0, PIECE, i * PIECE);
      }),
    );
    closeSync(rfd);
    steps.push(await timed('loopback TCP, both ends', () => loopback(piece, pieces)));
  } finally {
    rmSync(file, { force: true });
  }
  return steps;
}

function loopback(piece: Buffer, pieces: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const total = piece.length * pieces;
    const server = createServer((s) => {
      let n = 0;
      s.on('data', (d: Buffer) => {
        n += d.length;
        if (n >= total) {
          s.destroy();
          server.close();
          resolve();
        }
      });
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const c = connect((server.address() as AddressInfo).port, '127.0.0.1', () => {
        let sent = 0;
        const more = () => {
          while (sent < pieces) {
            sent++;
            if (!c.write(piece)) return void c.once('drain', more);
          }
          c.end();
        };
        more();
      });
      c.on('error', reject);
    });
  });
}
