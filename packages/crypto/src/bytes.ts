import { IntegrityError, ValidationError } from '@coffer/errors';
import { base32crockford, base64urlnopad, hex } from '@scure/base';

export const utf8 = {
  encode: (s: string): Uint8Array => new TextEncoder().encode(s),
  decode: (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(b),
};

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Compares without an early exit, so the time taken does not reveal where bytes differ. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

export function toHex(b: Uint8Array): string {
  return hex.encode(b);
}

export function fromHex(s: string, field: string, length?: number): Uint8Array {
  if (!/^[0-9a-f]*$/.test(s) || s.length % 2 !== 0) {
    throw new ValidationError(field, 'expected lowercase hexadecimal');
  }
  const b = hex.decode(s);
  if (length !== undefined && b.length !== length) {
    throw new ValidationError(field, `expected ${length} bytes (${length * 2} hex digits)`);
  }
  return b;
}

export function toBase64Url(b: Uint8Array): string {
  return base64urlnopad.encode(b);
}

export function fromBase64Url(s: string, field: string, length?: number): Uint8Array {
  let b: Uint8Array;
  try {
    b = base64urlnopad.decode(s);
  } catch {
    throw new ValidationError(field, 'expected unpadded base64url');
  }
  if (length !== undefined && b.length !== length) {
    throw new ValidationError(field, `expected ${length} bytes of base64url`);
  }
  return b;
}

export { base32crockford };

/** Appends big-endian integers and length-prefixed byte strings. */
export class ByteWriter {
  private parts: Uint8Array[] = [];

  u8(n: number): this {
    this.parts.push(Uint8Array.of(n));
    return this;
  }

  u32(n: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n);
    this.parts.push(b);
    return this;
  }

  u64(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new ValidationError('u64', 'expected a safe integer');
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n));
    this.parts.push(b);
    return this;
  }

  raw(b: Uint8Array): this {
    this.parts.push(b);
    return this;
  }

  /** A u32 length, then the bytes. */
  bytes(b: Uint8Array): this {
    return this.u32(b.length).raw(b);
  }

  finish(): Uint8Array {
    return concatBytes(...this.parts);
  }
}

/**
 * Reads what ByteWriter wrote. Every read is bounds-checked; running off the end, or leaving
 * bytes over, is an IntegrityError because readers only parse authenticated data or data
 * whose format is about to be checked.
 */
export class ByteReader {
  private offset = 0;
  private view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) throw new IntegrityError(`${this.what}: truncated`);
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.offset++);
  }

  u32(): number {
    this.need(4);
    const n = this.view.getUint32(this.offset);
    this.offset += 4;
    return n;
  }

  u64(): number {
    this.need(8);
    const n = this.view.getBigUint64(this.offset);
    this.offset += 8;
    if (n > BigInt(Number.MAX_SAFE_INTEGER))
      throw new IntegrityError(`${this.what}: integer too large`);
    return Number(n);
  }

  raw(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  bytes(max: number): Uint8Array {
    const n = this.u32();
    if (n > max) throw new IntegrityError(`${this.what}: field longer than ${max} bytes`);
    return this.raw(n);
  }

  /** Whether every byte has been read. */
  get atEnd(): boolean {
    return this.offset === this.buf.length;
  }

  end(): void {
    if (this.offset !== this.buf.length) throw new IntegrityError(`${this.what}: trailing bytes`);
  }
}
