// A Range header (RFC 9110 section 14.1.2) for a resource of `size` bytes: one range only.
// Several ranges, or a header we do not understand, are ignored (the whole resource, 200), as
// the RFC allows; a range that starts past the end is unsatisfiable (416).

export type RangeAnswer =
  | { kind: 'whole' }
  | { kind: 'range'; start: number; end: number } // end exclusive
  | { kind: 'unsatisfiable' };

export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (!header) return { kind: 'whole' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return { kind: 'whole' };
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return { kind: 'whole' };
  if (a === '') {
    const n = Number(b);
    if (n === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - n), end: size };
  }
  const start = Number(a);
  if (start >= size) return { kind: 'unsatisfiable' };
  const last = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (last < start) return { kind: 'whole' };
  return { kind: 'range', start, end: last + 1 };
}
