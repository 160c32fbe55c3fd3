import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findViolations } from './check-boundaries.mjs';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'coffer-boundaries-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('the boundary check flags primitives and deep imports outside the crypto package', () => {
  const root = tree({
    'packages/crypto/src/ok.ts':
      "import { createHash } from 'node:crypto';\nimport { ed25519 } from '@noble/curves/ed25519.js';\n",
    'packages/sdk/src/a.ts': "import { createHash } from 'node:crypto';\n",
    'packages/sdk/src/b.ts': 'const k = await crypto.subtle.importKey();\n',
    'packages/hub/src/c.ts': "import * as opaque from '@serenity-kit/opaque';\n",
    'packages/hub/src/d.ts':
      "import { x25519 } from '@noble/curves/ed25519.js';\nconst c = require('crypto');\n",
    'packages/web/src/e.ts': "import { encrypt } from '@coffer/crypto/src/content.ts';\n",
    'packages/sdk/src/fine.ts': "import { encryptContent } from '@coffer/crypto';\n",
  });
  try {
    const v = findViolations(root).join('\n');
    assert.doesNotMatch(v, /packages\/crypto\/src\/ok\.ts/);
    assert.doesNotMatch(v, /fine\.ts/);
    for (const f of [
      'sdk/src/a.ts',
      'sdk/src/b.ts',
      'hub/src/c.ts',
      'hub/src/d.ts:1',
      'hub/src/d.ts:2',
      'web/src/e.ts',
    ]) {
      assert.match(v, new RegExp(f.replace(/[/.]/g, '\\$&')), `${f} should be flagged`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('packages import each other only along the allowed edges', () => {
  const root = tree({
    'packages/hub/src/bad.ts': "import { CofferClient } from '@coffer/sdk';\n",
    'packages/sdk/src/bad.ts': "import { startHub } from '@coffer/hub';\n",
    'packages/protocol/src/bad.ts': "const m = await import('@coffer/host');\n",
    'packages/cli/src/fine.ts':
      "import { startHub } from '@coffer/hub';\nimport { x } from '@coffer/sdk';\n",
    'packages/hub/src/fine.ts': "import { routes } from '@coffer/protocol';\n",
  });
  try {
    const v = findViolations(root).join('\n');
    assert.match(v, /hub\/src\/bad\.ts:1: hub may not import @coffer\/sdk/);
    assert.match(v, /sdk\/src\/bad\.ts:1: sdk may not import @coffer\/hub/);
    assert.match(v, /protocol\/src\/bad\.ts:1: protocol may not import @coffer\/host/);
    assert.doesNotMatch(v, /fine\.ts/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('import cycles inside a package fail, type-only and dynamic imports included, naming the files', () => {
  const root = tree({
    'packages/hub/src/context.ts': "import type { RepairStatus } from './services/repair.ts';\n",
    'packages/hub/src/services/repair.ts':
      "import type { Hub } from '../context.ts';\nimport { gc } from './gc.ts';\n",
    'packages/hub/src/services/gc.ts': 'export const gc = 1;\n',
    'packages/sdk/src/a.ts': "export const a = () => import('./b.ts');\n",
    'packages/sdk/src/b.ts': "import {\n  a,\n} from './a.ts';\n",
    'packages/sdk/src/self.ts': "export * from './self.ts';\n",
    'packages/web/src/x.ts': "// import { y } from './y.ts';\nimport { z } from './z.ts';\n",
    'packages/web/src/y.ts': "/* import { x } from './x.ts'; */\nexport const y = 1;\n",
    'packages/web/src/z.ts': "import { y } from './y.ts';\n",
  });
  try {
    const v = findViolations(root).join('\n');
    assert.match(
      v,
      /hub: import cycle: packages\/hub\/src\/context\.ts -> packages\/hub\/src\/services\/repair\.ts -> packages\/hub\/src\/context\.ts/,
    );
    assert.match(
      v,
      /sdk: import cycle: packages\/sdk\/src\/a\.ts -> packages\/sdk\/src\/b\.ts -> packages\/sdk\/src\/a\.ts/,
    );
    assert.match(
      v,
      /sdk: import cycle: packages\/sdk\/src\/self\.ts -> packages\/sdk\/src\/self\.ts/,
    );
    assert.doesNotMatch(v, /gc\.ts/);
    assert.doesNotMatch(v, /web/, 'imports in comments are not imports');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('reaching into another package by a relative path fails, from bench/ too', () => {
  const root = tree({
    'bench/sim/sim.ts': "import { choosePlacement } from '../../packages/hub/src/placement.ts';\n",
    'packages/hub/src/placement.ts': 'export const choosePlacement = 1;\n',
    'packages/cli/src/bad.ts': "import { startHost } from '../../host/src/index.ts';\n",
    'packages/host/src/index.ts': 'export const startHost = 1;\n',
    'packages/host/src/fine.ts': "import { startHost } from './index.ts';\n",
  });
  try {
    const v = findViolations(root).join('\n');
    assert.match(v, /bench\/sim\/sim\.ts: reaches into packages\/hub\/src\/placement\.ts/);
    assert.match(v, /packages\/cli\/src\/bad\.ts: reaches into packages\/host\/src\/index\.ts/);
    assert.doesNotMatch(v, /fine\.ts/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a package imports only the workspace packages its package.json declares', () => {
  const root = tree({
    'packages/cli/package.json': JSON.stringify({ dependencies: { '@coffer/sdk': '0.1.0' } }),
    'packages/cli/src/a.ts':
      "import { CofferClient } from '@coffer/sdk';\nimport type { FolderPolicy } from '@coffer/protocol';\n",
  });
  try {
    const v = findViolations(root);
    assert.deepEqual(v, [
      'packages/cli/src/a.ts: imports @coffer/protocol, which packages/cli/package.json does not declare',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('this repository keeps its import boundaries', () => {
  assert.deepEqual(findViolations(fileURLToPath(new URL('..', import.meta.url))), []);
});
