// Upload conflicts, the pure part: which picked files meet a name already in the folder, what
// the user chose for each (or for all the rest), and the name "Keep both" gives.

/** `name (1).ext`, `name (2).ext`…: the first not in `taken` (`name` itself if free). */
export function nextFreeName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export type Choice = 'replace' | 'keep-both' | 'skip';

/** One question: a picked file whose name is taken in the folder. */
export interface Conflict {
  name: string;
  /** The name in the way is a folder's: a file cannot replace it. */
  folder: boolean;
  /** The name "Keep both" would give. */
  renamed: string;
  /** Conflicts after this one in the same upload. */
  more: number;
}

export interface Answer {
  choice: Choice;
  /** The same choice for every conflict left in this upload. */
  all: boolean;
}

/**
 * The picked items to upload, after asking about each whose name (directly in the folder) is
 * taken: replaced items keep their name (the file gets a new version), kept ones are renamed to
 * the next free name, skipped ones are left out. What a folder upload puts inside a folder that
 * exists merges into it, as before. `existing` maps each name in the folder to its kind.
 */
export async function resolveConflicts<T extends { rel: string }>(
  items: readonly T[],
  existing: ReadonlyMap<string, 'file' | 'folder'>,
  ask: (c: Conflict) => Promise<Answer>,
): Promise<T[]> {
  const taken = new Set([...existing.keys(), ...items.map((i) => i.rel.split('/')[0] ?? '')]);
  const clashes = items.filter((i) => !i.rel.includes('/') && existing.has(i.rel)).length;
  let seen = 0;
  let forAll: Choice | null = null;
  const out: T[] = [];
  for (const item of items) {
    const kind = item.rel.includes('/') ? undefined : existing.get(item.rel);
    if (!kind) {
      out.push(item);
      continue;
    }
    seen++;
    const folder = kind === 'folder';
    const renamed = nextFreeName(item.rel, taken);
    let choice: Choice | null = forAll;
    if (!choice) {
      const answer = await ask({ name: item.rel, folder, renamed, more: clashes - seen });
      choice = answer.choice;
      if (answer.all) forAll = choice;
    }
    // A file cannot take a folder's place: "replace" keeps both there.
    if (choice === 'replace' && folder) choice = 'keep-both';
    if (choice === 'skip') continue;
    if (choice === 'replace') {
      out.push(item);
      continue;
    }
    taken.add(renamed);
    out.push({ ...item, rel: renamed });
  }
  return out;
}
