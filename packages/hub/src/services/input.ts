import { ValidationError } from '@coffer/errors';

// Checks on request input that a route's schema cannot express.

/** A ValidationError on the first item whose key an earlier item of `items` has already. */
export function refuseRepeats<T>(
  items: readonly T[],
  key: (item: T) => string,
  field: (i: number) => string,
): void {
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    if (seen.has(key(item))) throw new ValidationError(field(i), 'listed twice');
    seen.add(key(item));
  }
}
