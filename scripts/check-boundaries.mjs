#!/usr/bin/env node
// Enforces the import boundaries of docs/architecture.md:
//  1. Only packages/crypto touches cryptographic primitives: node:crypto, WebCrypto
//     (crypto.subtle, getRandomValues), @noble/*, @scure/*, the OPAQUE library, or any other
//     crypto library.
//  2. No package deep-imports another package's internals (`@coffer/x/src/...`).
//  3. Packages import each other only along the allowed edges (ALLOWED below): dependencies
//     flow crypto <- protocol <- sdk <- cli; protocol <- hub/host. The hub never imports the
//     sdk, and no library imports a program.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', '.git', 'coffer-data', '.artifacts', 'dist']);

const PRIMITIVES = [
  { what: 'node:crypto', re: /(from|import|require)\s*\(?\s*['"](node:)?crypto['"]/ },
  { what: 'WebCrypto', re: /\bcrypto\s*\.\s*(subtle|getRandomValues|randomUUID)\b|\bwebcrypto\b/ },
  {
    what: 'a crypto library',
    re: /['"](@noble\/[^'"]*|@scure\/[^'"]*|@serenity-kit\/opaque|hash-wasm|libsodium[^'"]*|tweetnacl[^'"]*|argon2[^'"]*|@hpke\/[^'"]*|bcrypt[^'"]*|scrypt[^'"]*|node-forge|crypto-js|openpgp)['"]/,
  },
];
// The check's own test holds violating source as string fixtures; the CLI build script names
// packages to leave out of the bundle without importing them.
const EXEMPT = new Set(['scripts/check-boundaries.test.ts', 'scripts/build-cli.mjs']);
const DEEP_IMPORT = /['"]@coffer\/[^'"/]+\/src(\/|['"])/;
const COFFER_IMPORT = /(?:from|import)\s*\(?\s*['"]@coffer\/([^'"/]+)/g;

/** Which @coffer packages each package may import. */
export const ALLOWED = {
  errors: [],
  crypto: ['errors'],
  protocol: ['crypto', 'errors'],
  hub: ['protocol', 'crypto', 'errors'],
  host: ['protocol', 'crypto', 'errors'],
  sdk: ['protocol', 'crypto', 'errors'],
  cli: ['sdk', 'hub', 'host', 'protocol', 'crypto', 'errors'],
  tests: ['sdk', 'protocol', 'crypto', 'errors'],
  web: ['sdk'],
};

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* walk(join(dir, entry.name));
    } else if (SOURCE.test(entry.name)) {
      yield join(dir, entry.name);
    }
  }
}

/** Returns one line per violation under `root`. */
export function findViolations(root) {
  const violations = [];
  for (const file of walk(root)) {
    const rel = relative(root, file).split(sep).join('/');
    if (EXEMPT.has(rel)) continue;
    const inCrypto = rel.startsWith('packages/crypto/');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trimStart().startsWith('//') || line.trimStart().startsWith('*')) return;
      if (!inCrypto) {
        for (const p of PRIMITIVES) {
          if (p.re.test(line))
            violations.push(`${rel}:${i + 1}: uses ${p.what}; only packages/crypto may`);
        }
      }
      if (DEEP_IMPORT.test(line))
        violations.push(`${rel}:${i + 1}: deep import of another package's src/`);
      const owner = /^packages\/([^/]+)\//.exec(rel)?.[1];
      if (owner && owner in ALLOWED) {
        for (const m of line.matchAll(COFFER_IMPORT)) {
          const target = m[1];
          if (target !== owner && !ALLOWED[owner].includes(target)) {
            violations.push(`${rel}:${i + 1}: ${owner} may not import @coffer/${target}`);
          }
        }
      }
    });
  }
  return violations;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const violations = findViolations(root);
  if (violations.length > 0) {
    console.error(`Import boundary violations:\n${violations.join('\n')}`);
    process.exit(1);
  }
  console.log('import boundaries: ok');
}
