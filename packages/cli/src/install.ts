import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * This package's folder, found from this module's own file: it is in src/ in the sources and in
 * dist/ or dist/chunks/ in the bundle. Not from process.argv[1]: under npx, an installed bin or
 * a global install, that is a link such as node_modules/.bin/coffer, and paths relative to it
 * lead nowhere.
 */
function packageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** The `coffer` program, bin/coffer.mjs: it runs the bundle or the sources, whichever is current. */
export const cofferProgram = (): string => join(packageDir(), 'bin', 'coffer.mjs');

/** The built web app (@coffer/web's dist/), if it was built. */
export function webDir(): string | undefined {
  let webPackage: string;
  try {
    webPackage = createRequire(import.meta.url).resolve('@coffer/web/package.json');
  } catch {
    return undefined;
  }
  const dir = join(dirname(webPackage), 'dist');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

/** The version in this package's package.json. */
export function cliVersion(): string {
  return (
    JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')) as { version: string }
  ).version;
}
