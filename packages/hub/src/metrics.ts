import { Counter, Gauge, Registry } from 'prom-client';
import type { Hub } from './context.ts';
import { stats } from './services/admin.ts';
import { displayState } from './services/host-state.ts';

/**
 * The hub's Prometheus metrics, served at /metrics to the operator token. Every gauge reads
 * one snapshot of the admin stats, taken once per scrape.
 */
export function hubMetrics(hub: Hub, networkBytes?: () => { received: number; sent: number }) {
  const registry = new Registry();
  if (networkBytes) {
    new Counter({
      name: 'coffer_hub_network_bytes_total',
      help: 'Bytes the hub moved over HTTP connections, both ways: the hosts and clients it answers and the hosts it calls ([Note: Hub network bytes]).',
      labelNames: ['direction'],
      registers: [registry],
      collect() {
        const t = networkBytes();
        this.reset();
        this.inc({ direction: 'received' }, t.received);
        this.inc({ direction: 'sent' }, t.sent);
      },
    });
  }
  let snapshot: { at: number; value: Promise<Awaited<ReturnType<typeof stats>>> } | null = null;
  const read = () => {
    if (!snapshot || Date.now() - snapshot.at > 1000) {
      snapshot = { at: Date.now(), value: stats(hub) };
    }
    return snapshot.value;
  };
  const hostStates = async () =>
    (await hub.db.selectFrom('hosts').select(['state', 'last_seen_at']).execute()).map((h) =>
      displayState(hub, h),
    );
  const gauge = (
    name: string,
    help: string,
    pick: (s: Awaited<ReturnType<typeof stats>>) => number,
  ) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(pick(await read()));
      },
    });
  gauge('coffer_hub_accounts', 'Accounts.', (s) => s.accounts);
  gauge('coffer_hub_files', 'Files.', (s) => s.files);
  gauge('coffer_hub_folders', 'Folders.', (s) => s.folders);
  gauge('coffer_hub_chunks', 'Stored objects (chunks and packs).', (s) => s.chunks);
  gauge(
    'coffer_hub_stored_bytes',
    'Bytes held by hosts, every replica counted.',
    (s) => s.storedBytes,
  );
  gauge('coffer_hub_capacity_bytes', 'Space offered by all hosts.', (s) => s.capacity);
  gauge(
    'coffer_hub_disk_free_bytes',
    'Free space on the disks under the hosts that report them, each disk once.',
    (s) => s.disk.freeBytes,
  );
  gauge(
    'coffer_hub_hosts_overcommitted',
    'Hosts whose declared capacity, less what they store, exceeds their free disk space.',
    (s) => s.disk.overcommitted,
  );
  gauge(
    'coffer_hub_repair_under_replicated',
    'Chunks below target found by the last repair round.',
    (s) => s.repair.underReplicated,
  );
  gauge(
    'coffer_hub_repair_copies_total',
    'Host-to-host copies made by repair since the hub started.',
    (s) => s.repair.copiedTotal,
  );
  new Gauge({
    name: 'coffer_hub_hosts',
    help: 'Hosts by state.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const state of ['pending', 'online', 'offline', 'disqualified', 'exiting', 'exited']) {
        this.set({ state }, 0);
      }
      for (const state of await hostStates()) this.inc({ state });
    },
  });
  return registry;
}
