// Reading decrypted files whole, or only their start.

/** A downloaded stream, whole, as a Blob of its type. */
export async function toBlob(stream: ReadableStream<Uint8Array>, mime: string | null) {
  return new Blob([await new Response(stream).arrayBuffer()], {
    type: mime ?? 'application/octet-stream',
  });
}

/**
 * The start of a file as text, for a preview: only `maxBytes` are fetched and decrypted, with
 * `read` given the range.
 */
export async function readStart(
  size: number,
  maxBytes: number,
  read: (range: { start: number; end: number }) => Promise<{ stream: ReadableStream<Uint8Array> }>,
) {
  const { stream } = await read({ start: 0, end: Math.min(size, maxBytes) });
  return { text: await new Response(stream).text(), truncated: size > maxBytes };
}
