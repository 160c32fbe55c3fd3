import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { NotFoundError, ValidationError } from '@coffer/errors';
import { toErrorBody } from '@coffer/protocol';
import type { Kysely } from 'kysely';
import type { DatabaseConfig } from './db/index.ts';
import type { Database } from './db/schema.ts';
import { LEASE_MS, releaseLease, takeLease } from './services/leases.ts';

// [Note: Hub roles]
// `role` says what a hub process does. `api` serves the HTTP API and runs no background loop:
// it keeps nothing of its own between requests (sessions, login state, rate limits and the
// rest live in the database), so a load balancer may send any request to any API process.
// `worker` runs the background loops (audits, repair, GC, the copier, mirrors, history, the
// change pruner, the stored-bytes fold), each while it holds that loop's lease ([Note:
// Leases]), and answers only /api/health over HTTP. `all`, the default, does both: the embedded
// single-process setup. Several processes need PostgreSQL; on SQLite the one process must be
// `all`, and a second process on the same file is refused ([Note: One process on SQLite]).

export type HubRole = 'api' | 'worker' | 'all';

/** The background loops, by the name of their lease. */
export const LOOPS = [
  'audits',
  'changes',
  'copier',
  'gc',
  'mirrors',
  'repair',
  'stored-bytes',
] as const;
export type LoopName = (typeof LOOPS)[number];

export const servesApi = (role: HubRole) => role !== 'worker';
export const runsLoops = (role: HubRole) => role !== 'api';

/** Refuses a role the database cannot serve. */
export function checkRole(role: HubRole, database: DatabaseConfig) {
  if (database.kind === 'sqlite' && role !== 'all') {
    throw new ValidationError(
      'role',
      `role ${role} is for several hub processes, which need PostgreSQL (database.kind "postgres"); on SQLite run one process with role all`,
    );
  }
}

// [Note: One process on SQLite]
// SQLite serves one hub process: two would each run every loop and race on the file. The
// process takes the lease `sqlite-process` at start and keeps it with the loops' leases. A second
// process finds it held: if that holder's pid is alive on this machine, it is refused with a
// message saying why; if not (it was killed), its lease is taken over once it has expired
// without being renewed (within LEASE_MS). The pid alone is not proof: two containers may share
// a host name and a volume but not their pids, and a live holder in the other one keeps
// renewing, which the wait sees; a wait to the lease's end leaves the holder all of LEASE_MS,
// not one renewal, to be slow in.
export const SQLITE_LEASE = 'sqlite-process';

export async function claimSqlite(
  db: Kysely<Database>,
  holder: string,
  path: string,
  now: number,
): Promise<void> {
  if (await takeLease(db, SQLITE_LEASE, holder, now)) return;
  const row = await sqliteLease(db);
  const [host, pid] = (row?.holder ?? '').split(':');
  if (host === hostname() && pid && !alive(Number(pid)) && !(await renewed(db, row))) {
    await releaseLease(db, SQLITE_LEASE, row?.holder ?? '');
    if (await takeLease(db, SQLITE_LEASE, holder, Date.now())) return;
  }
  throw new ValidationError(
    'database',
    `another hub process (${row?.holder ?? 'unknown'}) is using ${path}: SQLite serves one hub process; stop that one first, or move to PostgreSQL to run several (docs/deployment.md)`,
  );
}

const sqliteLease = (db: Kysely<Database>) =>
  db
    .selectFrom('leases')
    .select(['holder', 'expires_at'])
    .where('name', '=', SQLITE_LEASE)
    .executeTakeFirst();

/** Whether `row`'s holder renews its lease before it expires (and a second after). */
async function renewed(db: Kysely<Database>, row: { expires_at: number } | undefined) {
  const deadline = Math.min((row?.expires_at ?? 0) + 1000, Date.now() + LEASE_MS + 1000);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await sqliteLease(db);
    if (!now) return false;
    if (now.expires_at !== row?.expires_at) return true;
  }
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A worker's HTTP listener: /api/health answers what this process leads, for a supervisor's
 * health check; anything else is 404, since workers serve no API.
 */
export function workerServer(leads: () => string[]): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/api/health') {
      send(res, 200, { ok: true, role: 'worker', leads: leads() });
      return;
    }
    send(
      res,
      404,
      toErrorBody(
        new NotFoundError(
          'this hub process is a worker: it serves /api/health only; send API calls to an API process',
        ),
      ),
    );
  });
}

function send(res: ServerResponse, status: number, body: unknown) {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
  res.end(bytes);
}
