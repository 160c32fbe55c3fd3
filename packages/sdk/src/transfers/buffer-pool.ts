/**
 * Buffers for received chunks, handed back once their bytes are written.
 *
 * [Note: Recycled receive buffers]
 * A fresh 4 MiB buffer costs a page fault per 4 KiB and, once dropped, garbage collection:
 * here that is more CPU than decrypting it. A download receives each chunk object into a
 * buffer of exactly its length (the manifest gives it); the worker decrypts it in place and
 * hands it back as the plaintext, and a consumer that has written that plaintext passes it to
 * `Download.recycle`, which returns the whole buffer here for a later chunk of that length.
 * Only lengths this pool handed out are kept, and at most `maxBytes` of them.
 */
export class BufferPool {
  private readonly spare = new Map<number, ArrayBuffer[]>();
  private readonly lengths = new Set<number>();
  private spareBytes = 0;

  constructor(private readonly maxBytes = 48 * 1024 * 1024) {}

  /** A buffer of exactly `length` bytes that owns its whole memory (so it can be transferred). */
  take(length: number): Uint8Array {
    this.lengths.add(length);
    const b = this.spare.get(length)?.pop();
    if (!b) return new Uint8Array(length);
    this.spareBytes -= length;
    return new Uint8Array(b);
  }

  /** Hands back the memory behind `view` (any view of a buffer from `take`); use it no more. */
  give(view: Uint8Array): void {
    const b = view.buffer;
    const length = b.byteLength;
    if (!(b instanceof ArrayBuffer) || !this.lengths.has(length)) return;
    if (this.spareBytes + length > this.maxBytes) return;
    const list = this.spare.get(length) ?? [];
    if (list.includes(b)) return;
    list.push(b);
    this.spare.set(length, list);
    this.spareBytes += length;
  }
}
