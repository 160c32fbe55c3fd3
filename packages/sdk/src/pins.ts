import { IntegrityError } from '@coffer/errors';

// [Note: Freshness pins]
// Every context binds a place and a version, not recency: a hub can replay an older state
// it once served (an older revision called current, a folder with its keys from before a
// rotation), and that state verifies. So a client remembers, per node id, the newest state it
// has verified, and refuses anything older: an IntegrityError saying "rolled back", before
// anything is read or written locally.
//
// A pin holds only values the hub cannot forge upward, and advances only once they verified:
// - `revision`: once the current revision's manifest opened (sealed under the file key, signed
//   by an author we accept, bound to the file id and that revision number) and matched the
//   file's encrypted metadata. A revision number in a listing is the hub's word alone, so it
//   is checked against the pin but never advances it.
// - `keyVersion`: once the node's wrapped key opened; the key version is in its AAD.
// The node `version` is not pinned: it is the hub's write counter, signed nowhere, so a
// replaying hub can write any version it likes, and a pin on it would let one inflated answer
// lock the client out of a node for good. Because pins advance only on verified values, no
// lie can raise one; a lie can only be refused.
//
// What stays open: a client without history (a new device, a fresh config dir) accepts
// whatever the hub serves first; renames and moves (metadata, which is bound to the node id
// and kind only) are not pinned; and new revisions this client writes are pinned when first
// read back, not when committed, so a read already in flight cannot trip over our own write.
// One read answered from before another device's write, arriving after a newer revision was
// verified, is refused too; asking again gets the newer state.

/** The newest verified state of one node. 0 means none seen yet. */
export interface Pin {
  /** The newest revision verified as a file's current one. */
  revision: number;
  /** The newest key version whose wrapped key opened. */
  keyVersion: number;
}

/**
 * Where a client keeps its pins, by node id, for one account on one hub (never mix accounts:
 * node ids of a shared folder are the same for every member, their pins are not). The client
 * keeps the order of its own writes and only ever puts a pin at least as high as the last, so
 * a store is a plain map; it may answer synchronously or with a promise. The default keeps
 * pins in memory for the client's lifetime; the CLI keeps a JSON file per account, the sync
 * client a table in its database.
 */
export interface FreshnessPins {
  get(nodeId: string): Pin | undefined | Promise<Pin | undefined>;
  put(nodeId: string, pin: Pin): void | Promise<void>;
}

/** Pins in memory: one client session never goes back in time. */
export function memoryPins(): FreshnessPins {
  const pins = new Map<string, Pin>();
  return {
    get: (id) => pins.get(id),
    put: (id, pin) => {
      pins.set(id, pin);
    },
  };
}

const NONE: Pin = { revision: 0, keyVersion: 0 };
const FIELDS = [
  ['revision', 'revision'],
  ['keyVersion', 'key version'],
] as const;

/** A served state against the pins: refuses a rollback, advances on what verified. */
export class Freshness {
  private readonly known = new Map<string, Pin>();
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly store: FreshnessPins = memoryPins()) {}

  /**
   * A node that opened under its parent: its revision and key version must not be older
   * than the pin, and its key version (bound into its wrapped key) advances it.
   */
  opened(info: { id: string; revision: number | null; keyVersion?: number | undefined }) {
    const keyVersion = info.keyVersion ?? 1;
    return this.see(info.id, { revision: info.revision ?? 0, keyVersion }, { keyVersion });
  }

  /** A file whose current revision's manifest verified: that revision advances the pin. */
  verified(nodeId: string, revision: number) {
    return this.see(nodeId, { revision }, { revision });
  }

  private async see(id: string, served: Partial<Pin>, advance: Partial<Pin>): Promise<void> {
    const stored = this.known.has(id) ? undefined : await this.store.get(id);
    // Read the cache after the await: a concurrent look at the same node may have moved it.
    const pin = higher(this.known.get(id) ?? NONE, stored ?? NONE);
    for (const [field, words] of FIELDS) {
      const got = served[field];
      if (got !== undefined && got < pin[field]) {
        throw new IntegrityError(
          `node ${id}: the hub served ${words} ${got}, older than ${words} ${pin[field]} seen before (rolled back)`,
          { detail: `pinned ${JSON.stringify(pin)}, served ${JSON.stringify(served)}` },
        );
      }
    }
    const next = higher(pin, advance);
    this.known.set(id, next);
    if (next.revision === pin.revision && next.keyVersion === pin.keyVersion) return;
    // Puts go out in the order the checks ran, so a store never sees a pin go down.
    const write = this.writes.then(() => this.store.put(id, next));
    this.writes = write.catch(() => undefined);
    await write;
  }
}

function higher(a: Pin, b: Partial<Pin>): Pin {
  return {
    revision: Math.max(a.revision, b.revision ?? 0),
    keyVersion: Math.max(a.keyVersion, b.keyVersion ?? 0),
  };
}
