import { readFile } from 'node:fs/promises';
import { ValidationError } from '@coffer/errors';
import type { RouteResponse } from '@coffer/protocol';
import { session } from '../client.ts';
import { type CommandGroup, command, commonFlags, need, noMore } from '../command.ts';
import { hubUrlFrom, loadSession } from '../config.ts';
import { formatBytes } from '../output.ts';
import { formatTags, parseTags } from '../values.ts';

/** A host's bytes three ways, as GET /api/admin/stats lists them ([Note: Accounting]). */
type HostAccounting = RouteResponse<'adminStats'>['accounting'][number];

/** Bytes, exact (drift can be a few bytes), with a sign for differences. */
const exact = (n: number, sign = false) => `${sign && n > 0 ? '+' : ''}${n}`;

function accountingTable(out: { say(line: string): void }, hosts: HostAccounting[]) {
  if (!hosts.length) return;
  out.say('');
  out.say('host bytes: hub counter, replica records, host report');
  for (const h of hosts) {
    const drift = [
      h.storedBytes !== h.replicaBytes
        ? `hub counter ${exact(h.storedBytes - h.replicaBytes, true)}`
        : '',
      h.reportedBytes !== h.replicaBytes
        ? `host ${exact(h.reportedBytes - h.replicaBytes, true)}`
        : '',
    ].filter(Boolean);
    out.say(
      `${h.country} ${h.id.slice(0, 8)}  ${exact(h.storedBytes)} ${exact(h.replicaBytes)} ${exact(h.reportedBytes)}  ${drift.length ? `DRIFT: ${drift.join(', ')}${h.lasting ? '' : ' (just seen: may be chunks in flight)'}` : 'agree'}`,
    );
  }
}

async function adminToken(tokenFile: string | undefined): Promise<string> {
  if (tokenFile) {
    try {
      return (await readFile(tokenFile, 'utf8')).trim();
    } catch {
      throw new ValidationError('--token-file', `cannot read ${tokenFile}`);
    }
  }
  if (process.env.COFFER_ADMIN_TOKEN) return process.env.COFFER_ADMIN_TOKEN.trim();
  throw new ValidationError(
    '--token-file',
    'the operator token is needed: --token-file FILE or COFFER_ADMIN_TOKEN',
  );
}

interface AdminHost {
  id: string;
  country: string;
  countryConfirmed: boolean;
  declaredCountry: string | null;
  tags: Record<string, string>;
  url: string;
  state: string;
  vetted: boolean;
  audits: { passed: number; failed: number };
  capacity: number;
  usedBytes: number;
  chunks: number;
  disk: { freeBytes: number; sizeBytes: number } | null;
  overcommitted: boolean;
}

