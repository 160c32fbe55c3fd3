/**
 * `items` a run of `size` at a time, for statements that take a list (`where … in`, bulk
 * inserts): 500 stays well under the bound parameters SQLite and Postgres take.
 */
export function* slices<T>(items: readonly T[], size = 500): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
