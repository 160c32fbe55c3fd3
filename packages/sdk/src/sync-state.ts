import { fromBase64Url, openSyncState, sealSyncState, toBase64Url } from '@coffer/crypto';
import { ConflictError, ValidationError } from '@coffer/errors';
import { z } from 'zod';
import type { HubClient } from './hub-client.ts';
import { type AccountKeys, fromHub } from './keys.ts';

// [Note: Sync state in the client]
// After each pass a sync client reports its roots for its session ([Note: Sync state] in crypto,
// [Note: Sync state on the hub]): where each root is, the device, the last pass, its state and
// its counts. Several `coffer sync` processes may share one session (one per folder), so a
// report reads the session's stored roots, replaces those with the same local path, keeps the
// rest and saves the next version; another save in between (409) means read and merge again.
// A blob that does not open (a hub mixing sessions up, or a bug) is left out of `list()` and
// named in `unreadable`, rather than hiding every other session's roots.

const MAX_TEXT = 4096;
const text = (what: string) =>
  z.string().min(1, `expected a ${what}`).max(MAX_TEXT, `at most ${MAX_TEXT} characters`);
const count = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 31);

export const syncRoot = z
  .object({
    /** This device's folder, as the sync client names it. */
    localPath: text('local path'),
    remotePath: text('remote path'),
    deviceName: text('device name'),
    /** When the last pass ended (ms since 1970). */
    lastPassAt: z.number().int().nonnegative(),
    state: z.enum(['synced', 'stopped', 'error']),
    conflicts: count,
    errors: count,
  })
  .strict();
export type SyncRootReport = z.infer<typeof syncRoot>;

const stateSchema = z.object({ roots: z.array(syncRoot).max(100) }).strict();

/** The largest state, once encoded: what the hub takes, with the envelope around it. */
const MAX_STATE_BYTES = 32 * 1024;

export interface SessionSyncState {
  sessionId: string;
  /** When the hub last took a report from the session. */
  updatedAt: number;
  roots: SyncRootReport[];
}

export class SyncState {
  constructor(
    private readonly deps: {
      hub: Pick<HubClient, 'call'>;
      keys: AccountKeys;
      sessionId: () => string;
    },
  ) {}

  /** Every live session's sync roots, and the sessions whose report did not open. */
  async list(): Promise<{ sessions: SessionSyncState[]; unreadable: string[] }> {
    const { states } = await this.deps.hub.call('syncStates', {});
    const sessions: SessionSyncState[] = [];
    const unreadable: string[] = [];
    for (const s of states) {
      try {
        sessions.push({
          sessionId: s.sessionId,
          updatedAt: s.updatedAt,
          roots: await this.open(s.sessionId, s.version, s.state),
        });
      } catch {
        unreadable.push(s.sessionId);
      }
    }
    return { sessions, unreadable };
  }

  /** Reports these roots of this session (others it reported before stay). */
  async report(roots: readonly SyncRootReport[]): Promise<void> {
    const checked = z.array(syncRoot).safeParse(roots);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new ValidationError(
        ['roots', ...(issue?.path ?? [])].join('.'),
        issue?.message ?? 'invalid',
      );
    }
    const sessionId = this.deps.sessionId();
    for (let attempt = 0; ; attempt++) {
      const { states } = await this.deps.hub.call('syncStates', {});
      const mine = states.find((s) => s.sessionId === sessionId);
      let kept: SyncRootReport[] = [];
      if (mine) {
        // One that does not open is replaced: it held nothing this session can use.
        kept = await this.open(sessionId, mine.version, mine.state).catch(() => []);
      }
      const ours = new Set(checked.data.map((r) => r.localPath));
      const next = { roots: [...kept.filter((r) => !ours.has(r.localPath)), ...checked.data] };
      const bytes = new TextEncoder().encode(JSON.stringify(next));
      if (bytes.length > MAX_STATE_BYTES || next.roots.length > 100)
        throw new ValidationError('roots', 'too many sync roots to report for one session');
      const version = (mine?.version ?? 0) + 1;
      const { masterKey, accountId } = this.deps.keys;
      const sealed = await sealSyncState(masterKey, accountId, sessionId, version, bytes);
      try {
        await this.deps.hub.call('saveSyncState', {
          body: { version, state: toBase64Url(sealed) },
        });
        return;
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= 4) throw e;
      }
    }
  }

  private async open(sessionId: string, version: number, state: string) {
    const { masterKey, accountId } = this.deps.keys;
    const plain = await fromHub('sync state', () =>
      openSyncState(masterKey, accountId, sessionId, version, fromBase64Url(state, 'state')),
    );
    const parsed = stateSchema.safeParse(JSON.parse(new TextDecoder().decode(plain)));
    if (!parsed.success) throw new ValidationError('state', 'does not match the schema');
    return parsed.data.roots;
  }
}
