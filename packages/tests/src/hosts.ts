import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CofferClient } from '@coffer/sdk';

/** The segment files of a host's chunk store. */
export async function segmentFiles(hostDir: string): Promise<string[]> {
  const dir = join(hostDir, 'segments');
  return (await readdir(dir)).filter((f) => f.endsWith('.seg')).map((f) => join(dir, f));
}

/**
 * Bit rot: flips one byte of a stored chunk on disk, found by a run of its bytes (`stored`,
 * as the host served them). Returns whether the chunk was found.
 */
export async function corruptStoredChunk(hostDir: string, stored: Uint8Array): Promise<boolean> {
  const needle = Buffer.from(stored.subarray(1000, 1064));
  let flipped = false;
  for (const file of await segmentFiles(hostDir)) {
    const at = (await readFile(file)).indexOf(needle);
    if (at < 0) continue;
    const fh = await open(file, 'r+');
    const byte = Buffer.alloc(1);
    await fh.read(byte, 0, 1, at + 32);
    byte[0] = (byte[0] ?? 0) ^ 0xff;
    await fh.write(byte, 0, 1, at + 32);
    await fh.close();
    flipped = true;
  }
  return flipped;
}

/** Whether a host's chunk store holds these exact bytes (a chunk object) on disk. */
export async function holdsOnDisk(hostDir: string, bytes: Uint8Array): Promise<boolean> {
  for (const file of await segmentFiles(hostDir))
    if ((await readFile(file)).indexOf(Buffer.from(bytes)) >= 0) return true;
  return false;
}

/** Every replica of every stored object of a file, with a get token for each, from the hub. */
export async function replicasOf(client: CofferClient, path: string) {
  const manifest = await client.manifest(await client.resolve(path));
  const ids = [...new Set(manifest.chunks.map((c) => c.pack?.id ?? c.id))];
  const { chunks } = await client.hub.call('locateChunks', { body: { ids } });
  return chunks.flatMap((c) => c.replicas.map((r) => ({ id: c.id, size: c.size, ...r })));
}

/** Where the hub says each chunk of a file is (the operator's `/api/admin/placement`). */
export async function placementOf(
  net: { hubUrl: string; operatorToken: string },
  client: CofferClient,
  path: string,
) {
  const node = await client.resolve(path);
  const res = await fetch(`${net.hubUrl}/api/admin/placement/${node.info.id}`, {
    headers: { authorization: `Bearer ${net.operatorToken}` },
  });
  if (res.status !== 200) throw new Error(`placement of ${path}: ${res.status}`);
  return ((await res.json()) as { chunks: { id: string; hosts: { country: string }[] }[] }).chunks;
}
