#!/usr/bin/env node
// Enforces the import boundaries of docs/architecture.md:
//  1. Only packages/crypto touches cryptographic primitives: node:crypto, WebCrypto
//     (crypto.subtle, getRandomValues), @noble/*, @scure/*, the OPAQUE library, or any other
//     crypto library.
//  2. No package deep-imports another package's internals (`@coffer/x/src/...`).
//  3. Packages import each other only along the allowed edges (ALLOWED below): dependencies
//     flow crypto <- protocol <- sdk <- cli; protocol <- hub/host. The hub never imports the
//     sdk, and no library imports a program.
//  4. No import cycle inside a package. Type-only and dynamic imports count: a cycle of types
//     is still two files that cannot be understood, or moved, one without the other.
//  5. Nothing reaches into another package's files by a relative path (bench/ and scripts/
//     included): a package is used through its name and its `exports` map.
//  6. A package imports only the workspace packages its package.json declares.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
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
  sync: ['sdk', 'crypto', 'errors'],
  cli: ['sync', 'sdk', 'hub', 'host', 'protocol', 'crypto', 'errors'],
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

// `import … from 'x'`, `export … from 'x'` and `import 'x'` at the start of a line (a
// statement may span lines up to its `from`), and `import('x')` anywhere outside a comment.
const STATIC_IMPORT = /^[ \t]*(?:import|export)\b(?:[^;'"`]*?\bfrom)?\s*['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const RESOLVE_SUFFIXES = ['', '.ts', '.tsx', '.mts', '.mjs', '.js', '/index.ts', '/index.tsx'];

/** The specifiers a source file imports (comment lines left out). */
export function importsOf(text) {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .split('\n')
    .map((l) => (l.trimStart().startsWith('//') ? '' : l))
    .join('\n');
  const found = [];
  for (const re of [STATIC_IMPORT, DYNAMIC_IMPORT]) {
    for (const m of code.matchAll(re)) found.push(m[1]);
  }
  return found;
}

/** The file a relative specifier names, or null (a package name, or nothing there). */
function resolveRelative(fromFile, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(fromFile), specifier);
  for (const suffix of RESOLVE_SUFFIXES) {
    const candidate = base + suffix;
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The package a repository path belongs to ("packages/<name>/…"), or null. */
const packageOf = (rel) => /^packages\/([^/]+)\//.exec(rel)?.[1] ?? null;

/**
 * Every knot among `edges` (file → files it imports): one per strongly connected component,
 * with a shortest cycle through its first file (Tarjan's algorithm, then breadth-first).
 */
export function findCycles(edges) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (edges.get(v) ?? new Set()).has(v);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((files) => ({ files, cycle: shortestCycle(edges, files) }));
}

/** A shortest cycle through the first file of a component (a self-import is one file). */
function shortestCycle(edges, component) {
  const inside = new Set(component);
  const start = [...component].sort()[0];
  const from = new Map();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of [...(edges.get(v) ?? [])].sort()) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = from.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

function declaredDependencies(root, pkg) {
  const file = join(root, 'packages', pkg, 'package.json');
  if (!existsSync(file)) return null;
  const json = JSON.parse(readFileSync(file, 'utf8'));
  return new Set(
    ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) =>
      Object.keys(json[k] ?? {}),
    ),
  );
}

/** Cycles, relative reaches into another package, and undeclared workspace packages. */
function graphViolations(root, files) {
  const violations = [];
  const edges = new Map();
  const undeclared = new Map();
  for (const file of files) {
    const rel = relative(root, file).split(sep).join('/');
    if (EXEMPT.has(rel)) continue;
    const owner = packageOf(rel);
    const text = readFileSync(file, 'utf8');
    for (const specifier of importsOf(text)) {
      const target = resolveRelative(file, specifier);
      if (target) {
        const targetRel = relative(root, target).split(sep).join('/');
        const targetOwner = packageOf(targetRel);
        if (targetOwner && targetOwner !== owner) {
          violations.push(
            `${rel}: reaches into ${targetRel}; import @coffer/${targetOwner} through its exports instead`,
          );
        } else if (owner && targetOwner === owner) {
          if (!edges.has(rel)) edges.set(rel, new Set());
          edges.get(rel).add(targetRel);
        }
        continue;
      }
      const named = /^@coffer\/([^/]+)/.exec(specifier)?.[1];
      if (owner && named && named !== owner) {
        const declared = undeclared.get(owner) ?? declaredDependencies(root, owner);
        undeclared.set(owner, declared);
        if (declared && !declared.has(`@coffer/${named}`))
          violations.push(
            `${rel}: imports @coffer/${named}, which packages/${owner}/package.json does not declare`,
          );
      }
    }
  }
  for (const { cycle, files } of findCycles(edges)) {
    const others = files.filter((f) => !cycle.includes(f)).sort();
    violations.push(
      `${packageOf(cycle[0])}: import cycle: ${cycle.join(' -> ')}${others.length ? ` (the same knot takes in ${others.join(', ')})` : ''}`,
    );
  }
  return [...new Set(violations)];
}

/** Returns one line per violation under `root`. */
export function findViolations(root) {
  const violations = [];
  const files = [...walk(root)];
  for (const file of files) {
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
  return [...violations, ...graphViolations(root, files)];
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
