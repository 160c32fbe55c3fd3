import pg from 'pg';

// [Note: Kicks across processes]
// A request that gives a background loop work (a purge for GC, a copy order for the copier, a
// subscription for the mirrors) kicks that loop so it runs soon instead of at its next round.
// With several hub processes on PostgreSQL the loop usually runs elsewhere: in the worker that
// holds its lease. So a kick is also sent as a PostgreSQL NOTIFY on a channel of the hub's
// schema, and every process that runs loops LISTENs there and kicks its own loop, which acts
// only where the lease is held. A process hears its own kicks too, which costs an extra,
// harmless kick. A lost notification (the listener reconnecting) only means the loop waits for
// its next round, as it would without kicks.

export type KickName = 'gc' | 'copies' | 'mirrors';
const NAMES: readonly KickName[] = ['gc', 'copies', 'mirrors'];

const RECONNECT_MS = 5_000;

/** The channel of one hub's schema (several hubs may share one PostgreSQL server). */
const channel = (schema: string | undefined) => `coffer_kicks_${schema ?? 'public'}`;

export interface Kicks {
  /** Sends `name` to every process's loop. */
  send(name: KickName): void;
  stop(): Promise<void>;
}

/**
 * Kicks for the processes of one PostgreSQL hub: sends over the hub's pool (`notify`), and,
 * when `onKick` is given (a process that runs loops), listens on a connection of its own.
 */
export function startKicks(o: {
  url: string;
  schema: string | undefined;
  notify: (channel: string, name: KickName) => Promise<unknown>;
  onKick?: (name: KickName) => void;
  log: (line: string) => void;
}): Kicks {
  const name = channel(o.schema);
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const listen = async () => {
    if (stopped || !o.onKick) return;
    const c = new pg.Client({ connectionString: o.url, keepAlive: true });
    const again = () => {
      if (client !== c || stopped) return;
      client = null;
      void c.end().catch(() => {});
      retry = setTimeout(() => void listen(), RECONNECT_MS);
      retry.unref();
    };
    client = c;
    c.on('error', (e) => {
      o.log(`kicks: the listening connection failed: ${e.message}`);
      again();
    });
    c.on('end', again);
    c.on('notification', (m) => {
      const kick = m.payload as KickName;
      if (m.channel === name && NAMES.includes(kick)) o.onKick?.(kick);
    });
    try {
      await c.connect();
      await c.query(`listen ${name}`);
    } catch (e) {
      o.log(`kicks: cannot listen: ${(e as Error).message}`);
      again();
    }
  };
  void listen();
  return {
    send(kick) {
      o.notify(name, kick).catch((e) => o.log(`kicks: ${kick}: ${(e as Error).message}`));
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
