import { NotFoundError } from '@coffer/errors';
import { HOST_CLAIM_LABEL, signMessage } from '@coffer/protocol';
import { loadIdentity } from './identity.ts';

/**
 * A claim linking the host whose key is in `dataDir` to an account, for the hoster dashboard.
 * The account's session submits it (`coffer host claim`), so it proves control of both.
 */
export async function signHostClaim(dataDir: string, accountId: string): Promise<string> {
  const identity = await loadIdentity(dataDir, () => {});
  if (!identity) throw new NotFoundError(`--data: ${dataDir} holds no host key (host-key.json)`);
  return signMessage(
    HOST_CLAIM_LABEL,
    { v: 1, host: identity.hostId, account: accountId, at: Date.now() },
    identity.secretKey,
  );
}
