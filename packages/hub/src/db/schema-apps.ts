// The tables of apps confined to one folder (migration-apps.ts), beside the rest of the schema.

/** A device-flow request ([Note: App tokens] in services/apps.ts). */
export interface AppRequestsTable {
  id: string;
  device_code_hash: string;
  /** Normalised: eight letters, no dash. */
  user_code: string;
  name: string;
  access: 'read' | 'readwrite';
  folder_hint: string | null;
  public_key: string;
  signing_key: string;
  state: 'pending' | 'approved' | 'denied';
  /** Set on approval: the app the token goes to. */
  app_id: string | null;
  interval_ms: number;
  last_polled_at: number | null;
  /** The client address it came from, by addressBucket (services/app-limits.ts). */
  client_address: string | null;
  created_at: number;
  expires_at: number;
}

/** An app an account approved, confined to one folder. */
export interface AppsTable {
  id: string;
  account_id: string;
  request_id: string;
  name: string;
  access: 'read' | 'readwrite';
  folder_id: string;
  key_version: number;
  public_key: string;
  signing_key: string;
  sealed_key: string;
  /** SHA-256 of the token; null until the app picks the token up. */
  token_hash: string | null;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}
