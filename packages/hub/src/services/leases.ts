import { hostname } from 'node:os';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/index.ts';
import { newRecordId } from './ids.ts';

// [Note: Leases]
// Several hub processes may share one PostgreSQL ([Note: Hub roles] in index.ts). Each
// background loop (repair, audits, GC, the copier, mirrors, history, the change pruner, the
// stored-bytes fold) must run in one process at a time: two repairers would copy the same chunk
// twice, two collectors race on the same replicas. So every process that runs loops keeps a
// lease per loop in the `leases` table, and a loop runs a round only while its process holds
// that loop's lease. A lease is taken when it is free or expired, renewed every RENEW_MS by its
// holder, and lasts LEASE_MS; a holder that dies stops renewing, so another process holds it
// within LEASE_MS + RENEW_MS (20 s). A holder that cannot renew (its database connection is
// down, its event loop stalled) stops counting itself the holder once LEASE_MS has passed since
// its last renewal, before anyone else may take over. Stopping releases at once. Times are the
// processes' clocks: hub machines are expected to keep them in step (NTP), as within a second
// or two is plenty next to 15 s.
// A long round looks at its lease between units of work (repair between chunks, the copier
// between jobs, GC between batches), so a process that lost its lease mid-round stops instead
// of working beside the new leader. On PostgreSQL the keeper renews over a connection of its
// own, so renewals never wait behind the pool's long queries.
// Different loops may be led by different processes, which spreads the work.

export const LEASE_MS = 15_000;
export const RENEW_MS = 5_000;

/**
 * Takes the lease `name` for `holder` if it is free, expired or already `holder`'s, for `ttlMs`
 * from `now`. Returns whether `holder` holds it afterwards. One statement, so two processes
 * taking it at once cannot both succeed.
 */
export async function takeLease(
  db: Kysely<Database>,
  name: string,
  holder: string,
  now: number,
  ttlMs = LEASE_MS,
): Promise<boolean> {
  await db
    .insertInto('leases')
    .values({ name, holder, expires_at: now + ttlMs, taken_at: now })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({
          holder,
          expires_at: now + ttlMs,
          taken_at: sql<number>`case when leases.holder = ${holder} then leases.taken_at else ${now} end`,
        })
        .where((eb) =>
          eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<', now)]),
        ),
    )
    .execute();
  const row = await db
    .selectFrom('leases')
    .select('holder')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.holder === holder;
}

/** Gives the lease up if `holder` has it. */
export async function releaseLease(db: Kysely<Database>, name: string, holder: string) {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
}

/** Who holds each lease now (expired ones left out). */
export async function leaseHolders(
  db: Kysely<Database>,
  now: number,
): Promise<{ name: string; holder: string; expiresAt: number; takenAt: number }[]> {
  const rows = await db
    .selectFrom('leases')
    .selectAll()
    .where('expires_at', '>=', now)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    name: r.name,
    holder: r.holder,
    expiresAt: Number(r.expires_at),
    takenAt: Number(r.taken_at),
  }));
}

/** This process's name as a lease holder: host, pid and a random part (pids are reused). */
export const processHolder = () => `${hostname()}:${process.pid}:${newRecordId().slice(0, 8)}`;

/** The leases of this process's loops, kept and renewed ([Note: Leases]). */
export class LeaseKeeper {
  readonly holder = processHolder();
  /** When each lease held was last renewed. */
  readonly #renewed = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | null = null;
  #stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly names: readonly string[],
    private readonly now: () => number,
    private readonly log: (line: string) => void,
  ) {}

  /** Takes what it can now, then keeps renewing every RENEW_MS. */
  async start(): Promise<void> {
    await this.renew();
    this.#timer = setInterval(() => {
      if (!this.#ticking) this.#ticking = this.renew().finally(() => (this.#ticking = null));
    }, RENEW_MS);
    this.#timer.unref();
  }

  /** Whether this process holds `name` now. */
  holds(name: string): boolean {
    const at = this.#renewed.get(name);
    return !this.#stopped && at !== undefined && this.now() - at < LEASE_MS;
  }

  /** The leases this process holds. */
  held(): string[] {
    return this.names.filter((n) => this.holds(n));
  }

  /** Takes or renews each lease now. */
  async renew() {
    for (const name of this.names) {
      if (this.#stopped) return;
      const now = this.now();
      const had = this.holds(name);
      let has = false;
      try {
        has = await takeLease(this.db, name, this.holder, now);
      } catch (e) {
        this.log(`leases: ${name}: ${(e as Error).message}`);
        continue; // keeps what it had until LEASE_MS after its last renewal
      }
      if (has) this.#renewed.set(name, now);
      else this.#renewed.delete(name);
      if (has && !had) this.log(`leases: ${this.holder} leads ${name}`);
    }
  }

  /** Stops renewing and gives every lease up, so another process takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#ticking;
    for (const name of this.#renewed.keys()) {
      await releaseLease(this.db, name, this.holder).catch(() => {});
    }
    this.#renewed.clear();
  }
}
