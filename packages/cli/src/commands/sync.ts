import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { ConflictError, ValidationError } from '@coffer/errors';
import { parseSize } from '@coffer/protocol';
import type { CofferClient } from '@coffer/sdk';
import {
  folderPath,
  IGNORE_FILE,
  isPaused,
  lastPass,
  lockRoot,
  type PassResult,
  parseIgnore,
  scopeWith,
  select,
  setPaused,
  syncOnce,
  unselectedFolders,
} from '@coffer/sync';
import { inTree, withSession } from '../client.ts';
import { type CommandGroup, command, commonFlags, need, noMore } from '../command.ts';
import { formatBytes, type Out } from '../output.ts';
import { reportPass } from '../sync-report.ts';
import { watchFolder } from '../sync-watch.ts';

// `coffer sync LOCAL REMOTE`: keeps a local folder and a Coffer folder the same
// ([Note: Three trees] in the sync package). In the foreground it runs a pass, then another
// as soon as a local file changes (a recursive watcher) or the hub's change feed says the
// account changed (a long poll), and a full pass every RESCAN_MS for anything either missed.

const RESCAN_MS = Number(process.env.COFFER_SYNC_RESCAN_MS) || 30_000;
/** Local events closer together than this make one pass. */
const SETTLE_MS = 150;

const hub = commonFlags.hub;

const sync = command({
  name: 'sync',
  flags: {
    device: {
      type: 'string',
      value: 'NAME',
      help: 'this device, in conflict names (default: the host name)',
    },
    once: { type: 'boolean', help: 'one pass, then exit (for scripts and cron)' },
    'confirm-deletes': {
      type: 'boolean',
      help: 'go ahead with a pass that deletes more than half of the files, or from an empty folder',
    },
    bwlimit: {
      type: 'string',
      value: 'RATE',
      help: 'cap uploads and downloads each at RATE bytes a second, e.g. 2MiB',
    },
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 2);
    // [Note: Sync's heap] A pass allocates fast (listings, hashes, uploads) while keeping
    // little, and V8 then lets the heap grow to about four times what is live before it
    // collects: a 100,000-file tree peaked at 677 MB with under 100 MB live. Told to
    // optimize for size, V8 collects sooner: 258 MB, for about a third more CPU in that pass
    // (a smaller heap growing factor cost as much CPU and saved less; docs/benchmarks.md).
    // V8 reads the flag as it goes, so setting it here, before any pass, is enough.
    setFlagsFromString('--optimize-for-size');
    const local = resolve(need(args, 0, 'LOCAL'));
    const remote = need(args, 1, 'REMOTE');
    if (!remote.startsWith('/') && !remote.startsWith('shared:')) {
      throw new ValidationError('REMOTE', 'expected a path such as /Sync, or shared:NAME/...');
    }
    const device = flags.device ?? hostname();
    if (!/^[\p{L}\p{N} ._()'-]{1,40}$/u.test(device)) {
      throw new ValidationError(
        '--device',
        "expected 1 to 40 letters, digits, spaces and . _ ( ) ' -",
      );
    }
    const bwlimit = flags.bwlimit === undefined ? undefined : parseSize(flags.bwlimit, '--bwlimit');
    if (bwlimit !== undefined && bwlimit < 1024) {
      throw new ValidationError('--bwlimit', 'expected at least 1KiB a second');
    }
    await withSession(flags, async (account) => {
      // A folder shared with us syncs through a client scoped to it; read-only, down only.
      const { client, path, share } = await inTree(account, remote, 'REMOTE');
      const root: Root = {
        client,
        local,
        remote: path,
        shown: remote,
        device,
        readOnly: share?.role === 'read',
        confirmDeletes: flags['confirm-deletes'] === true,
        ...(bwlimit ? { bwlimit } : {}),
      };
      if (root.readOnly) out.warn(`${remote} is shared with you read-only: it syncs down only`);
      if (!flags.once) return foreground(root, out);
      const r = await runPass(root, out);
      out.result(r);
      if (r.state === 'stopped') throw new ConflictError(`sync: ${r.stopped}`);
    });
  },
});

/** What every pass of one `coffer sync` needs. */
interface Root {
  client: CofferClient;
  local: string;
  /** The remote folder within `client` (a share's client for `shared:NAME`). */
  remote: string;
  /** REMOTE as the user gave it. */
  shown: string;
  device: string;
  readOnly: boolean;
  confirmDeletes: boolean;
  bwlimit?: number;
}

