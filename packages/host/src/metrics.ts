import { Counter, Gauge, Registry } from 'prom-client';
import type { ChunkStore } from './store/index.ts';
import type { Traffic } from './throttle.ts';

/** The host's Prometheus metrics, served at /metrics. */
export function hostMetrics(store: ChunkStore, traffic: Traffic) {
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
  gauge(
    'coffer_host_reclaimable_bytes',
    'Dead bytes in segments compaction will rewrite (over the dead-share threshold).',
    () => store.stats().reclaimableBytes,
  );
  gauge(
    'coffer_host_bandwidth_limit_bytes_per_second',
    'The --bandwidth limit, in each direction, for chunk data; 0 when there is none.',
    () => traffic.limit ?? 0,
  );
  // Counters read from the traffic totals, which the hello to the hub reports too.
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter(
    'coffer_host_chunk_bytes_received_total',
    'Chunk bytes received: uploads, forwards and repair copies arriving.',
    () => traffic.in.bytes,
  );
  counter(
    'coffer_host_chunk_bytes_sent_total',
    'Chunk bytes sent: downloads, audits, forwards and repair copies leaving.',
    () => traffic.out.bytes,
  );
  new Counter({
    name: 'coffer_host_bandwidth_wait_seconds_total',
    help: 'Time transfers spent held back by the bandwidth limit, summed over transfers.',
    labelNames: ['direction'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ direction: 'in' }, traffic.in.waitedMs / 1000);
      this.inc({ direction: 'out' }, traffic.out.waitedMs / 1000);
    },
  });
  const requests = new Counter({
    name: 'coffer_host_requests_total',
    help: 'HTTP requests answered, by method and status.',
    labelNames: ['method', 'status'],
    registers: [registry],
  });
  return { registry, requests };
}

export type HostMetrics = ReturnType<typeof hostMetrics>;
