import type { FolderPolicy, RouteResponse } from '@coffer/protocol';
import type { HubClient } from './hub-client.ts';
import type { TreeAccess } from './tree.ts';

/**
 * A folder whose files are kept only on the owner's personal servers, and they have just one:
 * a single copy, lost with that server's disk and unreadable while it is off.
 */
export const singleCopy = (p: RouteResponse<'getFolderPolicy'>): boolean =>
  p.effective.on === 'personal' && p.personalServers <= 1;

/** Where a folder's files may be stored (docs/architecture.md, "Placement policies"), and the hosts we run. */
export class Hosting {
  constructor(private readonly deps: { hub: HubClient; tree: Pick<TreeAccess, 'resolve'> }) {}

  /** A folder's placement policy: its own (null when it inherits) and the one in effect. */
  async folderPolicy(path: string): Promise<RouteResponse<'getFolderPolicy'>> {
    const node = await this.deps.tree.resolve(path);
    return this.deps.hub.call('getFolderPolicy', { params: { id: node.info.id } });
  }

  /** Sets (or, with null, removes) where everything under a folder may be stored. */
  async setFolderPolicy(
    path: string,
    policy: FolderPolicy | null,
  ): Promise<RouteResponse<'setFolderPolicy'>> {
    const node = await this.deps.tree.resolve(path);
    return this.deps.hub.call('setFolderPolicy', {
      params: { id: node.info.id },
      body: { policy },
    });
  }

  /** Links a host to this account; `claim` is signed with the host key (signHostClaim). */
  async claimHost(claim: string): Promise<string> {
    return (await this.deps.hub.call('hostClaim', { body: { claim } })).hostId;
  }

  /** The hosts this account claimed, with their storage, audits, uptime and traffic. */
  async myHosts(): Promise<RouteResponse<'myHosts'>['hosts']> {
    const { hosts } = await this.deps.hub.call('myHosts', {});
    return hosts;
  }
}
