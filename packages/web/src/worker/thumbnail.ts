// Thumbnails of images, made before they are encrypted with a file's metadata.

const THUMBNAIL_MAX = 8 * 1024;
const THUMBNAIL_SOURCE_MAX = 64 * 1024 * 1024;

/**
 * A small WebP of an image, made here before it is encrypted with the file's metadata; tried
 * at falling sizes and qualities until it fits. Anything the browser cannot decode gets none.
 */
export async function makeThumbnail(file: File): Promise<Uint8Array | undefined> {
  if (!/^image\/(png|jpeg|gif|webp|avif|bmp)$/.test(file.type)) return undefined;
  if (file.size > THUMBNAIL_SOURCE_MAX || typeof OffscreenCanvas === 'undefined') return undefined;
  let bitmap: ImageBitmap | undefined;
  try {
    bitmap = await createImageBitmap(file);
    for (const [side, quality] of [
      [256, 0.75],
      [192, 0.6],
      [128, 0.5],
      [96, 0.4],
    ] as const) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const w = Math.max(1, Math.round(bitmap.width * scale));
      const h = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = new OffscreenCanvas(w, h);
      canvas.getContext('2d')?.drawImage(bitmap, 0, 0, w, h);
      const blob = await canvas.convertToBlob({ type: 'image/webp', quality });
      if (blob.type === 'image/webp' && blob.size <= THUMBNAIL_MAX) {
        return new Uint8Array(await blob.arrayBuffer());
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    bitmap?.close();
  }
}
