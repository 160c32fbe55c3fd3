import { IntegrityError } from '@coffer/errors';
import type { OpenNode } from './keys.ts';

/** The hub served something an honest hub never serves: tampering, an IntegrityError. */
export const servedWrong = (area: string, what: string) =>
  new IntegrityError(`${area}: the hub served ${what}`);

/**
 * A listing from the hub names each item once: a repeat is tampering (and would have two
 * downloads write one file). `what` says what the listing is, `name` how to call an item.
 */
export function refuseRepeats<T>(
  items: Iterable<T>,
  keyOf: (item: T) => string,
  what: string,
  name: (item: T) => string = keyOf,
): void {
  const seen = new Set<string>();
  for (const item of items) {
    const key = keyOf(item);
    if (seen.has(key))
      throw new IntegrityError(`${what}: the hub lists ${name(item)} twice (tampered with)`);
    seen.add(key);
  }
}

/** One folder names each child once, by id and by name: the hub keeps names unique. */
export function refuseDuplicateChildren(children: readonly OpenNode[]): void {
  const what = 'tree: a folder listing';
  const named = (n: OpenNode) => `"${n.meta.name}"`;
  refuseRepeats(children, (n) => n.info.id, what, named);
  refuseRepeats(children, (n) => n.meta.name.normalize('NFC'), what, named);
}
