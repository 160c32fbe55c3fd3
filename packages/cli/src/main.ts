import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AuthError, CofferError, NotFoundError, ValidationError } from '@coffer/errors';
import { type FolderPolicy, parseSize } from '@coffer/protocol';
import { byKindThenName, CofferClient, type Contact, type Entry, PublicLink } from '@coffer/sdk';
import {
  forgetSession,
  hubUrlFrom,
  linkPassword,
  loadSession,
  password,
  saveSession,
} from './config.ts';
import { describe, dropFiles, get, getLink, put, restoreOrConflict } from './files.ts';
import { EXIT, exitCodeOf, formatBytes, makeOut, type Out } from './output.ts';

const HELP = `coffer — end-to-end encrypted storage on a network of independent hosts

Usage: coffer <command> [options]

Run a network
  up [--data DIR] [--port N] [--hosts N]   hub + N hosts in distinct countries, on this machine
  hub [--data DIR] [--port N] [--config FILE] [--public-url URL]
  host --hub URL --country CC --capacity SIZE --data DIR [--port N] [--bind ADDR]
       [--public-url URL] [--bandwidth LIMIT] [--tag k=v]...
                      serve chunks; --bandwidth caps chunk traffic in each direction
                      (10MB/s, 8MiB/s, 100Mbit/s); --tag (repeat) e.g. power=solar
  up | hub | host ... --tls-cert FILE --tls-key FILE
                      serve HTTPS (PEM); clients trust a private CA via NODE_EXTRA_CA_CERTS
  host exit --hub URL --data DIR [--wait]
                      leave the network: the hub copies this host's chunks elsewhere;
                      keep the host running until it says "exited" (--wait follows it)
  host claim --data DIR   link a host to your account (its dashboard: coffer hosts, web app)
  hosts               your hosts: state, storage, audits, uptime, traffic

Account
  signup EMAIL        create an account (prints your recovery key once)
  login EMAIL         log in; the session is kept in the config dir (0600)
  logout              end this session
  whoami              who is logged in, and where
  sessions            list your sessions; --revoke ID ends one
  recover EMAIL       set a new password with your recovery key (--recovery-key or prompt)

Contacts
  contacts            your contacts: verified, unverified, or keys changed
  contacts add EMAIL  look up their keys and pin them (shows the safety number)
  contacts show EMAIL check their keys again; shows the safety number to compare
  contacts verify EMAIL [--safety-number N]
                      after comparing safety numbers (in person, by phone or QR code);
                      also accepts a key change
  contacts remove EMAIL
  keys                your own fingerprint; "keys rotate" makes new key pairs
  share PATH EMAIL [--write]
                      share a folder with a contact, read-only (or read-write)
  unshare PATH EMAIL  take a member off a shared folder; its keys are rotated, so nothing
                      written from now on opens for them
  shares              the folders you share, and those shared with you

Links (anyone with the link can open it; the key is in the part after #)
  link PATH [--password] [--expires 7d] [--downloads N]
                      a public link to a file or folder; --password asks for one (or
                      --link-password-file F, $COFFER_LINK_PASSWORD); expiry in m, h, d or w
  links               your links: state, downloads, expiry; "links revoke ID" ends one
  get LINK [LOCAL]    download what a link points to (no account needed)

File requests (anyone with the link can send files; no one can list or read through it)
  request PATH [--title T] [--expires 7d] [--files N] [--size 1GiB]
                      an upload-only link into a folder of yours
  requests            your requests: state, files received, files waiting to come in
  requests collect [ID]
                      take the files visitors sent into the requests' folders
  requests revoke ID  close one; "requests discard ID DROP" throws a received file away
  drop LINK FILE...   send files to a file request (no account needed)

Files (PATH may be shared:NAME/... for a folder shared with you; see coffer shares)
  ls [PATH] [-l]      list a folder
  put LOCAL [REMOTE]  upload a file or a folder (resumes if interrupted)
  get REMOTE [LOCAL]  download a file or a folder [--revision N]
  mkdir PATH [-p]     create a folder (-p: and its parents)
  mv FROM TO          move or rename
  rm PATH             move to the trash
  trash               list the trash; "trash purge ITEM" deletes for good
  restore ITEM        bring back from the trash (by name or id)
  versions PATH       list the revisions of a file
  policy PATH         where a folder's files may be stored; set it with --replicas N,
                      --allow FR,DE, --exclude BR, --require k=v (repeat); --clear removes it

Operators
  admin hosts | stats | placement PATH    (--token-file FILE or COFFER_ADMIN_TOKEN)
  admin hosts approve ID                  let a pending host take data (manual approval)
  admin hosts set ID [--country CC] [--tag k=v]...   confirm or correct country and tags
  admin hosts suspend ID | resume ID      stop (or restart) new data to a host

Options
  --hub URL           the hub (default: $COFFER_HUB, then the logged-in session's hub)
  --password-file F   read the password from a file (else $COFFER_PASSWORD, else a prompt)
  --json              machine-readable output on stdout
  -h, --help          this help

Environment: COFFER_HUB, COFFER_PASSWORD, COFFER_CONFIG_DIR, COFFER_ADMIN_TOKEN

Exit codes: 0 ok, 1 internal error, 2 bad input, 3 not logged in / wrong password / not allowed,
  4 not found, 5 conflict, 6 integrity (tampering detected), 7 cannot reach hub or hosts,
  8 no space, 9 rate-limited, 130 interrupted

Examples
  coffer up --data ./coffer-data            # a whole network on this machine
  export COFFER_HUB=http://127.0.0.1:4000
  coffer signup alice@example.com
  coffer put ./photos /photos               # a folder, with a progress bar
  coffer ls -l /photos
  coffer get /photos/cat.jpg ./cat.jpg
  coffer mv /photos/cat.jpg /pets/cat.jpg
  coffer rm /pets/cat.jpg && coffer restore cat.jpg
  COFFER_PASSWORD=... coffer login alice@example.com --json
  coffer admin placement /photos/cat.jpg --json --token-file ./coffer-data/operator-token
`;

