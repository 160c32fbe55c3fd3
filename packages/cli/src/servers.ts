// `coffer up`, `hub`, `host` and `host exit`: the only module that loads @coffer/hub and
// @coffer/host (and with them better-sqlite3); commands/network.ts imports it only for these.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConflictError, ConnectionError, ValidationError } from '@coffer/errors';
import { loadTls, parseBandwidth, parseTags, requestExit, startHost } from '@coffer/host';
import { DEFAULT_REPLICAS, loadHubConfig, type RunningHub, startHub } from '@coffer/hub';
import { parseSize } from '@coffer/protocol';
import { pidLock } from '@coffer/sync';
import { cofferProgram, webDir } from './install.ts';
import type { Out } from './output.ts';
import { parsePort, untilSignal } from './values.ts';

const COUNTRIES = ['FR', 'DE', 'ES', 'BR', 'PT', 'NL', 'SE', 'CA', 'JP', 'IT'];

/**
 * --tls-cert and --tls-key: both or neither. Checked here (readable, PEM, a matching pair) so
 * that errors name the flags; returns absolute paths.
 */
function tlsFlags(f: {
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
}): { cert: string; key: string } | undefined {
  const cert = f['tls-cert'];
  const key = f['tls-key'];
  if (cert === undefined && key === undefined) return undefined;
  if (!cert)
    throw new ValidationError('--tls-cert', 'required with --tls-key: the certificate (PEM)');
  if (!key)
    throw new ValidationError(
      '--tls-key',
      "required with --tls-cert: the certificate's private key (PEM)",
    );
  const files = { cert: resolve(cert), key: resolve(key) };
  loadTls(files, { cert: '--tls-cert', key: '--tls-key' });
  return files;
}

/** The operator's offer to every account, from --account-quota and --donation-url. */
function operatorFlags(f: {
  'account-quota'?: string | undefined;
  'donation-url'?: string | undefined;
}) {
  return {
    ...(f['account-quota'] !== undefined ? { accountQuota: f['account-quota'] } : {}),
    ...(f['donation-url'] !== undefined ? { donationUrl: f['donation-url'] } : {}),
  };
}

/** `coffer hub`: runs a hub in the foreground. */
export async function hubCommand(
  out: Out,
  f: {
    data?: string | undefined;
    port?: string | undefined;
    config?: string | undefined;
    bind?: string | undefined;
    'public-url'?: string | undefined;
    role?: string | undefined;
    'tls-cert'?: string | undefined;
    'tls-key'?: string | undefined;
    'account-quota'?: string | undefined;
    'donation-url'?: string | undefined;
  },
) {
  const web = webDir();
  const tls = tlsFlags(f);
  const config = loadHubConfig(f.config, {
    ...operatorFlags(f),
    ...(web ? { webDir: web } : {}),
    ...(f.data ? { dataDir: resolve(f.data) } : {}),
    ...(f.port !== undefined ? { port: parsePort(f.port, 4000) } : {}),
    ...(f.bind ? { bind: f.bind } : {}),
    ...(f['public-url'] ? { publicUrl: f['public-url'] } : {}),
    ...(f.role !== undefined ? { role: hubRole(f.role) } : {}),
    ...(tls ? { tls } : {}),
  });
  const hub = await startHub(config);
  if (config.role === 'worker') {
    out.say(`Hub worker: health at ${hub.url}/api/health; background jobs only`);
    out.result({ hubUrl: hub.url, role: config.role });
    await untilSignal();
    await hub.close();
    return;
  }
  out.say(`Hub${config.role === 'api' ? ' (API only)' : ''}: ${hub.url}`);
  out.say(`API docs: ${hub.url}/api/docs`);
  out.say(`Operator token: ${hub.operatorTokenFile}`);
  out.result({ hubUrl: hub.url, operatorTokenFile: hub.operatorTokenFile });
  await untilSignal();
  await hub.close();
}

function hubRole(role: string): 'api' | 'worker' | 'all' {
  if (role === 'api' || role === 'worker' || role === 'all') return role;
  throw new ValidationError('--role', 'expected api, worker or all');
}

/** `coffer host exit`: asks the hub to move this host's chunks elsewhere; --wait follows it. */
export async function hostExitCommand(
  out: Out,
  f: { hub?: string | undefined; data?: string | undefined; wait?: boolean | undefined },
) {
  const hubUrl = f.hub ?? process.env.COFFER_HUB;
  if (!hubUrl) throw new ValidationError('--hub', 'required: the URL of the hub to leave');
  if (!f.data) throw new ValidationError('--data', "required: the host's data directory");
  const ask = () => requestExit({ hubUrl, dataDir: resolve(f.data as string) });
  let p = await ask();
  let last = -1;
  for (;;) {
    if (p.remaining !== last) {
      out.say(
        p.state === 'exited'
          ? `Host ${p.hostId} has exited: every chunk it held is on other hosts. You can stop it and delete its data.`
          : `Host ${p.hostId} is exiting: ${p.remaining} chunks still to copy elsewhere. Keep it running.`,
      );
      last = p.remaining;
    }
    if (p.state === 'exited' || !f.wait) break;
    await new Promise((r) => setTimeout(r, 1000));
    p = await ask();
  }
  out.result(p);
}

