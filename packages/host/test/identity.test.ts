import assert from 'node:assert/strict';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { newSigningKeyPair, toBase64Url } from '@coffer/crypto';
import { IntegrityError } from '@coffer/errors';
import { hostIdFromKey } from '@coffer/protocol';
import { loadOrCreateIdentity, loadPinnedHub, savePinnedHub } from '../src/identity.ts';
import { tempDir } from './helpers.ts';

const quiet = () => undefined;

test('the host key is created once, mode 0600, and reused', async (t) => {
  const dir = await tempDir(t);
  const first = await loadOrCreateIdentity(dir, quiet);
  const path = join(dir, 'host-key.json');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal(first.hostId, await hostIdFromKey(first.publicKey));
  const again = await loadOrCreateIdentity(dir, quiet);
  assert.equal(again.hostId, first.hostId);
  assert.deepEqual(again.secretKey, first.secretKey);

  // A key file others can read is tightened, loudly.
  await chmod(path, 0o644);
  const lines: string[] = [];
  await loadOrCreateIdentity(dir, (l) => lines.push(l));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.ok(lines.some((l) => l.includes('readable by others')));
});

test('a damaged host key file is refused, not replaced', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'host-key.json');
  await writeFile(path, 'not json');
  await assert.rejects(loadOrCreateIdentity(dir, quiet), IntegrityError);
  assert.equal(await readFile(path, 'utf8'), 'not json');

  const a = newSigningKeyPair();
  const b = newSigningKeyPair();
  await writeFile(
    path,
    JSON.stringify({
      v: 1,
      secretKey: toBase64Url(a.secretKey),
      publicKey: toBase64Url(b.publicKey),
    }),
  );
  await assert.rejects(loadOrCreateIdentity(dir, quiet), IntegrityError);
});

test('the hub key pin round-trips', async (t) => {
  const dir = await tempDir(t);
  assert.equal(await loadPinnedHub(dir), null);
  const hub = newSigningKeyPair();
  await savePinnedHub(dir, { hubUrl: 'http://127.0.0.1:4000', hubPublicKey: hub.publicKey });
  const pin = await loadPinnedHub(dir);
  assert.equal(pin?.hubUrl, 'http://127.0.0.1:4000');
  assert.deepEqual(pin?.hubPublicKey, hub.publicKey);
  await writeFile(join(dir, 'hub.json'), '{"v":1}');
  await assert.rejects(loadPinnedHub(dir), IntegrityError);
});
