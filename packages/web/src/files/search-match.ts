// Whether a name matches what was typed into search.

/** Lower case without accents, so "Éte" finds "été" and "ete". */
const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLocaleLowerCase();

/** Every word of `query` appears in `name`, in any order, ignoring case and accents. */
export function matches(name: string, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return false;
  const folded = fold(name);
  return words.every((w) => folded.includes(w));
}
