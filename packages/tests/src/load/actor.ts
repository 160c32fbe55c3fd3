import { createSha256, toHex } from '@coffer/crypto';
import { ConflictError } from '@coffer/errors';
import type { CofferClient } from '@coffer/sdk';

// One load client: a logged-in CofferClient doing a mixed workload in its own folder, and
// racing its account's other client on shared paths, with a ledger of what each path must
// hold. [Note: Load ledger] in load/run.ts says what is checked against it.

export const OPS = [
  'putSmall',
  'putBatch',
  'putMedium',
  'revise',
  'get',
  'ls',
  'mv',
  'rmRestore',
  'versions',
  'race',
] as const;
export type Op = (typeof OPS)[number];

const WEIGHTS: Record<Op, number> = {
  putSmall: 22,
  putBatch: 6,
  putMedium: 3,
  revise: 6,
  get: 20,
  ls: 15,
  mv: 8,
  rmRestore: 8,
  versions: 6,
  race: 6,
};

export const RACE_PATHS = ['/race/a', '/race/b'];

export interface Held {
  sha: string;
  size: number;
  revisions: number;
}

export interface Timing {
  op: Op;
  ms: number;
}

export interface Failure {
  op: Op;
  client: number;
  message: string;
}

export function sha256(b: Uint8Array): string {
  const h = createSha256();
  h.update(b);
  return toHex(h.digest());
}

/** Distinct bytes for every write (xorshift from a random seed: content, not secrets). */
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n + 4 - (n % 4));
  const words = new Uint32Array(out.buffer);
  let x = (Math.random() * 2 ** 32) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return out.subarray(0, n);
}

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of stream as unknown as AsyncIterable<Uint8Array>) parts.push(p);
  return Buffer.concat(parts);
}

export class LoadActor {
  /** This client's own folder's files, by name: nobody else writes there. */
  readonly files = new Map<string, Held>();
  private serial = 0;
  readonly folder: string;

  constructor(
    readonly index: number,
    readonly client: CofferClient,
    /** Every content written to a race path by any client of the account, by path. */
    readonly raced: Map<string, Set<string>>,
  ) {
    this.folder = `/c${index}`;
  }

  private name(prefix: string) {
    return `${prefix}${this.serial++}`;
  }

  private pick(): string | undefined {
    const names = [...this.files.keys()];
    return names[Math.floor(Math.random() * names.length)];
  }

  private path(name: string) {
    return `${this.folder}/${name}`;
  }

  nextOp(): Op {
    const total = OPS.reduce((n, op) => n + WEIGHTS[op], 0);
    let r = Math.random() * total;
    for (const op of OPS) {
      r -= WEIGHTS[op];
      if (r < 0) return this.files.size === 0 && op !== 'race' ? 'putSmall' : op;
    }
    return 'putSmall';
  }

  async run(op: Op): Promise<void> {
    const c = this.client;
    switch (op) {
      case 'putSmall': {
        const bytes = randomBytes(1024 + Math.floor(Math.random() * 63 * 1024));
        const name = this.name('s');
        await c.upload(this.path(name), bytes, { parents: true });
        this.files.set(name, { sha: sha256(bytes), size: bytes.length, revisions: 1 });
        return;
      }
      case 'putBatch': {
        const batch = Array.from({ length: 5 }, () => ({
          name: this.name('b'),
          bytes: randomBytes(512 + Math.floor(Math.random() * 16 * 1024)),
        }));
        await c.uploadMany(
          batch.map((f) => ({ path: this.path(f.name), bytes: f.bytes })),
          { parents: true },
        );
        for (const f of batch) {
          this.files.set(f.name, { sha: sha256(f.bytes), size: f.bytes.length, revisions: 1 });
        }
        return;
      }
      case 'putMedium': {
        const bytes = randomBytes((1 + Math.floor(Math.random() * 4)) * 1024 * 1024 + 4321);
        const name = this.name('m');
        await c.upload(this.path(name), bytes, { parents: true });
        this.files.set(name, { sha: sha256(bytes), size: bytes.length, revisions: 1 });
        return;
      }
      case 'revise': {
        const name = this.pick();
        const held = name && this.files.get(name);
        if (!name || !held) return;
        const bytes = randomBytes(2048 + Math.floor(Math.random() * 30 * 1024));
        await c.upload(this.path(name), bytes);
        this.files.set(name, {
          sha: sha256(bytes),
          size: bytes.length,
          revisions: held.revisions + 1,
        });
        return;
      }
      case 'get': {
        const name = this.pick();
        const held = name && this.files.get(name);
        if (!name || !held) return;
        const got = await readAll((await c.download(this.path(name))).stream);
        if (sha256(got) !== held.sha) throw new Error(`${this.path(name)}: content differs`);
        return;
      }
      case 'ls': {
        const names = (await c.list(this.folder)).map((e) => e.name).sort();
        const want = [...this.files.keys()].sort();
        if (names.join('/') !== want.join('/')) {
          throw new Error(`${this.folder}: lists ${names.length} names, the ledger ${want.length}`);
        }
        return;
      }
      case 'mv': {
        const name = this.pick();
        const held = name && this.files.get(name);
        if (!name || !held) return;
        const to = this.name('v');
        await c.move(this.path(name), this.path(to));
        this.files.delete(name);
        this.files.set(to, held);
        return;
      }
      case 'rmRestore': {
        const name = this.pick();
        const held = name && this.files.get(name);
        if (!name || !held) return;
        const trashed = await c.trash(this.path(name));
        this.files.delete(name);
        if (Math.random() < 0.5) {
          await c.restore(trashed.id);
          this.files.set(name, held);
        }
        return;
      }
      case 'versions': {
        const name = this.pick();
        const held = name && this.files.get(name);
        if (!name || !held) return;
        const versions = await c.versions(this.path(name));
        if (versions.length !== held.revisions) {
          throw new Error(
            `${this.path(name)}: ${versions.length} versions, the ledger ${held.revisions}`,
          );
        }
        return;
      }
      case 'race': {
        const path = RACE_PATHS[Math.floor(Math.random() * RACE_PATHS.length)] as string;
        const bytes = randomBytes(1000 + Math.floor(Math.random() * 8000));
        // Recorded before the write: a write whose answer is lost may still have landed.
        const written = this.raced.get(path) ?? new Set<string>();
        written.add(sha256(bytes));
        this.raced.set(path, written);
        try {
          await c.upload(path, bytes, { parents: true });
        } catch (e) {
          // The other writer won this round: a typed conflict is the expected answer.
          if (!(e instanceof ConflictError)) throw e;
        }
        return;
      }
    }
  }
}
