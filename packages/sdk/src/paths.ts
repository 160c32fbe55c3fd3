import { nameProblem } from '@coffer/crypto';
import { ValidationError } from '@coffer/errors';

/** Splits "/a/b/c" into names, checking each; "" and "/" are the root. */
export function splitPath(path: string): string[] {
  if (typeof path !== 'string') throw new ValidationError('path', 'expected a string');
  const names = path
    .normalize('NFC')
    .split('/')
    .filter((p) => p.length > 0);
  for (const n of names) {
    const problem = nameProblem(n);
    if (problem) throw new ValidationError('path', `"${n}" ${problem}`);
  }
  return names;
}

/** The folder part of a path's names ("a/b" of a/b/c), as a path. */
export const parentPathOf = (names: readonly string[]) => names.slice(0, -1).join('/');

/** `name`, or `name (2).ext`, `name (3).ext`… whichever is not in `taken`. */
export function freeName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}
