import { ValidationError } from '@coffer/errors';

/** At most this many tags per host (the hub's hello schema allows no more). */
export const MAX_TAGS = 16;
const PART = /^[a-z0-9_.-]{1,32}$/;
const PART_RULE = '1-32 characters of a-z, 0-9, "_", "." or "-"';

/**
 * Parses repeated `--tag key=value` flags (power=solar, tier=home) into a record. Keys and
 * values are each 1-32 characters of a-z, 0-9, "_", "." and "-"; a key may appear once.
 * Throws a ValidationError naming `field`.
 */
export function parseTags(list: readonly string[] | undefined, field = '--tag') {
  const tags: Record<string, string> = {};
  for (const text of list ?? []) {
    const eq = String(text).indexOf('=');
    const shown = `"${String(text).slice(0, 80)}"`;
    if (eq < 0)
      throw new ValidationError(field, `expected key=value, such as power=solar, not ${shown}`);
    const key = String(text).slice(0, eq);
    const value = String(text).slice(eq + 1);
    if (!PART.test(key))
      throw new ValidationError(field, `the key of ${shown}: expected ${PART_RULE}`);
    if (!PART.test(value)) {
      throw new ValidationError(field, `the value of ${shown}: expected ${PART_RULE}`);
    }
    if (Object.hasOwn(tags, key)) throw new ValidationError(field, `"${key}" is given twice`);
    tags[key] = value;
  }
  if (Object.keys(tags).length > MAX_TAGS) {
    throw new ValidationError(
      field,
      `expected at most ${MAX_TAGS} tags, got ${Object.keys(tags).length}`,
    );
  }
  return tags;
}
