/**
 * @coffer/hub: the coordinator. Accounts, the encrypted tree, hosts, placement and capability
 * tokens, over HTTP. It never holds a key, a name or plaintext. Imports protocol, crypto, errors.
 */

import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { ValidationError } from '@coffer/errors';
import { clientErrorLog, malformedRequestAnswer, toErrorBody } from '@coffer/protocol';
import { getRequestListener } from '@hono/node-server';
import { sql } from 'kysely';
import { ChangeBus } from './change-bus.ts';
import { databaseOf, type HubConfig } from './config.ts';
import type { Hub } from './context.ts';
import { openDatabase } from './db/index.ts';
import { createApp } from './http.ts';
import type { HttpLogs } from './http-errors.ts';
import { hubSecrets } from './hub-secrets.ts';
import { type KickName, type Kicks, startKicks } from './kicks.ts';
import { countNetworkBytes, type NetworkBytes } from './network-bytes.ts';
import {
  checkRole,
  claimSqlite,
  LOOPS,
  runsLoops,
  SQLITE_LEASE,
  servesApi,
  workerServer,
} from './roles.ts';
import { AUDIT_JOB, runAuditJob, startAuditor } from './services/audits.ts';
import { startChangePruner } from './services/changes.ts';
import { startCopier } from './services/copier.ts';
import { startCollector } from './services/gc.ts';
import { startHistory } from './services/history.ts';
import { startJobRunner } from './services/jobs.ts';
import { LeaseKeeper } from './services/leases.ts';
import { startMirrors } from './services/mirror-loop.ts';
import { startRepairer } from './services/repair.ts';
import { startStoredBytesFolder } from './services/stored-bytes.ts';

export type { HubConfig, HubConfigInput } from './config.ts';
export { DEFAULT_REPLICAS, hubConfigSchema, loadHubConfig, parseHubConfig } from './config.ts';
export type { DatabaseConfig } from './db/index.ts';
export { openDatabase } from './db/index.ts';

export interface RunningHub {
  url: string;
  port: number;
  /** Where the operator token is kept. */
  operatorTokenFile: string;
  close(): Promise<void>;
}

/**
 * Reads config.tls and checks that both files are PEM and belong together, so that a bad file
 * is reported by its config key (tls.cert, tls.key) at start rather than on a connection.
 */
function loadTls(tls: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  const read = (field: string, path: string, what: string, pem: RegExp) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ValidationError(field, `cannot read ${path}: ${code ?? String(e)}`);
    }
    if (!pem.test(bytes.toString('latin1'))) {
      throw new ValidationError(field, `${path} holds no PEM ${what}`);
    }
    try {
      createSecureContext(field === 'tls.cert' ? { cert: bytes } : { key: bytes });
    } catch (e) {
      throw new ValidationError(field, `${path} is not a usable ${what}: ${(e as Error).message}`);
    }
    return bytes;
  };
  const cert = read('tls.cert', tls.cert, 'certificate', /-----BEGIN CERTIFICATE-----/);
  const key = read('tls.key', tls.key, 'private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  try {
    createSecureContext({ cert, key });
  } catch {
    throw new ValidationError(
      'tls.key',
      `${tls.key} is not the key of the certificate ${tls.cert}`,
    );
  }
  return { cert, key };
}