/** `coffer host`: runs a storage host in the foreground. */
export async function hostCommand(
  out: Out,
  f: {
    hub?: string | undefined;
    country?: string | undefined;
    capacity?: string | undefined;
    data?: string | undefined;
    port?: string | undefined;
    bind?: string | undefined;
    'public-url'?: string | undefined;
    bandwidth?: string | undefined;
    tag?: string[] | undefined;
    personal?: boolean | undefined;
    'tls-cert'?: string | undefined;
    'tls-key'?: string | undefined;
  },
) {
  const hubUrl = f.hub ?? process.env.COFFER_HUB;
  if (!hubUrl) throw new ValidationError('--hub', 'required: the URL of the hub to join');
  if (!f.country || !/^[A-Za-z]{2}$/.test(f.country)) {
    throw new ValidationError('--country', 'required: a two-letter ISO country code such as FR');
  }
  if (!f.capacity)
    throw new ValidationError('--capacity', 'required: the space to offer, e.g. 500GiB');
  if (!f.data) throw new ValidationError('--data', 'required: the directory to store chunks in');
  const bandwidth = f.bandwidth === undefined ? undefined : parseBandwidth(f.bandwidth);
  const tags = parseTags(f.tag);
  const tls = tlsFlags(f);
  const host = await startHost({
    hubUrl,
    country: f.country.toUpperCase(),
    capacity: parseSize(f.capacity, '--capacity'),
    dataDir: resolve(f.data),
    port: parsePort(f.port, 0),
    ...(f.bind ? { bind: f.bind } : {}),
    ...(f['public-url'] ? { publicUrl: f['public-url'] } : {}),
    ...(bandwidth !== undefined ? { bandwidth } : {}),
    tags,
    ...(f.personal ? { personal: true } : {}),
    ...(tls ? { tls } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  out.say(
    `${f.personal ? 'Personal server' : 'Host'} ${host.hostId} (${f.country.toUpperCase()}) serving at ${host.url}`,
  );
  if (f.personal) {
    out.say(
      `It takes only your data: link it to your account with coffer host claim --data ${f.data}`,
    );
  }
  out.result({ hostId: host.hostId, url: host.url });
  await untilSignal();
  await host.close();
}

/** Waits until every host is online and the hub's /api/ready says uploads can be placed. */
async function waitUntilReady(
  hubUrl: string,
  tokenFile: string,
  count: number,
  children: ChildProcess[],
) {
  const { readFile } = await import('node:fs/promises');
  const token = (await readFile(tokenFile, 'utf8')).trim();
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    const dead = children.find((c) => c.exitCode !== null);
    if (dead)
      throw new ConnectionError(
        `a host exited during start-up (code ${dead.exitCode}); see its host.log`,
      );
    let res: Response;
    try {
      res = await fetch(`${hubUrl}/api/admin/hosts`, {
        headers: { authorization: `Bearer ${token}` },
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      if (hubUrl.startsWith('https:') && /CERT|SIGNATURE|ISSUER/.test(cause?.code ?? '')) {
        throw new ValidationError(
          '--tls-cert',
          `this machine does not trust the certificate (${cause?.code}); if a private CA signed it, run with NODE_EXTRA_CA_CERTS=/path/to/ca.pem`,
        );
      }
      throw e;
    }
    const body = (await res.json()) as { hosts?: { online: boolean; country: string }[] };
    const online = (body.hosts ?? []).filter((h) => h.online);
    // Every host online, and the hub says an upload can be placed (what load balancers ask).
    if (online.length >= count) {
      const ready = await fetch(`${hubUrl}/api/ready`);
      last = ((await ready.json()) as { reason?: string }).reason ?? '';
      if (ready.status === 200) return online;
    } else last = `${online.length} of ${count} hosts online`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new ConnectionError(`the network was not ready within 60 s: ${last}`);
}

/** `coffer up`: a hub and N hosts in distinct countries, on this machine, in one command. */
export async function upCommand(
  out: Out,
  f: {
    data?: string | undefined;
    port?: string | undefined;
    hosts?: string | undefined;
    'host-capacity'?: string | undefined;
    'tls-cert'?: string | undefined;
    'tls-key'?: string | undefined;
    'account-quota'?: string | undefined;
    'donation-url'?: string | undefined;
  },
) {
  const count = f.hosts === undefined ? 3 : Number(f.hosts);
  if (!Number.isInteger(count) || count < 2 || count > COUNTRIES.length) {
    throw new ValidationError('--hosts', `expected a whole number from 2 to ${COUNTRIES.length}`);
  }
  const capacity = parseSize(f['host-capacity'] ?? '100GiB', '--host-capacity');
  // The hub and every host serve HTTPS with the same certificate, which must name 127.0.0.1.
  const tls = tlsFlags(f);
  const dataDir = resolve(f.data ?? 'coffer-data');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // A second network on the same folder would run a second hub on its database and hosts on
  // the same chunk stores: refused while the first runs.
  const unlock = await pidLock(
    join(dataDir, 'lock'),
    (pid) =>
      new ConflictError(
        `--data: a Coffer network is already running from ${dataDir} (pid ${pid}); stop it first, or pass another --data folder`,
      ),
  );
  try {
    await upIn(out, {
      dataDir,
      count,
      capacity,
      tls,
      port: parsePort(f.port, 4000),
      operator: operatorFlags(f),
    });
  } finally {
    await unlock();
  }
}

async function upIn(
  out: Out,
  {
    dataDir,
    count,
    capacity,
    tls,
    port,
    operator,
  }: {
    port: number;
    operator: ReturnType<typeof operatorFlags>;
    dataDir: string;
    count: number;
    capacity: number;
    tls: ReturnType<typeof tlsFlags>;
  },
) {
  const web = webDir();
  const config = loadHubConfig(undefined, {
    ...(web ? { webDir: web } : {}),
    dataDir: join(dataDir, 'hub'),
    port,
    operatorTokenFile: join(dataDir, 'operator-token'),
    // Its own hosts, on this machine: nothing to vet.
    hostApproval: 'auto',
    // `--hosts 2` is allowed: fewer hosts than the default's replicas then take a copy each.
    ...(count < DEFAULT_REPLICAS ? { placement: { replicas: count } } : {}),
    ...operator,
    ...(tls ? { tls } : {}),
  });
  let hub: RunningHub;
  try {
    hub = await startHub(config);
  } catch (e) {
    if ((e as { code?: string }).code === 'EADDRINUSE') {
      throw new ValidationError(
        '--port',
        `port ${config.port} is in use; pass --port N (0 picks a free one)`,
      );
    }
    throw e;
  }
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
    );
    await hub.close();
  };
  try {
    for (let i = 0; i < count; i++) {
      const country = COUNTRIES[i] as string;
      const dir = join(dataDir, 'hosts', `${country.toLowerCase()}-${i + 1}`);
      await mkdir(dir, { recursive: true });
      const log = await open(join(dir, 'host.log'), 'a');
      const child = spawn(
        process.execPath,
        [
          cofferProgram(),
          'host',
          '--hub',
          hub.url,
          '--country',
          country,
          '--capacity',
          String(capacity),
          '--data',
          dir,
          ...(tls ? ['--tls-cert', tls.cert, '--tls-key', tls.key] : []),
        ],
        { stdio: ['ignore', log.fd, log.fd] },
      );
      child.once('exit', () => void log.close());
      children.push(child);
    }
    const hosts = await waitUntilReady(hub.url, hub.operatorTokenFile, count, children);
    out.say('Coffer is running on this machine.');
    out.say(`  Hub:       ${hub.url}`);
    out.say(`  Web:       ${hub.url}/`);
    out.say(`  API docs:  ${hub.url}/api/docs`);
    out.say(`  Hosts:     ${hosts.length} (${hosts.map((h) => h.country).join(', ')})`);
    out.say(`  Data:      ${dataDir}`);
    out.say(`  Operator token: ${hub.operatorTokenFile}`);
    out.say('');
    out.say('Try it in another terminal:');
    out.say(`  export COFFER_HUB=${hub.url}`);
    out.say('  npx coffer signup you@example.com');
    out.say('  npx coffer put ./some-file');
    out.say('  npx coffer ls');
    out.say('Stop with Ctrl-C.');
    out.result({
      hubUrl: hub.url,
      webUrl: `${hub.url}/`,
      dataDir,
      operatorTokenFile: hub.operatorTokenFile,
      hosts: hosts.map((h) => h.country),
    });
    for (const c of children) {
      c.once('exit', (code, signal) => {
        process.stderr.write(
          `a host stopped (${signal ?? `exit ${code}`}); see ${dataDir}/hosts/*/host.log\n`,
        );
      });
    }
    await untilSignal();
  } finally {
    await stopAll();
  }
}