/**
 * What `.cofferignore` leaves out, as the planner's scope. A rule file that does not parse
 * stops the pass (the error names the file and line): syncing with fewer rules could upload
 * what was meant to stay here.
 */
async function ignoreRules(local: string) {
  const text = await readFile(join(local, IGNORE_FILE), 'utf8').catch(() => '');
  const rules = parseIgnore(text, {
    file: IGNORE_FILE,
    readFile: (rel: string) => {
      try {
        return readFileSync(join(local, rel), 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  return (path: string, kind: 'file' | 'folder') => rules.ignored(path, kind);
}

async function runPass(
  root: Root,
  out: Out,
  locked = false,
  signal?: AbortSignal,
): Promise<PassResult> {
  const rules = await ignoreRules(root.local);
  const r = await syncOnce({
    ...root,
    locked,
    ...(signal ? { signal } : {}),
    scope: scopeWith(rules, unselectedFolders(root.local)),
    log: (line) => out.warn(line),
  });
  out.say(summary(r));
  for (const c of r.conflicts) out.warn(`conflict: both sides changed; your copy is kept as ${c}`);
  for (const e of r.errors) out.warn(`error: ${e}`);
  await reportPass(root.client, { local: root.local, remote: root.shown, device: root.device }, r);
  return r;
}

function summary(r: PassResult): string {
  if (r.state === 'stopped') return `Stopped: ${r.stopped}`;
  if (r.state === 'paused') return 'Paused: coffer sync resume to go on';
  const c = r.counts;
  const parts = [
    c.uploaded && `${c.uploaded} up (${formatBytes(c.bytesUp)})`,
    c.downloaded && `${c.downloaded} down (${formatBytes(c.bytesDown)})`,
    c.moved && `${c.moved} moved`,
    c.deleted && `${c.deleted} to the trash`,
    c.conflicts && `${c.conflicts} conflict${c.conflicts === 1 ? '' : 's'}`,
    r.errors.length && `${r.errors.length} error${r.errors.length === 1 ? '' : 's'}`,
  ].filter(Boolean);
  const at = new Date(r.at).toLocaleTimeString();
  return `${at} ${parts.length ? parts.join(', ') : 'in sync'}`;
}

async function foreground(root: Root, out: Out): Promise<void> {
  const { client, local, remote, device } = root;
  if (!existsSync(local)) {
    throw new ValidationError(
      'LOCAL',
      `${local} does not exist (an unmounted disk?); nothing was done`,
    );
  }
  const unlock = await lockRoot(local);
  let dirty = true;
  let wake: (() => void) | null = null;
  const changed = () => {
    dirty = true;
    wake?.();
  };
  const stopWatching = await watchFolder(local, changed, (line) => out.warn(line)).catch(
    async (e) => {
      await unlock();
      throw e;
    },
  );
  // The first Ctrl-C ends the pass after the file under way; the handler is gone then, so a
  // second one ends the process at once (what a pass does survives that: the base is written
  // after each action, downloads go through part files).
  const stop = new AbortController();
  const onSignal = () => {
    out.warn('Stopping after the file under way; Ctrl-C again stops at once.');
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const remoteChanges = followRemote(client, stop.signal, changed, out);
  out.say(`Syncing ${local} with ${remote} as “${device}”. Ctrl-C stops.`);
  try {
    while (!stop.signal.aborted) {
      dirty = false;
      try {
        await runPass(root, out, true, stop.signal);
      } catch (e) {
        out.warn(`sync: ${(e as Error).message}`);
      }
      if (dirty || stop.signal.aborted) continue;
      await new Promise<void>((resolve) => {
        let timer = setTimeout(done, RESCAN_MS);
        function done() {
          clearTimeout(timer);
          stop.signal.removeEventListener('abort', done);
          resolve();
        }
        // The pass starts SETTLE_MS after the first change, whatever comes meanwhile.
        wake = () => {
          clearTimeout(timer);
          timer = setTimeout(done, SETTLE_MS);
          wake = null;
        };
        stop.signal.addEventListener('abort', done);
      });
      wake = null;
    }
  } finally {
    stop.abort();
    await remoteChanges;
    await unlock();
    await stopWatching();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Follows the hub's change feed (long polls) and calls `changed` whenever something changed
 * in the account's tree or shares, until `signal` aborts. A lost connection or an expired
 * cursor starts again from the latest cursor (the next pass lists the whole tree anyway).
 */
async function followRemote(
  client: CofferClient,
  signal: AbortSignal,
  changed: () => void,
  out: Out,
): Promise<void> {
  let backoff = 1_000;
  while (!signal.aborted) {
    try {
      const cursor = await client.changes.latest(signal);
      for await (const _page of client.changes.watch(cursor, signal)) {
        backoff = 1_000;
        changed();
      }
    } catch (e) {
      if (signal.aborted) return;
      out.warn(`sync: following remote changes: ${(e as Error).message}; trying again`);
      changed(); // whatever happened meanwhile is seen by a full pass
      await sleep(backoff, undefined, { signal }).catch(() => undefined);
      backoff = Math.min(backoff * 2, 60_000);
    }
  }
}

const status = command({
  name: 'sync status',
  flags: {},
  async run(args, _flags, out) {
    noMore(args, 1);
    const local = resolve(args[0] ?? '.');
    const r = lastPass(local);
    if (!r) {
      out.say(
        `${local} is not a sync root: coffer sync ${relative(process.cwd(), local) || '.'} /REMOTE`,
      );
      out.result({ local, synced: false });
      return;
    }
    if (isPaused(local)) out.say(`${local} is paused: coffer sync resume ${local}`);
    out.say(`${local}: last pass ${new Date(r.at).toLocaleString()}: ${summary(r)}`);
    for (const c of r.conflicts) out.say(`  conflict: ${c}`);
    for (const e of r.errors) out.say(`  error: ${e}`);
    for (const s of r.skipped) out.say(`  waiting: ${s}`);
    for (const m of r.reports) out.say(`  note: ${m}`);
    out.result({ local, paused: isPaused(local), ...r });
  },
});

const selectCommand = command({
  name: 'sync select',
  flags: {
    skip: {
      type: 'string',
      value: 'FOLDER',
      multiple: true,
      help: 'leave a remote folder off this device',
    },
    keep: { type: 'string', value: 'FOLDER', multiple: true, help: 'bring a left-out folder back' },
  },
  async run(args, flags, out) {
    noMore(args, 1);
    const local = resolve(args[0] ?? '.');
    if (!lastPass(local))
      throw new ValidationError('LOCAL', `${local} is not a sync root yet: run coffer sync first`);
    const skip = (flags.skip ?? []).map((p) => folderPath(p, '--skip'));
    const keep = (flags.keep ?? []).map((p) => folderPath(p, '--keep'));
    const left =
      skip.length || keep.length ? select(local, { skip, keep }) : unselectedFolders(local);
    if (skip.length) {
      out.say(
        `Left off this device: ${skip.join(', ')} (the local copy goes on the next pass once it has nothing unsynced; the remote stays).`,
      );
    }
    if (keep.length) out.say(`Coming back on the next pass: ${keep.join(', ')}.`);
    out.say(
      left.length
        ? `Not on this device: ${left.join(', ')}`
        : 'Every folder comes down to this device.',
    );
    out.result({ local, unselected: left });
  },
});

/** `sync pause` and `sync resume`: one command each, the same shape. */
function pauseSwitch(paused: boolean) {
  return command({
    name: paused ? 'sync pause' : 'sync resume',
    flags: {},
    async run(args, _flags, out) {
      noMore(args, 1);
      const local = resolve(args[0] ?? '.');
      if (!lastPass(local)) throw new ValidationError('LOCAL', `${local} is not a sync root`);
      setPaused(local, paused);
      out.say(
        paused
          ? `Paused: ${local} is not synced until coffer sync resume.`
          : `Resumed: ${local} syncs again (a running coffer sync picks it up within its next pass).`,
      );
      out.result({ local, paused });
    },
  });
}

export const syncCommands: CommandGroup = {
  title: 'Sync (a local folder kept the same as a Coffer folder, on every device)',
  help: [
    [
      'sync LOCAL REMOTE [--device NAME] [--once] [--confirm-deletes]',
      'keep LOCAL and REMOTE the same; in the foreground until Ctrl-C, or one pass with --once',
    ],
    ['sync status [LOCAL]', 'the last pass: what moved, conflicts, errors, what waits'],
    [
      'sync select [LOCAL] [--skip FOLDER] [--keep FOLDER]',
      'selective sync: leave remote folders off this device (the remote copy stays), or bring them back',
    ],
    ['sync pause [LOCAL]', 'hold passes back (a running coffer sync skips them)'],
    ['sync resume [LOCAL]', 'let passes go on'],
  ],
  commands: [sync, status, selectCommand, pauseSwitch(true), pauseSwitch(false)],
};
