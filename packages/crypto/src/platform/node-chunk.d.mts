import type { OpenChunkJob, OpenedChunk, SealChunkJob, SealedChunkBytes } from './types.ts';

export function sealChunkSync(job: SealChunkJob): SealedChunkBytes;
export function openChunkSync(job: OpenChunkJob): OpenedChunk;
