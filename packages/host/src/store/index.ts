// The chunk store as the rest of the host sees it. Its other files are its own parts.
export {
  type Compactor,
  type CompactorOptions,
  compactStore,
  startCompactor,
} from './compactor.ts';
export { type RebuildReport, rebuildIndex } from './rebuild.ts';
export { ChunkStore } from './store.ts';
export type {
  ChunkLocation,
  CompactionReport,
  CompactionStep,
  CompactOptions,
  PutHandle,
  PutResult,
  StoreOptions,
  StoreStats,
} from './types.ts';
export { DEFAULT_COMPACT_DEAD_RATIO, DEFAULT_SEGMENT_BYTES, MAX_CHUNK_BYTES } from './types.ts';
