import { Counter, Gauge, Registry } from 'prom-client';
import type { ChunkStore } from './store.ts';

/** The host's Prometheus metrics, served at /metrics. */
export function hostMetrics(store: ChunkStore) {
  const registry = new Registry();
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge('coffer_host_chunks', 'Chunks stored.', () => store.stats().chunks);
  gauge('coffer_host_used_bytes', 'Bytes of live chunks.', () => store.stats().usedBytes);
  gauge('coffer_host_capacity_bytes', 'Space offered.', () => store.stats().capacity);
  gauge(
    'coffer_host_dead_bytes',
    'Bytes of deleted chunks not yet reclaimed.',
    () => store.stats().deadBytes,
  );
  gauge('coffer_host_segments', 'Segment files.', () => store.stats().segments);
  const requests = new Counter({
    name: 'coffer_host_requests_total',
    help: 'HTTP requests answered, by method and status.',
    labelNames: ['method', 'status'],
    registers: [registry],
  });
  return { registry, requests };
}

export type HostMetrics = ReturnType<typeof hostMetrics>;
