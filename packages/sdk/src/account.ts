import type { RouteResponse } from '@coffer/protocol';
import type { HubClient } from './hub-client.ts';

/**
 * What the account stores, in bytes (its files as they are now, their older versions, its
 * trash, and their total), with the operator's per-account quota (null: unlimited) and
 * donation link (null: none).
 */
export type AccountUsage = RouteResponse<'usage'>;

/** The account as the operator sees it: what it stores against the quota. */
export class Account {
  constructor(private readonly deps: { hub: HubClient }) {}

  /** Storage used and what the operator offers ([Note: Account quota] in the hub). */
  usage(): Promise<AccountUsage> {
    return this.deps.hub.call('usage', { query: {} });
  }
}