export async function startHub(
  config: HubConfig,
  log: (line: string) => void = (l) => console.error(l),
): Promise<RunningHub> {
  const tls = config.tls ? loadTls(config.tls) : undefined;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  checkRole(config.role, databaseOf(config));
  const db = await openDatabase(databaseOf(config), log);
  const tokenFile = config.operatorTokenFile ?? join(config.dataDir, 'operator-token');
  const secrets = await hubSecrets(db.kysely, config, tokenFile).catch(async (e) => {
    await db.close();
    throw e;
  });
  const database = databaseOf(config);
  const loops = runsLoops(config.role);
  const keeper = loops
    ? new LeaseKeeper(
        db.leases,
        database.kind === 'sqlite' ? [SQLITE_LEASE, ...LOOPS] : LOOPS,
        () => Date.now(),
        log,
      )
    : null;
  if (keeper && database.kind === 'sqlite') {
    await claimSqlite(db.kysely, keeper.holder, database.path, Date.now()).catch(async (e) => {
      await db.close();
      throw e;
    });
  }
  await keeper?.start();
  // Set once the loops run ([Note: Kicks across processes]).
  let kicks: Kicks | null = null;
  const hub: Hub = {
    db: db.kysely,
    config,
    ...secrets,
    now: () => Date.now(),
    leads: (loop) => keeper?.holds(loop) ?? false,
    kickGc: () => {
      collector?.kick();
      kicks?.send('gc');
    },
    kickJobs: () => jobRunner?.kick(),
    kickCopies: () => {
      copier?.kick();
      kicks?.send('copies');
    },
    kickMirrors: () => {
      mirrorLoop?.kick();
      kicks?.send('mirrors');
    },
    repairStatus: () => repairer?.status() ?? idleRepair(),
    changes: new ChangeBus(),
  };
  const collector = loops ? startCollector(hub, log) : null;
  const copier = loops ? startCopier(hub, log) : null;
  const mirrorLoop = loops ? startMirrors(hub, log) : null;
  const repairer = loops ? startRepairer(hub, log) : null;
  const jobRunner =
    loops && keeper
      ? startJobRunner({
          db: db.kysely,
          dialect: database.kind,
          holder: keeper.holder,
          handlers: { [AUDIT_JOB]: async (p) => void (await runAuditJob(hub, p, log)) },
          now: () => hub.now(),
          log,
        })
      : null;
  const background = loops
    ? [
        collector,
        copier,
        mirrorLoop,
        repairer,
        jobRunner,
        startAuditor(hub, log),
        startHistory(hub, log),
        startChangePruner(hub, log),
        startStoredBytesFolder(hub, log),
      ]
    : [];
  if (database.kind === 'postgres') {
    const loopOf = { gc: collector, copies: copier, mirrors: mirrorLoop };
    kicks = startKicks({
      url: database.url,
      schema: database.schema,
      notify: (channel, name) => sql`select pg_notify(${channel}, ${name})`.execute(db.kysely),
      ...(loops ? { onKick: (name: KickName) => loopOf[name]?.kick() } : {}),
      log,
    });
  }
  const logs: HttpLogs = { internal: log, client: clientErrorLog(log), refused: new WeakSet() };
  let network: NetworkBytes | null = null;
  let server: Server;
  if (servesApi(config.role)) {
    const app = createApp(hub, logs, () => network?.totals() ?? { received: 0, sent: 0 });
    // A request Hono cannot even be handed (a backslash in the path, a body cut short) still
    // gets the JSON error body.
    const listener = getRequestListener(app.fetch, {
      hostname: config.bind,
      errorHandler: () =>
        Response.json(toErrorBody(new ValidationError('request', 'malformed HTTP request')), {
          status: 400,
        }),
    });
    server = tls ? createHttpsServer(tls, listener) : createServer(listener);
  } else {
    server = workerServer(() => keeper?.held() ?? []);
  }
  network = countNetworkBytes(server);
  const stop = async () => {
    await kicks?.stop();
    await Promise.all(background.map((b) => b?.stop()));
    await keeper?.stop();
    network?.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
    await db.close();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.bind, () => resolve());
    });
  } catch (e) {
    // A port taken: nothing of this process may go on running (its loops would keep it alive).
    await stop();
    throw e;
  }
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    logs.refused.add(socket);
    logs.client(socket.remoteAddress ?? 'unknown', `malformed HTTP request (${err.code})`);
    socket.end(malformedRequestAnswer(err.code));
  });
  const port = (server.address() as AddressInfo).port;
  const url = config.publicUrl ?? `${tls ? 'https' : 'http'}://${config.bind}:${port}`;
  return {
    url,
    port,
    operatorTokenFile: tokenFile,
    close: stop,
  };
}

/** The repair status of a process that runs no repair loop (an API process). */
const idleRepair = () => ({
  underReplicated: 0,
  copied: 0,
  failed: 0,
  lastRoundAt: null,
  copiedTotal: 0,
});
