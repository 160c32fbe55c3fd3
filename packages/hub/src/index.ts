/**
 * @coffer/hub: the coordinator. Accounts, the encrypted tree, hosts, placement and capability
 * tokens, over HTTP. It never holds a key, a name or plaintext. Imports protocol, crypto, errors.
 */

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { SigningSecretKey } from '@coffer/crypto';
import { fromBase64Url, newSigningKeyPair, signingPublicKey, toBase64Url } from '@coffer/crypto';
import { createOpaqueServerSetup } from '@coffer/crypto/server';
import { ValidationError } from '@coffer/errors';
import { malformedRequestAnswer, toErrorBody } from '@coffer/protocol';
import { getRequestListener } from '@hono/node-server';
import type { Kysely } from 'kysely';
import { databaseOf, type HubConfig } from './config.ts';
import type { Hub } from './context.ts';
import { type Database, openDatabase } from './db/index.ts';
import { createApp } from './http.ts';
import { startAuditor } from './services/audits.ts';
import { startCollector } from './services/gc.ts';
import { hashText, newSecretToken } from './services/ids.ts';
import { startRepairer } from './services/repair.ts';

export type { HubConfig, HubConfigInput } from './config.ts';
export { hubConfigSchema, loadHubConfig, parseHubConfig } from './config.ts';
export type { DatabaseConfig } from './db/index.ts';
export { openDatabase } from './db/index.ts';

export interface RunningHub {
  url: string;
  port: number;
  /** Where the operator token is kept. */
  operatorTokenFile: string;
  close(): Promise<void>;
}

/** Secrets are created once, by whichever hub process gets there first, and shared via the DB. */
async function secret(db: Kysely<Database>, name: string, make: () => Promise<string> | string) {
  const found = await db
    .selectFrom('hub_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirst();
  if (found) return found.value;
  await db
    .insertInto('hub_secrets')
    .values({ name, value: await make() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (
    await db
      .selectFrom('hub_secrets')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow()
  ).value;
}

function operatorToken(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = newSecretToken();
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

export async function startHub(
  config: HubConfig,
  log: (line: string) => void = (l) => console.error(l),
): Promise<RunningHub> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const db = await openDatabase(databaseOf(config));
  const signingKey = fromBase64Url(
    await secret(db.kysely, 'signing_key', () => toBase64Url(newSigningKeyPair().secretKey)),
    'signing_key',
    32,
  ) as SigningSecretKey;
  const tokenFile = config.operatorTokenFile ?? join(config.dataDir, 'operator-token');
  const hub: Hub = {
    db: db.kysely,
    config,
    signingKey,
    publicKey: toBase64Url(signingPublicKey(signingKey)),
    opaqueSetup: await secret(db.kysely, 'opaque_setup', createOpaqueServerSetup),
    decoySecret: await secret(db.kysely, 'decoy_secret', newSecretToken),
    operatorTokenHash: await hashText(operatorToken(tokenFile)),
    now: () => Date.now(),
    kickGc: () => collector.kick(),
    repairStatus: () => repairer.status(),
  };
  const collector = startCollector(hub, log);
  const repairer = startRepairer(hub, log);
  const auditor = startAuditor(hub, log);
  const app = createApp(hub, log);
  // A request Hono cannot even be handed (a backslash in the path, a body cut short) still
  // gets the JSON error body.
  const listener = getRequestListener(app.fetch, {
    hostname: config.bind,
    errorHandler: () =>
      Response.json(toErrorBody(new ValidationError('request', 'malformed HTTP request')), {
        status: 400,
      }),
  });
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.bind, () => resolve());
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) socket.destroy();
    else socket.end(malformedRequestAnswer(err.code));
  });
  const port = (server.address() as AddressInfo).port;
  const url = config.publicUrl ?? `http://${config.bind}:${port}`;
  return {
    url,
    port,
    operatorTokenFile: tokenFile,
    async close() {
      await Promise.all([collector.stop(), repairer.stop(), auditor.stop()]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await db.close();
    },
  };
}
