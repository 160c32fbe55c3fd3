import { existsSync } from 'node:fs';
import { chmod, lstat, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { NotFoundError, ValidationError } from '@coffer/errors';
import type { CofferClient, OpenNode } from '@coffer/sdk';
import { BaseStore } from './base-store.ts';
import { brake } from './brakes.ts';
import { Executor, noCounts, type PassCounts } from './executor.ts';
import { exists, sweepLocalTrash } from './local-fs.ts';
import { idScheme, scanLocal } from './local-scan.ts';
import { lockRoot } from './lock.ts';
import { STATE_DIR } from './names.ts';
import type { Action, PlanOptions } from './plan-types.ts';
import { plan } from './planner.ts';
import { remoteTree } from './remote-tree.ts';
import { PAUSED_SETTING } from './root-settings.ts';
import { bandwidth } from './throttle.ts';
import { shareStrings } from './trees.ts';

// One sync pass: scan the local folder, list the remote one, plan from the three trees, stop
// at a brake unless deletions were confirmed, then carry the plan out. The caller runs passes
// again when either side changes (and once in a while, for what a watcher missed).

export interface SyncRootOptions {
  client: CofferClient;
  /** The local folder (absolute). */
  local: string;
  /** The remote folder's path in the account; created when missing. */
  remote: string;
  device: string;
  /** Go past the brakes: the deletions are what the user wants. */
  confirmDeletes?: boolean;
  /** The remote folder may not be written (a read-only share). */
  readOnly?: boolean;
  scope?: PlanOptions['scope'];
  /** The caller holds the root's lock (`lockRoot`) across passes already. */
  locked?: boolean;
  /** `--bwlimit`: bytes a second, each way. */
  bwlimit?: number;
  /**
   * Ends the pass after the action under way (Ctrl-C): what is done is in the base, and the next
   * pass goes on from there.
   */
  signal?: AbortSignal;
  log?: (line: string) => void;
  now?: () => Date;
}

export interface PassResult {
  /** `paused`: `coffer sync pause` holds passes back; nothing was looked at. */
  state: 'synced' | 'stopped' | 'paused';
  /** Why a pass stopped: at a brake, or asked to before its end. */
  stopped?: string;
  actions: number;
  counts: PassCounts;
  conflicts: string[];
  reports: string[];
  errors: string[];
  skipped: string[];
  at: number;
}

const RESULT = 'last-pass';

export async function syncOnce(o: SyncRootOptions): Promise<PassResult> {
  const log = o.log ?? (() => undefined);
  const now = (o.now ?? (() => new Date()))();
  if (!(await exists(o.local))) {
    throw new ValidationError(
      'local',
      `${o.local} does not exist (an unmounted disk?); nothing was done`,
    );
  }
  const unlock = o.locked ? async () => undefined : await lockRoot(o.local);
  const store = new BaseStore(o.local);
  try {
    const root = await remoteRoot(o.client, o.remote);
    store.claim({
      remotePath: o.remote,
      remoteId: root.info.id,
      accountId: o.client.whoami().accountId,
      device: o.device,
    });
    if (store.setting(PAUSED_SETTING) === 'yes') {
      return { ...emptyResult(now), state: 'paused' };
    }
    await sweepLocalTrash(o.local, now);
    const insensitive = await caseInsensitive(store, o.local);
    const idOf = idScheme(await birthIds(store, o.local));
    const byLocal = store.byLocalId();
    const warnings: string[] = [];
    const scope = o.scope;
    const local = await scanLocal(o.local, {
      idOf,
      known: (id) => byLocal.get(id),
      ...(scope ? { ignored: (p, kind) => scope(p, kind) === 'ignored' } : {}),
      warn: (w) => warnings.push(w),
    });
    // Only one pass runs on a root at a time (the lock), so these are a killed pass's.
    for (const part of local.leftovers) await rm(part, { force: true });
    const remote = await remoteTree(o.client.within(root), root, store.mirror, {
      now: now.getTime(),
    });
    shareStrings(byLocal, local, remote);
    const base = [...byLocal.values()];
    const p = plan(base, local, remote, {
      device: o.device,
      now,
      caseInsensitive: insensitive,
      readOnly: o.readOnly ?? false,
      ...(scope ? { scope } : {}),
    });
    const reports = [
      ...warnings,
      ...p.actions.flatMap((a) => (a.op === 'report' ? [a.message] : [])),
    ];
    const counts = store.counts();
    const stop = o.confirmDeletes
      ? null
      : brake(p, { baseFiles: counts.files, localNodes: local.nodes.size });
    const result: PassResult = {
      ...emptyResult(now),
      state: stop ? 'stopped' : 'synced',
      actions: p.actions.length,
      conflicts: conflictsOf(p.actions),
      reports,
      ...(stop ? { stopped: stop.message } : {}),
    };
    if (!stop) {
      const ex = new Executor({
        client: o.client.within(root),
        store,
        root: o.local,
        local,
        remote,
        now,
        idOf,
        limit: bandwidth(o.bwlimit),
        ...(o.signal ? { signal: o.signal } : {}),
        log,
      });
      await ex.run(p.actions);
      result.counts = ex.counts;
      result.errors = ex.errors;
      result.skipped = ex.skipped;
      if (o.signal?.aborted) {
        result.state = 'stopped';
        result.stopped = 'stopped before the end, as asked; the next pass goes on from here';
      }
    }
    store.setSetting(RESULT, JSON.stringify(result));
    return result;
  } finally {
    store.close();
    await unlock();
  }
}

/** The last pass of a sync root, as `coffer sync status` shows it. */
export function lastPass(local: string): PassResult | null {
  if (!existsSync(join(local, STATE_DIR, 'state.db'))) return null;
  const store = new BaseStore(local);
  try {
    const value = store.setting(RESULT);
    return value ? (JSON.parse(value) as PassResult) : null;
  } finally {
    store.close();
  }
}

function emptyResult(now: Date): PassResult {
  return {
    state: 'synced',
    actions: 0,
    counts: noCounts(),
    conflicts: [],
    reports: [],
    errors: [],
    skipped: [],
    at: now.getTime(),
  };
}

function conflictsOf(actions: readonly Action[]): string[] {
  return actions.flatMap((a) => (a.op === 'conflict-rename' ? [a.name] : []));
}

async function remoteRoot(client: CofferClient, path: string): Promise<OpenNode> {
  try {
    const node = await client.resolve(path);
    if (node.kind !== 'folder')
      throw new ValidationError('remote', `${path} is a file, not a folder`);
    return node;
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    await client.mkdir(path, { parents: true });
    return client.resolve(path);
  }
}

/**
 * What a probe file in `.coffer/` says about the disk under `root`, asked once per root and
 * kept in its settings: the disk does not change under a folder, and ids must never change
 * meaning between passes.
 */
async function probeOnce(
  store: BaseStore,
  root: string,
  key: string,
  probe: (file: string) => Promise<boolean>,
): Promise<boolean> {
  const known = store.setting(key);
  if (known !== undefined) return known === 'yes';
  const file = join(root, STATE_DIR, `${key}-probe`);
  await writeFile(file, '');
  try {
    const answer = await probe(file);
    store.setSetting(key, answer ? 'yes' : 'no');
    return answer;
  } finally {
    await rm(file, { force: true });
  }
}

/** Whether the disk finds a name in another case (macOS and Windows by default). */
const caseInsensitive = (store: BaseStore, root: string) =>
  probeOnce(store, root, 'case-insensitive', (file) => exists(upper(file)));

/**
 * Whether local ids carry the birth time: only where the disk keeps a real one (it stays when
 * the file changes; without one the system reports the change time instead).
 */
const birthIds = (store: BaseStore, root: string) =>
  probeOnce(store, root, 'birth-ids', async (file) => {
    const before = await lstat(file, { bigint: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await chmod(file, 0o600);
    const after = await lstat(file, { bigint: true });
    return (
      before.birthtimeNs !== 0n &&
      after.birthtimeNs === before.birthtimeNs &&
      after.ctimeNs !== before.ctimeNs
    );
  });

/** The probe file's path with its name in upper case. */
const upper = (file: string) => join(dirname(file), basename(file).toUpperCase());
