import type { SessionSyncState, SyncRootReport } from '@coffer/sdk';
import { useCallback, useEffect, useState } from 'react';
import { type Result, worker } from './api.ts';
import { AppsList } from './apps/apps-list.tsx';
import { formatAgo, formatDateTime } from './figures.ts';
import { fill } from './i18n/format.ts';
import { useT } from './i18n/use-t.ts';
import { useWorkerList } from './ui.tsx';
import { deviceLabel, wordingStrings } from './wording/strings.ts';

// The account's sessions, each with the folders its sync client keeps in sync ([Note: Sync state
// in the client]): where, on which device, how the last pass went and how long ago.

interface SessionRow {
  id: string;
  deviceName: string;
  lastSeenAt: number;
  current: boolean;
  awaitingCode: boolean;
}

const fetchSessions = (): Promise<Result<SessionRow[]>> => worker.sessions();

/** Each session's sync roots by session id; a failure to read them leaves the sessions shown. */
function useSyncRoots() {
  const [roots, setRoots] = useState<Map<string, SyncRootReport[]>>(new Map());
  const load = useCallback(async () => {
    const r: Result<{ sessions: SessionSyncState[] }> = await worker.syncStates();
    if (r.ok) setRoots(new Map(r.value.sessions.map((s) => [s.sessionId, s.roots])));
  }, []);
  useEffect(() => void load(), [load]);
  return roots;
}

/** The clock the "ago" times count from, moved on every half minute. */
function useNow() {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function SyncRoots({
  device,
  roots,
  now,
}: {
  device: string;
  roots: SyncRootReport[];
  now: number;
}) {
  const t = useT(wordingStrings);
  const stateName = { synced: t.syncSynced, stopped: t.syncStopped, error: t.syncError };
  return (
    <ul className="sync-roots" aria-label={`${t.syncFolders}: ${device}`}>
      {[...roots]
        .sort((a, b) => b.lastPassAt - a.lastPassAt)
        .map((r) => (
          <li key={r.localPath}>
            <span className="sync-where">
              {fill(t.syncOn, { remote: r.remotePath, device: deviceLabel(r.deviceName, t) })}
            </span>
            <span className="sync-facts">
              <span className={`sync-state ${r.state}`}>{stateName[r.state]}</span>
              <time
                dateTime={new Date(r.lastPassAt).toISOString()}
                title={formatDateTime(r.lastPassAt, t.locale)}
              >
                {fill(t.lastSynced, { ago: formatAgo(r.lastPassAt, now, t.locale) })}
              </time>
              {r.conflicts > 0 && <span className="sync-warn">{t.syncConflicts(r.conflicts)}</span>}
              {r.errors > 0 && <span className="sync-bad">{t.syncErrors(r.errors)}</span>}
            </span>
          </li>
        ))}
    </ul>
  );
}

export function SessionsView({ onError }: { onError: (m: string) => void }) {
  const t = useT(wordingStrings);
  const { items: rows, load } = useWorkerList(fetchSessions, onError);
  const roots = useSyncRoots();
  const now = useNow();
  if (rows === null) return <p className="muted">{t.working}</p>;
  return (
    <>
      <SessionsTable rows={rows} roots={roots} now={now} load={load} onError={onError} />
      <AppsList onError={onError} />
    </>
  );
}

function SessionsTable({
  rows,
  roots,
  now,
  load,
  onError,
}: {
  rows: SessionRow[];
  roots: Map<string, SyncRootReport[]>;
  now: number;
  load: () => Promise<void>;
  onError: (m: string) => void;
}) {
  const t = useT(wordingStrings);
  return (
    <table className="sessions-table">
      <thead>
        <tr>
          <th scope="col">{t.sessions}</th>
          <th scope="col">{t.lastSeen}</th>
          <th scope="col">
            <span className="visually-hidden">{t.actions}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((x) => {
          const synced = roots.get(x.id) ?? [];
          return (
            <tr key={x.id}>
              <td>
                {deviceLabel(x.deviceName, t)}
                {x.current && <span className="muted"> ({t.thisDevice})</span>}
                {x.awaitingCode && <p className="warning session-note">{t.sessionAwaitingCode}</p>}
                {synced.length > 0 && (
                  <SyncRoots device={deviceLabel(x.deviceName, t)} roots={synced} now={now} />
                )}
              </td>
              <td className="nowrap">{formatDateTime(x.lastSeenAt, t.locale)}</td>
              <td>
                <div className="actions">
                  {!x.current && (
                    <button
                      type="button"
                      aria-label={`${t.revoke} ${deviceLabel(x.deviceName, t)} ${x.id.slice(0, 6)}`}
                      onClick={async () => {
                        const r = await worker.revokeSession(x.id);
                        if (!r.ok) onError(r.message);
                        await load();
                      }}
                    >
                      {t.revoke}
                    </button>
                  )}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