const options = {
  hub: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'password-file': { type: 'string' },
  'recovery-key': { type: 'string' },
  'token-file': { type: 'string' },
  data: { type: 'string' },
  port: { type: 'string' },
  hosts: { type: 'string' },
  'host-capacity': { type: 'string' },
  config: { type: 'string' },
  bind: { type: 'string' },
  country: { type: 'string' },
  capacity: { type: 'string' },
  'public-url': { type: 'string' },
  bandwidth: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  long: { type: 'boolean', short: 'l' },
  parents: { type: 'boolean', short: 'p' },
  revision: { type: 'string' },
  revoke: { type: 'string' },
  wait: { type: 'boolean' },
  tag: { type: 'string', multiple: true },
  replicas: { type: 'string' },
  allow: { type: 'string' },
  exclude: { type: 'string' },
  require: { type: 'string', multiple: true },
  clear: { type: 'boolean' },
  'safety-number': { type: 'string' },
  write: { type: 'boolean' },
  password: { type: 'boolean' },
  'link-password-file': { type: 'string' },
  expires: { type: 'string' },
  downloads: { type: 'string' },
  title: { type: 'string' },
  files: { type: 'string' },
  size: { type: 'string' },
} as const;

type Flags = ReturnType<
  typeof parseArgs<{ options: typeof options; allowPositionals: true }>
>['values'];

function need(args: string[], index: number, name: string): string {
  const v = args[index];
  if (v === undefined) throw new ValidationError(name, 'missing; see coffer --help');
  return v;
}

function noMore(args: string[], max: number) {
  if (args.length > max)
    throw new ValidationError('arguments', `unexpected "${args[max]}"; see coffer --help`);
}

async function session(flags: Flags): Promise<CofferClient> {
  const saved = await loadSession();
  if (flags.hub && hubUrlFrom(flags.hub) !== saved.hubUrl) {
    throw new AuthError(`logged in to ${saved.hubUrl}, not ${flags.hub}; log in there first`);
  }
  return CofferClient.resume(saved);
}

async function adminToken(flags: Flags): Promise<string> {
  if (flags['token-file']) {
    try {
      return (await readFile(flags['token-file'], 'utf8')).trim();
    } catch {
      throw new ValidationError('--token-file', `cannot read ${flags['token-file']}`);
    }
  }
  if (process.env.COFFER_ADMIN_TOKEN) return process.env.COFFER_ADMIN_TOKEN.trim();
  throw new ValidationError(
    '--token-file',
    'the operator token is needed: --token-file FILE or COFFER_ADMIN_TOKEN',
  );
}

