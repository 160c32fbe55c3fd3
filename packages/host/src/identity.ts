import { chmod, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  asKey,
  fromBase64Url,
  newSigningKeyPair,
  type SigningPublicKey,
  type SigningSecretKey,
  signingPublicKey,
  toBase64Url,
} from '@coffer/crypto';
import { IntegrityError } from '@coffer/errors';
import { hostIdFromKey } from '@coffer/protocol';
import { z } from 'zod';

export interface HostIdentity {
  hostId: string;
  publicKey: SigningPublicKey;
  secretKey: SigningSecretKey;
}

const keyFile = z
  .object({
    v: z.literal(1),
    secretKey: z.string(),
    publicKey: z.string(),
  })
  .strict();

const pinFile = z
  .object({
    v: z.literal(1),
    hubUrl: z.string(),
    hubPublicKey: z.string(),
    pinnedAt: z.number(),
  })
  .strict();

/**
 * The JSON file at `path` as `schema` reads it; null when there is no such file. Any other
 * content is an IntegrityError: the path, then `notIt`.
 */
async function readJsonFile<T>(path: string, schema: z.ZodType<T>, notIt: string) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    return schema.parse(JSON.parse(text));
  } catch {
    throw new IntegrityError(`${path}: ${notIt}`);
  }
}

/** Writes a file atomically (temp, fsync, rename, fsync of the directory) with mode 0600. */
export async function writeFileDurable(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await chmod(tmp, 0o600);
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** DATA/host-key.json: the host's Ed25519 key, created on first start, mode 0600. */
export async function loadOrCreateIdentity(
  dataDir: string,
  log: (line: string) => void,
): Promise<HostIdentity> {
  const found = await loadIdentity(dataDir, log);
  if (found) return found;
  const path = join(dataDir, 'host-key.json');
  const { secretKey, publicKey } = newSigningKeyPair();
  await writeFileDurable(
    path,
    `${JSON.stringify({ v: 1, secretKey: toBase64Url(secretKey), publicKey: toBase64Url(publicKey) }, null, 2)}\n`,
  );
  const hostId = await hostIdFromKey(publicKey);
  log(`host: created host key ${path} (host ${hostId})`);
  return { hostId, publicKey, secretKey };
}

/** The host key in `dataDir`, checked; null when there is none yet. */
export async function loadIdentity(
  dataDir: string,
  log: (line: string) => void,
): Promise<HostIdentity | null> {
  const path = join(dataDir, 'host-key.json');
  const parsed = await readJsonFile(path, keyFile, 'not a Coffer host key file');
  if (!parsed) return null;
  const secretKey = fromBase64Url(parsed.secretKey, 'secretKey', 32) as SigningSecretKey;
  const publicKey = signingPublicKey(secretKey);
  if (toBase64Url(publicKey) !== parsed.publicKey) {
    throw new IntegrityError(`${path}: the public key does not match the secret key`);
  }
  const mode = (await stat(path)).mode & 0o777;
  if (mode & 0o077) {
    log(`host: ${path} was readable by others (mode ${mode.toString(8)}); setting 0600`);
    await chmod(path, 0o600);
  }
  return { hostId: await hostIdFromKey(publicKey), publicKey, secretKey };
}

export interface PinnedHub {
  hubUrl: string;
  hubPublicKey: SigningPublicKey;
}

/** DATA/hub.json: the hub key learnt at the first hello, pinned from then on. */
export async function loadPinnedHub(dataDir: string): Promise<PinnedHub | null> {
  const parsed = await readJsonFile(
    join(dataDir, 'hub.json'),
    pinFile,
    'not a Coffer hub pin file; delete it to pin again',
  );
  if (!parsed) return null;
  return {
    hubUrl: parsed.hubUrl,
    hubPublicKey: asKey.signingPublic(fromBase64Url(parsed.hubPublicKey, 'hubPublicKey', 32)),
  };
}

export async function savePinnedHub(dataDir: string, pin: PinnedHub): Promise<void> {
  await writeFileDurable(
    join(dataDir, 'hub.json'),
    `${JSON.stringify(
      {
        v: 1,
        hubUrl: pin.hubUrl,
        hubPublicKey: toBase64Url(pin.hubPublicKey),
        pinnedAt: Date.now(),
      },
      null,
      2,
    )}\n`,
  );
}