const admin = command({
  name: 'admin',
  flags: {
    'token-file': {
      type: 'string',
      value: 'FILE',
      help: "the operator token (else $COFFER_ADMIN_TOKEN); coffer up's is DIR/operator-token",
    },
    country: { type: 'string', value: 'CC', help: "with hosts set: the host's country" },
    tag: {
      type: 'string',
      multiple: true,
      value: 'k=v',
      help: "with hosts set: the host's tags, e.g. power=solar (repeat)",
    },
    hub: commonFlags.hub,
  },
  async run(args, flags, out) {
    const what = need(args, 0, 'admin command (hosts, audit, stats or placement)');
    const token = await adminToken(flags['token-file']);
    const saved = await loadSession().catch(() => undefined);
    const hubUrl = hubUrlFrom(flags.hub, saved);
    const call = async (path: string, method = 'GET', send?: object) => {
      const res = await fetch(hubUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(send ? { 'content-type': 'application/json' } : {}),
        },
        ...(send ? { body: JSON.stringify(send) } : {}),
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) {
        const { fromErrorBody } = await import('@coffer/protocol');
        throw fromErrorBody(res.status, body, 'admin');
      }
      return body;
    };
    const hostIdAt = (at: number) => {
      const id = need(args, at, 'ID');
      if (!/^[0-9a-f]{32}$/.test(id)) {
        throw new ValidationError(
          'ID',
          'expected a host id: 32 hex characters (see coffer admin hosts)',
        );
      }
      return id;
    };
    const hostIdArg = () => {
      noMore(args, 3);
      return hostIdAt(2);
    };
    const update = (id: string, body: object) =>
      call(`/api/admin/hosts/${id}`, 'PATCH', body) as Promise<{
        state: string;
        country: string;
        tags: Record<string, string>;
      }>;
    if (what === 'hosts' && args[1] === 'approve') {
      const id = hostIdArg();
      const r = await call(`/api/admin/hosts/${id}/approve`, 'POST');
      out.say(`Host ${id} is approved: it takes data now.`);
      out.result(r);
    } else if (what === 'hosts' && args[1] === 'set') {
      const id = hostIdArg();
      const tags = flags.tag ? parseTags(flags.tag, '--tag') : undefined;
      if (!flags.country && !tags) {
        throw new ValidationError('--country', 'give --country CC and/or --tag k=v to set');
      }
      const r = await update(id, {
        ...(flags.country ? { country: flags.country.toUpperCase() } : {}),
        ...(tags ? { tags } : {}),
      });
      out.say(
        `Host ${id}: ${r.country}, tags ${formatTags(r.tags)} (confirmed; repair moves what no longer fits)`,
      );
      out.result(r);
    } else if (what === 'hosts' && (args[1] === 'suspend' || args[1] === 'resume')) {
      const id = hostIdArg();
      const r = await update(id, { suspended: args[1] === 'suspend' });
      out.say(
        args[1] === 'suspend'
          ? `Host ${id} is suspended: it gets no new data; what it holds still counts.`
          : `Host ${id} is ${r.state}.`,
      );
      out.result(r);
    } else if (what === 'hosts') {
      noMore(args, 1);
      const { hosts } = (await call('/api/admin/hosts')) as { hosts: AdminHost[] };
      for (const h of hosts) {
        const audits = `audits ${h.audits.passed}✓ ${h.audits.failed}✗${h.vetted ? '' : ' unvetted'}`;
        const country = `${h.country}${h.countryConfirmed ? '✓' : ' '}`;
        out.say(
          `${h.id}  ${country}  ${h.state.padEnd(12)}  ${formatBytes(h.usedBytes).padStart(10)} / ${formatBytes(h.capacity).padEnd(10)}  ${audits.padEnd(25)}  ${formatTags(h.tags).padEnd(20)}  ${h.url}`,
        );
        if (h.overcommitted && h.disk) {
          out.say(
            `  ! declares ${formatBytes(h.capacity)} but its disk has ${formatBytes(h.disk.freeBytes)} free (of ${formatBytes(h.disk.sizeBytes)})`,
          );
        }
      }
      out.result({ hosts });
    } else if (what === 'audit') {
      noMore(args, 3);
      const id = hostIdAt(1);
      const chunk = args[2];
      if (chunk !== undefined && !/^[0-9a-f]{64}$/.test(chunk)) {
        throw new ValidationError(
          'CHUNK',
          'expected a chunk id: 64 hex characters (see coffer admin placement)',
        );
      }
      const r = (await call('/api/admin/audits', 'POST', {
        hostId: id,
        ...(chunk ? { chunkId: chunk } : {}),
      })) as RouteResponse<'adminAudit'>;
      for (const a of r.audits) out.say(`${a.chunkId}  ${a.outcome}`);
      if (!r.audits.length) out.say(`Host ${id} holds no chunks to audit.`);
      if (r.disqualified) out.say(`Host ${id} is disqualified: repair moves what it held.`);
      out.result(r);
    } else if (what === 'stats') {
      noMore(args, 1);
      const s = (await call('/api/admin/stats')) as Record<string, unknown> & {
        accounting: HostAccounting[];
      };
      const line = (k: string, v: number | null) =>
        out.say(
          `${k.padEnd(16)} ${k.endsWith('Bytes') || k === 'capacity' ? formatBytes(v ?? 0) : v}`,
        );
      for (const [k, v] of Object.entries(s)) {
        if (typeof v === 'number') line(k, v);
        else if (k !== 'accounting' && v && typeof v === 'object')
          for (const [kk, vv] of Object.entries(v)) line(`${k}.${kk}`, vv as number);
      }
      accountingTable(out, s.accounting);
      out.result(s);
    } else if (what === 'placement') {
      noMore(args, 2);
      const path = need(args, 1, 'PATH');
      const client = await session(flags);
      const node = await client.resolve(path);
      if (node.kind !== 'file')
        throw new ValidationError('PATH', 'is a folder; placement is per file');
      const p = (await call(`/api/admin/placement/${node.info.id}`)) as {
        chunks: { id: string; hosts: { id: string; country: string }[] }[];
      };
      for (const c of p.chunks)
        out.say(`${c.id}  ${c.hosts.map((h) => `${h.country}:${h.id.slice(0, 8)}`).join(' ')}`);
      out.result(p);
    } else {
      throw new ValidationError(
        'admin command',
        `unknown "${what}"; expected hosts, audit, stats or placement`,
      );
    }
  },
});

export const adminCommands: CommandGroup = {
  title: 'Operators',
  help: [
    ['admin hosts | stats | placement PATH', '(--token-file FILE or COFFER_ADMIN_TOKEN)'],
    ['admin hosts approve ID', 'let a pending host take data (manual approval)'],
    ['admin hosts set ID [--country CC] [--tag k=v]...', 'confirm or correct country and tags'],
    ['admin hosts suspend ID | resume ID', 'stop (or restart) new data to a host'],
    ['admin audit ID [CHUNK]', "audit a host now: that chunk, or a round's worth at random"],
  ],
  commands: [admin],
};
