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
