// What the service worker (sw.ts), the page (stream.ts) and the crypto worker (worker.ts) say
// to each other about a /_stream/ URL. See sw.ts for why it exists.

/** The service worker's question: the stream with this id, and the request's Range header. */
export interface StreamAsk {
  id: string;
  range: string | null;
}

export type StreamAnswer =
  | {
      ok: true;
      stream: ReadableStream<Uint8Array>;
      /** The whole file's size (a zip's is predicted from its entries). */
      size: number;
      /** Byte ranges can be asked for (files yes, zips no). */
      seekable: boolean;
      /** Present for a 206: the [start, end) served. */
      range: { start: number; end: number } | null;
      name: string;
      mime: string;
      disposition: 'inline' | 'attachment';
    }
  | { ok: false; status: number; message: string; size?: number };

/** What a page registers under a stream id. */
export type StreamSpec = (
  | { kind: 'file'; path: string; revision?: number; disposition: 'inline' | 'attachment' }
  /** Files and folders (folders with everything in them), as one zip named `name`. */
  | { kind: 'zip'; paths: string[]; name: string; disposition: 'attachment' }
) & {
  /** The paths are inside this folder shared with us, not in our own tree. */
  shareId?: string;
};

/** A Range header's first range as [start, end) within size; null when absent (whole file). */
export function parseRange(
  header: string | null,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)(,|$)/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Math.min(Number(m[2]), size);
    return suffix === 0 ? 'unsatisfiable' : { start: size - suffix, end: size };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size : Math.min(Number(m[2]) + 1, size);
  if (start >= size || end <= start) return 'unsatisfiable';
  return { start, end };
}

// Decrypted metadata is untrusted: the mime type a file claims is served inline only when the
// browser can show it without running anything; everything else is a download.
const INLINE =
  /^(image\/(png|jpeg|gif|webp|avif|bmp)|video\/[\w.+-]+|audio\/[\w.+-]+|application\/pdf|text\/plain)$/;

/** The response headers for an answer; the file name only ever goes into Content-Disposition. */
export function streamHeaders(a: Extract<StreamAnswer, { ok: true }>): Headers {
  const inline = a.disposition === 'inline' && INLINE.test(a.mime);
  const type = inline ? a.mime : 'application/octet-stream';
  const ascii = a.name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const h = new Headers({
    'content-type': type,
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.name)}`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  // Nothing served here may run script in this origin. Chromium's PDF viewer does not run in a
  // sandboxed document, and a PDF is shown by the browser's viewer, never as HTML.
  if (type !== 'application/pdf') h.set('content-security-policy', "sandbox; default-src 'none'");
  const r = a.range ?? { start: 0, end: a.size };
  h.set('content-length', String(r.end - r.start));
  if (a.seekable) h.set('accept-ranges', 'bytes');
  if (a.range) h.set('content-range', `bytes ${r.start}-${r.end - 1}/${a.size}`);
  return h;
}