async function admin(flags: Flags, out: Out, args: string[]) {
  const what = need(args, 0, 'admin command (hosts, stats or placement)');
  const token = await adminToken(flags);
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
  const hostIdArg = () => {
    noMore(args, 3);
    const id = need(args, 2, 'ID');
    if (!/^[0-9a-f]{32}$/.test(id)) {
      throw new ValidationError(
        'ID',
        'expected a host id: 32 hex characters (see coffer admin hosts)',
      );
    }
    return id;
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
    const { hosts } = (await call('/api/admin/hosts')) as {
      hosts: {
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
      }[];
    };
    for (const h of hosts) {
      const audits = `audits ${h.audits.passed}✓ ${h.audits.failed}✗${h.vetted ? '' : ' unvetted'}`;
      const country = `${h.country}${h.countryConfirmed ? '✓' : ' '}`;
      out.say(
        `${h.id}  ${country}  ${h.state.padEnd(12)}  ${formatBytes(h.usedBytes).padStart(10)} / ${formatBytes(h.capacity).padEnd(10)}  ${audits.padEnd(25)}  ${formatTags(h.tags).padEnd(20)}  ${h.url}`,
      );
    }
    out.result({ hosts });
  } else if (what === 'stats') {
    noMore(args, 1);
    const s = (await call('/api/admin/stats')) as Record<string, number | Record<string, number>>;
    const line = (k: string, v: number | null) =>
      out.say(
        `${k.padEnd(16)} ${k.endsWith('Bytes') || k === 'capacity' ? formatBytes(v ?? 0) : v}`,
      );
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === 'number') line(k, v);
      else for (const [kk, vv] of Object.entries(v)) line(`${k}.${kk}`, vv);
    }
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
      `unknown "${what}"; expected hosts, stats or placement`,
    );
  }
}

