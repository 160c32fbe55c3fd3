/** Returns one line per import-boundary violation under `root`. */
export function findViolations(root: string): string[];
