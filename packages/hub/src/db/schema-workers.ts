// The tables of several hub processes (migration-workers.ts), beside the rest of the schema.

/** One background loop's lease ([Note: Leases] in services/leases.ts). */
export interface LeasesTable {
  name: string;
  /** The process holding it: host name, pid and a random part. */
  holder: string;
  expires_at: number;
  taken_at: number;
}

/** A queued job ([Note: Job queue] in services/jobs.ts). */
export interface JobsTable {
  id: string;
  kind: string;
  /** JSON. */
  payload: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  /** How many times it was claimed. */
  attempts: number;
  run_after: number;
  /** The worker that claimed it last, and until when its claim holds. */
  holder: string | null;
  lease_expires_at: number | null;
  error: string | null;
  created_at: number;
  finished_at: number | null;
}
