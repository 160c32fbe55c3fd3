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

test('this repository keeps its import boundaries', () => {
  assert.deepEqual(findViolations(fileURLToPath(new URL('..', import.meta.url))), []);
});
