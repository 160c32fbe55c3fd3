// Runs a host from the command line (the `coffer host` command wraps the same API):
//
//   node --import tsx packages/host/src/main.ts --hub http://127.0.0.1:4000 --country FR \
//     --capacity 500GiB --data ./coffer-data/host [--port 0] [--bind 127.0.0.1] [--public-url URL]
//     [--bandwidth 10MB/s] [--tag power=solar]... [--tls-cert cert.pem --tls-key key.pem]
//   node --import tsx packages/host/src/main.ts rebuild-index --data ./coffer-data/host
//   node --import tsx packages/host/src/main.ts compact --data ./coffer-data/host  (host stopped)
import { parseArgs } from 'node:util';
import { CofferError } from '@coffer/errors';
import { parseSize } from '@coffer/protocol';
import { compactStore, parseBandwidth, parseTags, rebuildIndex, startHost } from './index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    hub: { type: 'string' },
    country: { type: 'string' },
    capacity: { type: 'string' },
    data: { type: 'string' },
    port: { type: 'string' },
    bind: { type: 'string' },
    'public-url': { type: 'string' },
    'heartbeat-ms': { type: 'string' },
    'sweep-ms': { type: 'string' },
    bandwidth: { type: 'string' },
    tag: { type: 'string', multiple: true },
    personal: { type: 'boolean' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
  },
});

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

function need(name: keyof typeof values): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') {
    console.error(`missing --${name}`);
    process.exit(2);
  }
  return v;
}

try {
  if (positionals[0] === 'rebuild-index') {
    const report = await rebuildIndex(need('data'), { log });
    console.log(JSON.stringify(report, null, 2));
  } else if (positionals[0] === 'compact') {
    // The running host compacts by itself; this is for a stopped one.
    const report = await compactStore(need('data'), { log, minDeadRatio: 0.01 });
    console.log(JSON.stringify(report, null, 2));
  } else if (positionals.length > 0) {
    console.error(`unknown command ${positionals[0]}`);
    process.exit(2);
  } else {
    if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
      console.error('--tls-cert and --tls-key go together');
      process.exit(2);
    }
    const host = await startHost({
      hubUrl: need('hub'),
      country: need('country'),
      capacity: parseSize(need('capacity')),
      dataDir: need('data'),
      port: Number(values.port ?? 0),
      ...(values.bind ? { bind: values.bind } : {}),
      ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
      ...(values['heartbeat-ms'] ? { heartbeatMs: Number(values['heartbeat-ms']) } : {}),
      ...(values['sweep-ms'] ? { sweepMs: Number(values['sweep-ms']) } : {}),
      ...(values.bandwidth ? { bandwidth: parseBandwidth(values.bandwidth) } : {}),
      tags: parseTags(values.tag),
      ...(values.personal ? { personal: true } : {}),
      ...(values['tls-cert'] && values['tls-key']
        ? { tls: { cert: values['tls-cert'], key: values['tls-key'] } }
        : {}),
      log,
    });
    console.log(JSON.stringify({ url: host.url, hostId: host.hostId, publicKey: host.publicKey }));
    const stop = () => {
      void host.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
} catch (e) {
  console.error(e instanceof CofferError ? e.message : e);
  process.exit(1);
}