async function run(command: string, args: string[], flags: Flags, out: Out) {
  switch (command) {
    // The hub and host programs load only for these commands; the rest of the CLI stays small.
    case 'up':
      noMore(args, 0);
      return (await import('./network.ts')).upCommand(out, flags);
    case 'hub':
      noMore(args, 0);
      return (await import('./network.ts')).hubCommand(out, flags);
    case 'host':
      if (args[0] === 'claim') {
        noMore(args, 1);
        if (!flags.data) throw new ValidationError('--data', "missing: the host's data folder");
        const client = await session(flags);
        const { signHostClaim } = await import('@coffer/host');
        const id = await client.claimHost(
          await signHostClaim(flags.data, client.whoami().accountId),
        );
        out.say(`Host ${id} is yours: see coffer hosts, or Hosting in the web app.`);
        out.result({ hostId: id });
        return;
      }
      if (args[0] === 'exit') {
        noMore(args, 1);
        return (await import('./network.ts')).hostExitCommand(out, flags);
      }
      noMore(args, 0);
      return (await import('./network.ts')).hostCommand(out, flags);
    case 'signup': {
      noMore(args, 1);
      const email = need(args, 0, 'EMAIL');
      const pw = await password(flags, 'Choose a password: ', true);
      const { client, recoveryKey } = await CofferClient.signup({
        hubUrl: hubUrlFrom(flags.hub),
        email,
        password: pw,
        deviceName: 'coffer cli',
      });
      await saveSession(client.saved());
      out.say(`Account created for ${email}; you are logged in.`);
      out.say('');
      out.say(
        'Your recovery key (shown once; store it offline, it is the only way back in if you forget the password):',
      );
      out.say(`  ${recoveryKey}`);
      out.result({
        accountId: client.keys.accountId,
        email: client.keys.email,
        hubUrl: client.hub.hubUrl,
        recoveryKey,
      });
      return;
    }
    case 'login': {
      noMore(args, 1);
      const email = need(args, 0, 'EMAIL');
      const pw = await password(flags, 'Password: ');
      const client = await CofferClient.login({
        hubUrl: hubUrlFrom(flags.hub),
        email,
        password: pw,
        deviceName: 'coffer cli',
      });
      await saveSession(client.saved());
      out.say(`Logged in as ${email}.`);
      out.result(client.whoami());
      return;
    }
    case 'recover': {
      noMore(args, 1);
      const email = need(args, 0, 'EMAIL');
      const recoveryKey = flags['recovery-key'] ?? (await password({}, 'Recovery key: '));
      const pw = await password(flags, 'New password: ', true);
      const client = await CofferClient.recover({
        hubUrl: hubUrlFrom(flags.hub),
        email,
        recoveryKey,
        newPassword: pw,
        deviceName: 'coffer cli',
      });
      await saveSession(client.saved());
      out.say(`New password set for ${email}; every other session was ended.`);
      out.result(client.whoami());
      return;
    }
    case 'logout': {
      noMore(args, 0);
      const client = await session(flags).catch((e) =>
        e instanceof AuthError ? null : Promise.reject(e),
      );
      await client?.logout().catch(() => {});
      await forgetSession();
      out.say('Logged out.');
      out.result({ ok: true });
      return;
    }
    case 'whoami': {
      noMore(args, 0);
      const client = await session(flags);
      const me = { ...client.whoami(), sessionExpiresAt: client.saved().expiresAt };
      out.say(`${me.email} on ${me.hubUrl}`);
      out.result(me);
      return;
    }
    case 'sessions': {
      noMore(args, 0);
      const client = await session(flags);
      if (flags.revoke) {
        await client.revokeSession(flags.revoke);
        out.say(`Session ${flags.revoke} revoked.`);
        out.result({ revoked: flags.revoke });
        return;
      }
      const list = await client.sessions();
      for (const s of list)
        out.say(
          `${s.id}  ${s.current ? '*' : ' '} ${s.deviceName}  last seen ${new Date(s.lastSeenAt).toISOString()}`,
        );
      out.result({ sessions: list });
      return;
    }
    case 'ls': {
      noMore(args, 1);
      const { client, path } = await inTree(await session(flags), args[0] ?? '/', 'PATH');
      const node = await client.stat(path);
      const entries: Entry[] = node.kind === 'folder' ? await client.list(path) : [node];
      for (const e of entries.sort(byKindThenName)) out.say(describe(e, flags.long ?? false));
      out.result({ path, entries });
      return;
    }
    case 'put': {
      noMore(args, 2);
      const local = need(args, 0, 'LOCAL');
      if (args[1] === undefined) return put(await session(flags), out, local, undefined);
      const { client, path } = await inTree(await session(flags), args[1], 'REMOTE');
      return put(client, out, local, path);
    }
    case 'get': {
      noMore(args, 2);
      if (/^https?:\/\/\S+\/l\/[0-9a-f]{32}/.test(args[0] ?? '')) {
        let link: PublicLink;
        try {
          link = await PublicLink.open(args[0] as string);
        } catch (e) {
          if (!(e instanceof ValidationError && e.field === 'password')) throw e;
          const password = await linkPassword(flags, 'The link’s password: ');
          link = await PublicLink.open(args[0] as string, { password });
        }
        return getLink(link, out, args[1]);
      }
      const revision = flags.revision === undefined ? undefined : Number(flags.revision);
      if (revision !== undefined && (!Number.isInteger(revision) || revision < 1)) {
        throw new ValidationError('--revision', 'expected a revision number (see coffer versions)');
      }
      const { client, path } = await inTree(
        await session(flags),
        need(args, 0, 'REMOTE'),
        'REMOTE',
      );
      return get(client, out, path, args[1], revision === undefined ? {} : { revision });
    }
    case 'mkdir': {
      noMore(args, 1);
      const { client, path } = await inTree(await session(flags), need(args, 0, 'PATH'), 'PATH');
      const e = await client.mkdir(path, { parents: flags.parents ?? false });
      out.say(`Created ${args[0]}`);
      out.result(e);
      return;
    }
    case 'mv': {
      noMore(args, 2);
      const me = await session(flags);
      const from = await inTree(me, need(args, 0, 'FROM'), 'FROM');
      const to = await inTree(me, need(args, 1, 'TO'), 'TO');
      if ((await from.client.root()).info.id !== (await to.client.root()).info.id)
        throw new ValidationError('TO', 'a move stays within your own files or within one share');
      const e = await from.client.move(from.path, to.path);
      out.say(`Moved ${args[0]} to ${args[1]}`);
      out.result(e);
      return;
    }
    case 'rm': {
      noMore(args, 1);
      const { client, path } = await inTree(await session(flags), need(args, 0, 'PATH'), 'PATH');
      const e = await client.trash(path);
      out.say(`Moved ${args[0]} to the trash (coffer restore ${e.name} brings it back)`);
      out.result(e);
      return;
    }
    case 'trash': {
      const client = await session(flags);
      if (args[0] === 'purge') {
        noMore(args, 2);
        await client.purge(need(args, 1, 'ITEM'));
        out.say(`Deleted ${args[1]} for good.`);
        out.result({ purged: args[1] });
        return;
      }
      noMore(args, 0);
      const items = await client.listTrash();
      if (items.length === 0) out.say('The trash is empty.');
      for (const t of items)
        out.say(
          `${t.id}  ${describe(t, false)}  from ${t.from ?? '?'}  trashed ${new Date(t.trashedAt ?? 0).toISOString()}`,
        );
      out.result({ items });
      return;
    }
    case 'restore': {
      noMore(args, 1);
      const e = await restoreOrConflict(await session(flags), need(args, 0, 'ITEM'));
      out.say(`Restored ${e.name}`);
      out.result(e);
      return;
    }
    case 'versions': {
      noMore(args, 1);
      const list = await (await session(flags)).versions(need(args, 0, 'PATH'));
      for (const v of list)
        out.say(
          `v${v.revision}${v.current ? '*' : ' '}  ${formatBytes(v.size).padStart(10)}  ${new Date(v.createdAt).toISOString()}`,
        );
      out.result({ versions: list });
      return;
    }
    case 'policy': {
      noMore(args, 1);
      const path = need(args, 0, 'PATH');
      const client = await session(flags);
      const setting =
        flags.clear || flags.replicas || flags.allow || flags.exclude || flags.require;
      const p = setting
        ? await client.setFolderPolicy(path, flags.clear ? null : policyFromFlags(flags))
        : await client.folderPolicy(path);
      out.say(`${path}: ${p.own ? describePolicy(p.own) : 'no policy of its own'}`);
      out.say(`in effect: ${describePolicy(p.effective)}`);
      out.result(p);
      return;
    }
    case 'hosts': {
      noMore(args, 0);
      const hosts = await (await session(flags)).myHosts();
      if (hosts.length === 0) out.say('No hosts yet: run coffer host claim --data DIR on one.');
      for (const h of hosts)
        out.say(
          `${h.id}  ${h.country}  ${h.state.padEnd(12)}  ${formatBytes(h.usedBytes).padStart(10)} / ${formatBytes(h.capacity).padEnd(10)}  audits ${h.audits.passed}✓ ${h.audits.failed}✗  up ${(h.uptime * 100).toFixed(1)}%  in ${formatBytes(h.bytesIn)} out ${formatBytes(h.bytesOut)}`,
        );
      out.result({ hosts });
      return;
    }
    case 'contacts':
      return contacts(flags, out, args);
    case 'share': {
      noMore(args, 2);
      const path = need(args, 0, 'PATH');
      const email = need(args, 1, 'EMAIL');
      const client = await session(flags);
      try {
        const shared = await client.shares.share(path, email, flags.write ? 'write' : 'read');
        out.say(`${path} is shared with ${email} (${flags.write ? 'read-write' : 'read-only'}).`);
        out.result(shared);
      } finally {
        await saveSession(client.saved());
      }
      return;
    }
    case 'unshare': {
      noMore(args, 2);
      const path = need(args, 0, 'PATH');
      const email = need(args, 1, 'EMAIL');
      const client = await session(flags);
      try {
        const left = await client.shares.remove(path, email);
        out.say(
          left
            ? `${email} is off ${path}; its keys are rotated. Still shared with ${left.members.map((m) => m.email).join(', ')}.`
            : `${email} is off ${path}; its keys are rotated. It is no longer shared.`,
        );
        out.result({ share: left });
      } finally {
        await saveSession(client.saved());
      }
      return;
    }
    case 'link': {
      noMore(args, 1);
      const path = need(args, 0, 'PATH');
      const expiresAt =
        flags.expires === undefined ? undefined : Date.now() + duration(flags.expires);
      const maxDownloads = flags.downloads === undefined ? undefined : Number(flags.downloads);
      if (maxDownloads !== undefined && !(Number.isInteger(maxDownloads) && maxDownloads >= 1))
        throw new ValidationError('--downloads', 'expected a whole number of at least 1');
      const client = await session(flags);
      const pass =
        flags.password || flags['link-password-file']
          ? await linkPassword(flags, 'A password for the link: ', true)
          : undefined;
      const made = await client.links.create(path, {
        ...(pass !== undefined ? { password: pass } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        ...(maxDownloads !== undefined ? { maxDownloads } : {}),
      });
      out.say(made.url);
      out.say(
        [
          pass !== undefined ? 'password-protected' : 'no password',
          made.expiresAt ? `expires ${new Date(made.expiresAt).toISOString()}` : 'no expiry',
          made.maxDownloads ? `${made.maxDownloads} download(s)` : 'no download limit',
        ].join(', '),
      );
      out.result(made);
      return;
    }
    case 'links': {
      const client = await session(flags);
      if (args[0] === 'revoke') {
        noMore(args, 2);
        await client.links.revoke(need(args, 1, 'ID'));
        out.say(`Link ${args[1]} revoked.`);
        out.result({ revoked: args[1] });
        return;
      }
      noMore(args, 0);
      const list = await client.links.list();
      const now = Date.now();
      for (const l of list) {
        const node = await client.openById(l.nodeId as Parameters<typeof client.openById>[0]);
        const where = node ? await client.pathOf(node) : '(deleted)';
        const state = l.revokedAt
          ? 'revoked'
          : l.expiresAt !== null && l.expiresAt <= now
            ? 'expired'
            : l.maxDownloads !== null && l.downloads >= l.maxDownloads
              ? 'used up'
              : 'active';
        out.say(
          `${l.id}  ${where}  ${state}  ${l.downloads}${l.maxDownloads ? `/${l.maxDownloads}` : ''} download(s)${l.password ? '  password' : ''}${l.expiresAt ? `  expires ${new Date(l.expiresAt).toISOString()}` : ''}`,
        );
      }
      if (!list.length) out.say('No links yet: coffer link PATH');
      out.result({ links: list });
      return;
    }
    case 'request': {
      noMore(args, 1);
      const path = need(args, 0, 'PATH');
      const expiresAt =
        flags.expires === undefined ? undefined : Date.now() + duration(flags.expires);
      const maxFiles = flags.files === undefined ? undefined : Number(flags.files);
      if (maxFiles !== undefined && !(Number.isInteger(maxFiles) && maxFiles >= 1))
        throw new ValidationError('--files', 'expected a whole number of at least 1');
      const maxBytes = flags.size === undefined ? undefined : parseSize(flags.size, '--size');
      const client = await session(flags);
      const made = await client.requests.create(path, {
        ...(flags.title !== undefined ? { title: flags.title } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        ...(maxFiles !== undefined ? { maxFiles } : {}),
        ...(maxBytes !== undefined ? { maxBytes } : {}),
      });
      out.say(made.url);
      out.say(
        [
          `"${made.title}" from ${made.from}`,
          made.expiresAt ? `closes ${new Date(made.expiresAt).toISOString()}` : 'no expiry',
          made.maxFiles ? `${made.maxFiles} file(s)` : 'no file limit',
          made.maxBytes ? `${formatBytes(made.maxBytes)} in all` : 'no size limit',
        ].join(', '),
      );
      out.result(made);
      return;
    }
    case 'requests': {
      const client = await session(flags);
      if (args[0] === 'revoke') {
        noMore(args, 2);
        await client.requests.revoke(need(args, 1, 'ID'));
        out.say(`File request ${args[1]} closed; what it received can still be collected.`);
        out.result({ revoked: args[1] });
        return;
      }
      if (args[0] === 'discard') {
        noMore(args, 3);
        await client.requests.discard(need(args, 1, 'ID'), need(args, 2, 'DROP'));
        out.say(`Received file ${args[2]} thrown away.`);
        out.result({ discarded: args[2] });
        return;
      }
      if (args[0] === 'collect') {
        noMore(args, 2);
        const got = await client.requests.collect(args[1] ? { requestId: args[1] } : {});
        for (const e of got.received) out.say(`${e.path}  ${formatBytes(e.size ?? 0)}`);
        for (const p of got.problems)
          out.warn(
            `request ${p.requestId}${p.dropId ? `, received file ${p.dropId}` : ''}: ${p.error.message}`,
          );
        out.say(
          got.received.length
            ? `Received ${got.received.length} file${got.received.length === 1 ? '' : 's'}.`
            : 'Nothing new.',
        );
        out.result({
          received: got.received,
          problems: got.problems.map((p) => ({ ...p, error: p.error.message })),
        });
        return;
      }
      noMore(args, 0);
      const list = await client.requests.list();
      const now = Date.now();
      for (const r of list) {
        const node = await client.openById(r.folderId as Parameters<typeof client.openById>[0]);
        const where = node ? await client.pathOf(node) : '(deleted)';
        const state = r.revokedAt
          ? 'closed'
          : r.expiresAt !== null && r.expiresAt <= now
            ? 'expired'
            : r.maxFiles !== null && r.filesReceived >= r.maxFiles
              ? 'full'
              : 'open';
        out.say(
          `${r.id}  ${where}  ${state}  ${r.filesReceived}${r.maxFiles ? `/${r.maxFiles}` : ''} file(s)  ${r.pending} waiting  ${r.title}${r.expiresAt ? `  closes ${new Date(r.expiresAt).toISOString()}` : ''}`,
        );
      }
      if (!list.length) out.say('No file requests yet: coffer request PATH');
      else if (list.some((r) => r.pending > 0))
        out.say('Take waiting files in: coffer requests collect');
      out.result({ requests: list });
      return;
    }
    case 'drop': {
      const url = need(args, 0, 'LINK');
      if (args.length < 2) throw new ValidationError('FILE', 'missing; name the files to send');
      return dropFiles(url, out, args.slice(1));
    }
    case 'shares': {
      noMore(args, 0);
      const client = await session(flags);
      try {
        const outgoing = await client.shares.outgoing();
        const incoming = await client.shares.incoming();
        for (const s of outgoing) {
          const folder = await client.openById(s.folderId as Parameters<typeof client.openById>[0]);
          const where = folder ? await client.pathOf(folder) : s.folderId;
          out.say(
            `${where}  shared with ${s.members.map((m) => `${m.email} (${m.role})`).join(', ')}`,
          );
        }
        for (const s of incoming) {
          out.say(`${s.folder.meta.name}  from ${s.owner.email} (${s.role})`);
          for (const w of s.uncheckedWriters)
            out.warn(
              `${s.folder.meta.name}: files by ${w} will not open until you verify their new keys`,
            );
        }
        if (!outgoing.length && !incoming.length)
          out.say('Nothing shared yet: coffer share PATH EMAIL');
        out.result({
          outgoing,
          incoming: incoming.map((s) => ({
            id: s.id,
            name: s.folder.meta.name,
            owner: s.owner,
            role: s.role,
            members: s.members,
            uncheckedWriters: s.uncheckedWriters,
          })),
        });
      } finally {
        await saveSession(client.saved());
      }
      return;
    }
    case 'keys': {
      const client = await session(flags);
      if (args[0] === 'rotate') {
        noMore(args, 1);
        await client.rotateKeys();
        out.say('New key pairs made. Your contacts will be asked to verify you again.');
      } else noMore(args, 0);
      const mine = await client.contacts.myFingerprint();
      out.say(`Your fingerprint: ${mine}`);
      out.result({ fingerprint: mine, version: client.keys.keyVersion });
      return;
    }
    case 'admin':
      return admin(flags, out, args);
    default:
      throw new NotFoundError(`command: unknown command "${command}"; see coffer --help`);
  }
}

const SHARED = 'shared:';

/**
 * A path in your own files, or `shared:NAME/...` inside the folder called NAME that is shared
 * with you (as `coffer shares` lists it): the client to use for it and the path within.
 */
async function inTree(client: CofferClient, path: string, field: string) {
  if (!path.startsWith(SHARED)) return { client, path };
  const rest = path.slice(SHARED.length);
  const slash = rest.indexOf('/');
  const name = slash < 0 ? rest : rest.slice(0, slash);
  const matches = (await client.shares.incoming()).filter((s) => s.folder.meta.name === name);
  await saveSession(client.saved());
  const [share] = matches;
  if (!share)
    throw new NotFoundError(
      `${field}: no folder called "${name}" is shared with you (see coffer shares)`,
    );
  if (matches.length > 1)
    throw new ValidationError(
      field,
      `${matches.length} folders called "${name}" are shared with you (from ${matches.map((m) => m.owner.email).join(', ')})`,
    );
  return { client: client.within(share.folder), path: slash < 0 ? '/' : rest.slice(slash) };
}

/** The 60 digits of a safety number as three lines of four groups, easy to read aloud. */
const groupedSafetyNumber = (n: string) =>
  n
    .split(' ')
    .reduce<string[]>((lines, g, i) => {
      if (i % 4 === 0) lines.push(g);
      else lines[lines.length - 1] += ` ${g}`;
      return lines;
    }, [])
    .map((l) => `  ${l}`)
    .join('\n');

function describeContact(out: Out, c: Contact) {
  const status = c.keyChanged ? 'KEYS CHANGED' : c.verified ? 'verified' : 'not verified';
  out.say(`${c.email}  ${status}`);
  if (c.keyChanged) {
    out.warn(
      `WARNING: ${c.email}'s keys changed since you added them. This happens when they reset their keys, or when someone (the hub?) is in between. Sharing with them is blocked until you compare the safety number below with them and run: coffer contacts verify ${c.email}`,
    );
  }
  out.say('Safety number (compare it with theirs):');
  out.say(groupedSafetyNumber(c.safetyNumber));
}

async function contacts(flags: Flags, out: Out, args: string[]) {
  const client = await session(flags);
  const sub = args[0];
  const email = () => need(args, 1, 'EMAIL');
  try {
    switch (sub) {
      case undefined: {
        const list = await client.contacts.list();
        if (list.length === 0) out.say('No contacts yet: coffer contacts add EMAIL');
        for (const c of list)
          out.say(
            `${c.email.padEnd(32)} ${c.keyChanged ? 'KEYS CHANGED' : c.verified ? 'verified' : 'not verified'}`,
          );
        out.result({ contacts: list });
        return;
      }
      case 'add':
      case 'show':
      case 'verify': {
        noMore(args, 2);
        const c =
          sub === 'add'
            ? await client.contacts.add(email())
            : sub === 'show'
              ? await client.contacts.refresh(email())
              : await client.contacts.verify(email(), {
                  ...(flags['safety-number'] !== undefined
                    ? { safetyNumber: flags['safety-number'] }
                    : {}),
                });
        describeContact(out, c);
        if (sub === 'verify') out.say(`${c.email} is verified.`);
        out.result(c);
        return;
      }
      case 'remove': {
        noMore(args, 2);
        await client.contacts.remove(email());
        out.say(`${email()} removed from your contacts.`);
        out.result({ removed: email() });
        return;
      }
      default:
        throw new NotFoundError(`command: unknown "contacts ${sub}"; see coffer --help`);
    }
  } finally {
    await saveSession(client.saved());
  }
}

/** `k=v` flags as tags; the hub checks their form. */
function parseTags(list: readonly string[], flag: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of list) {
    const eq = t.indexOf('=');
    if (eq <= 0) throw new ValidationError(flag, `expected key=value, got "${t}"`);
    tags[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return tags;
}

const formatTags = (tags: Record<string, string>) =>
  Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || '-';

const countryList = (v: string) =>
  v
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);

function policyFromFlags(flags: Flags): FolderPolicy {
  const policy: FolderPolicy = {};
  if (flags.replicas !== undefined) {
    const n = Number(flags.replicas);
    if (!Number.isInteger(n)) throw new ValidationError('--replicas', 'expected a whole number');
    policy.replicas = n;
  }
  if (flags.allow) policy.allowCountries = countryList(flags.allow);
  if (flags.exclude) policy.excludeCountries = countryList(flags.exclude);
  if (flags.require) policy.requiredTags = parseTags(flags.require, '--require');
  return policy;
}

function describePolicy(p: FolderPolicy): string {
  const parts: string[] = [];
  if (p.replicas) parts.push(`${p.replicas} replicas in distinct countries`);
  if (p.allowCountries) parts.push(`only in ${p.allowCountries.join(', ') || 'no country'}`);
  if (p.excludeCountries?.length) parts.push(`never in ${p.excludeCountries.join(', ')}`);
  if (p.requiredTags && Object.keys(p.requiredTags).length) {
    parts.push(`on hosts tagged ${formatTags(p.requiredTags)}`);
  }
  return parts.join('; ') || 'no constraints';
}

/** Runs one command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed: { values: Flags; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    process.stderr.write(`coffer: ${(e as Error).message}\nSee coffer --help.\n`);
    return EXIT.usage;
  }
  const { values: flags, positionals } = parsed;
  const [command, ...args] = positionals;
  if (flags.help || !command || command === 'help') {
    process.stdout.write(HELP);
    return command || flags.help ? EXIT.ok : EXIT.usage;
  }
  const out = makeOut(flags.json ?? false);
  try {
    await run(command, args, flags, out);
    return EXIT.ok;
  } catch (e) {
    out.clearStatus();
    const code = exitCodeOf(e);
    const message = e instanceof CofferError ? e.message : ((e as Error)?.message ?? String(e));
    if (out.json) {
      process.stdout.write(
        `${JSON.stringify({ error: { code: e instanceof CofferError ? e.code : 'internal', message } })}\n`,
      );
    }
    process.stderr.write(`coffer: ${message}\n`);
    if (!(e instanceof CofferError) && process.env.COFFER_DEBUG)
      process.stderr.write(`${(e as Error)?.stack}\n`);
    return code;
  }
}

/** "30m", "12h", "7d", "2w" in milliseconds. */
function duration(text: string): number {
  const m = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  const ms = m ? Number(m[1]) * unit[m[2] as keyof typeof unit] : 0;
  if (!(ms > 0))
    throw new ValidationError('--expires', 'expected a duration like 30m, 12h, 7d or 2w');
  return ms;
}
