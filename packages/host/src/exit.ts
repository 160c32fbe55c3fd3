import { ConnectionError, NotFoundError } from '@coffer/errors';
import { fromErrorBody, HOST_EXIT_LABEL, routes, signMessage } from '@coffer/protocol';
import { loadIdentity } from './identity.ts';

export interface ExitProgress {
  hostId: string;
  state: 'exiting' | 'exited';
  /** Chunks still held by this host and not yet copied elsewhere. */
  remaining: number;
}

/**
 * Asks the hub to let this host leave: it gets no new data, and the hub copies its chunks to
 * other hosts. Signed with the host key in `dataDir`. Idempotent; call again to follow it. The
 * host must keep running (its chunks are copied from it) until the state is `exited`.
 */
export async function requestExit(o: {
  hubUrl: string;
  dataDir: string;
  log?: (line: string) => void;
}): Promise<ExitProgress> {
  const identity = await loadIdentity(o.dataDir, o.log ?? (() => {}));
  if (!identity) {
    throw new NotFoundError(`--data: ${o.dataDir} holds no host key (host-key.json)`);
  }
  const exit = signMessage(
    HOST_EXIT_LABEL,
    { v: 1, host: identity.hostId, at: Date.now() },
    identity.secretKey,
  );
  const url = `${o.hubUrl.replace(/\/+$/, '')}${routes.hostExit.path}`;
  let res: Response;
  let body: unknown;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ exit }),
      signal: AbortSignal.timeout(30_000),
    });
    body = await res.json().catch(() => undefined);
  } catch (e) {
    throw new ConnectionError(`hub ${o.hubUrl} unreachable: ${(e as Error).message}`);
  }
  if (!res.ok) throw fromErrorBody(res.status, body, 'host exit');
  const parsed = routes.hostExit.response.safeParse(body);
  if (!parsed.success) throw new ConnectionError('host exit: the hub answered something else');
  return { hostId: identity.hostId, ...parsed.data };
}
