import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ValidationError } from '@coffer/errors';

export interface TlsFiles {
  /** PEM certificate chain: the server certificate first, then intermediates. */
  cert: string;
  /** PEM private key of the certificate. */
  key: string;
}

const reason = (e: unknown) => {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'no such file';
  if (err?.code === 'EACCES') return 'permission denied';
  if (err?.code === 'EISDIR') return 'is a directory';
  return (err?.message ?? String(e)).replace(/^error:[0-9A-F]+:/, '');
};

/**
 * Reads a certificate and its key and checks that they are PEM and belong together, so that
 * a bad file is reported by `fields` (the flags or config keys that named them) at start-up
 * rather than on the first connection.
 */
export function loadTls(
  files: TlsFiles,
  fields: { cert: string; key: string } = { cert: '--tls-cert', key: '--tls-key' },
): { cert: Buffer; key: Buffer } {
  const read = (path: string, field: string) => {
    if (typeof path !== 'string' || path === '') {
      throw new ValidationError(field, 'expected the path of a PEM file');
    }
    try {
      return readFileSync(path);
    } catch (e) {
      throw new ValidationError(field, `cannot read ${path}: ${reason(e)}`);
    }
  };
  const cert = read(files.cert, fields.cert);
  const key = read(files.key, fields.key);
  if (!/-----BEGIN CERTIFICATE-----/.test(cert.toString('latin1'))) {
    throw new ValidationError(fields.cert, `${files.cert} holds no PEM certificate`);
  }
  try {
    createSecureContext({ cert });
  } catch (e) {
    throw new ValidationError(
      fields.cert,
      `${files.cert} is not a usable certificate: ${reason(e)}`,
    );
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key.toString('latin1'))) {
    throw new ValidationError(fields.key, `${files.key} holds no PEM private key`);
  }
  try {
    createSecureContext({ key });
  } catch (e) {
    throw new ValidationError(
      fields.key,
      `${files.key} is not a usable private key (encrypted keys are not supported): ${reason(e)}`,
    );
  }
  try {
    createSecureContext({ cert, key });
  } catch {
    throw new ValidationError(
      fields.key,
      `${files.key} is not the key of the certificate in ${files.cert} (${fields.cert})`,
    );
  }
  return { cert, key };
}
