import {
  type AccountId,
  asKey,
  createKeyBundle,
  encryptMetadata,
  equalBytes,
  finishLogin,
  finishRegistration,
  formatRecoveryKey,
  fromBase64Url,
  generateIdentity,
  type MasterKey,
  newAccountId,
  newFolderKey,
  newMasterKey,
  newNodeId,
  newRecoveryKey,
  parseAccountId,
  parseNodeId,
  parseRecoveryKey,
  recoveryProof,
  type SigningPublicKey,
  startLogin,
  startRegistration,
  toBase64Url,
  unwrapIdentity,
  unwrapMasterKeyWithPassword,
  unwrapMasterKeyWithRecovery,
  unwrapRootKey,
  verifyKeyBundle,
  wrapIdentity,
  wrapMasterKeyWithPassword,
  wrapMasterKeyWithRecovery,
  wrapRootKey,
} from '@coffer/crypto';
import {
  AuthError,
  DecryptionError,
  IntegrityError,
  SecondFactorRequiredError,
} from '@coffer/errors';
import type { AccountInfo, RouteResponse, SessionGrant } from '@coffer/protocol';
import { refuseRepeats } from './checks.ts';
import { HubClient } from './hub-client.ts';
import { type AccountKeys, fromHub } from './keys.ts';
import type { FreshnessPins } from './pins.ts';
import type { RetryPolicy } from './retry.ts';
import type { RetryEvent } from './retry-count.ts';

/** What a client keeps to resume a session without the password (store it like a secret). */
export interface SavedSession {
  hubUrl: string;
  token: string;
  sessionId: string;
  expiresAt: number;
  accountId: string;
  email: string;
  /** base64url. Whoever holds it can read the account's files: keep it 0600. */
  masterKey: string;
  /** The highest contact book version seen, so an older one from the hub is caught. */
  contactsVersion?: number;
}

export interface ClientOptions {
  hubUrl: string;
  deviceName?: string;
  retry?: RetryPolicy;
  /** Told of each retried call, e.g. to log it; `CofferClient.retries()` counts them. */
  onRetry?: (e: RetryEvent) => void;
  /**
   * Where to keep the newest state seen of each node, so the hub cannot serve an older one
   * ([Note: Freshness pins]); in memory for this client when absent. One store per account.
   */
  pins?: FreshnessPins;
}

/** What resuming a saved session may be given. */
export type ResumeOptions = Pick<ClientOptions, 'retry' | 'onRetry' | 'pins'>;

/** A session just opened: the hub to talk to, the account's keys, and what to save. */
export interface OpenedSession {
  hub: HubClient;
  keys: AccountKeys;
  saved: SavedSession;
}

const hubFor = (o: ResumeOptions & { hubUrl: string; token?: string }) =>
  new HubClient({
    hubUrl: o.hubUrl,
    ...(o.token ? { token: o.token } : {}),
    ...(o.retry ? { retry: o.retry } : {}),
    onRetry: o.onRetry,
  });

const normalEmail = (email: string) => email.trim().toLowerCase();
const device = (o: ClientOptions) => (o.deviceName ? { deviceName: o.deviceName } : {});

/** Opens the account the hub serves with our master key, checking everything it served. */
async function unlockAccount(account: AccountInfo, masterKey: MasterKey): Promise<AccountKeys> {
  const accountId = parseAccountId(account.id);
  const rootId = parseNodeId(account.rootId, 'rootId');
  const identity = await fromHub('account keys', () =>
    unwrapIdentity(
      masterKey,
      {
        signing: fromBase64Url(account.wrappedIdentity.signing, 'wrappedIdentity.signing'),
        agreement: fromBase64Url(account.wrappedIdentity.agreement, 'wrappedIdentity.agreement'),
      },
      accountId,
    ),
  );
  // The hub serves our own bundle to our contacts: it must carry the keys we hold.
  const own = await fromHub('own key bundle', async () =>
    verifyKeyBundle(fromBase64Url(account.keyBundle, 'keyBundle'), accountId),
  );
  if (
    !equalBytes(own.signingPublic, identity.signingPublic) ||
    !equalBytes(own.agreementPublic, identity.agreementPublic)
  ) {
    throw new IntegrityError('own key bundle: the hub serves keys that are not this account’s');
  }
  const rootKey = await fromHub('root folder key', () =>
    unwrapRootKey(
      masterKey,
      fromBase64Url(account.rootWrappedKey, 'rootWrappedKey'),
      accountId,
      rootId,
    ),
  );
  return {
    accountId,
    email: account.email,
    masterKey,
    identity,
    keyVersion: own.version,
    rootId,
    rootKey,
  };
}

async function openGrant(
  hub: HubClient,
  grant: SessionGrant,
  masterKey: MasterKey,
): Promise<OpenedSession> {
  hub.token = grant.token;
  const keys = await unlockAccount(grant.account, masterKey);
  return {
    hub,
    keys,
    saved: {
      hubUrl: hub.hubUrl,
      token: grant.token,
      sessionId: grant.sessionId,
      expiresAt: grant.expiresAt,
      accountId: keys.accountId,
      email: keys.email,
      masterKey: toBase64Url(masterKey),
    },
  };
}

/** Creates an account; `recoveryKey` is shown to the user once. */
export async function signup(
  o: ClientOptions & { email: string; password: string },
): Promise<OpenedSession & { recoveryKey: string }> {
  const hub = hubFor(o);
  const email = normalEmail(o.email);
  const reg = await startRegistration(o.password);
  const { response } = await hub.call('registerStart', { body: { email, request: reg.request } });
  const fin = await finishRegistration(o.password, reg.state, response);
  const accountId = newAccountId();
  const masterKey = newMasterKey();
  const recoveryKey = newRecoveryKey();
  const identity = generateIdentity();
  const wrapped = await wrapIdentity(masterKey, identity, accountId);
  const rootId = newNodeId();
  const rootKey = newFolderKey();
  const rootMetadata = await encryptMetadata(
    rootKey,
    { name: 'root' },
    { nodeId: rootId, kind: 'folder' },
  );
  const grant = await hub.call('signup', {
    body: {
      email,
      accountId,
      record: fin.record,
      wrappedMasterKey: toBase64Url(
        await wrapMasterKeyWithPassword(fin.exportKey, masterKey, accountId),
      ),
      recoveryWrappedMasterKey: toBase64Url(
        await wrapMasterKeyWithRecovery(recoveryKey, masterKey, accountId),
      ),
      recoveryProof: await recoveryProof(recoveryKey, accountId),
      wrappedIdentity: {
        signing: toBase64Url(wrapped.signing),
        agreement: toBase64Url(wrapped.agreement),
      },
      keyBundle: toBase64Url(createKeyBundle(identity, accountId, 1)),
      rootId,
      rootWrappedKey: toBase64Url(await wrapRootKey(masterKey, rootKey, accountId, rootId)),
      rootMetadata: toBase64Url(rootMetadata),
      ...device(o),
    },
  });
  const opened = await openGrant(hub, grant, masterKey);
  return { ...opened, recoveryKey: await formatRecoveryKey(recoveryKey) };
}

/** A code from the authenticator app or a recovery code, or a way to ask the user for one. */
export type SecondFactorSource = string | (() => Promise<string>);

/**
 * A login that passed OPAQUE for an account with a second factor: the hub holds back the
 * account's keys until `submit` sends a code that passes. A wrong code may be followed by
 * another (the hub counts them: a backoff after 5, a lockout after 10).
 */
export interface PendingLogin {
  secondFactorRequired: true;
  submit(code: string): Promise<OpenedSession>;
}

/** Logs in with OPAQUE; the password never leaves this device. */
export async function beginLogin(
  o: ClientOptions & { email: string; password: string },
): Promise<OpenedSession | PendingLogin> {
  const hub = hubFor(o);
  const email = normalEmail(o.email);
  const start = await startLogin(o.password);
  const { loginId, response } = await hub.call('loginStart', {
    body: { email, request: start.request },
  });
  const fin = await finishLogin(o.password, start.state, response);
  const first = await hub.call('loginFinish', {
    body: { loginId, finish: fin.finishRequest, ...device(o) },
  });
  const open = async (grant: SessionGrant) => {
    const masterKey = await fromHub('wrapped master key', () =>
      unwrapMasterKeyWithPassword(
        fin.exportKey,
        fromBase64Url(grant.account.wrappedMasterKey, 'wrappedMasterKey'),
        grant.account.id as AccountId,
      ),
    );
    return openGrant(hub, grant, masterKey);
  };
  if (!('secondFactorRequired' in first)) return open(first);
  const pending = hubFor({ ...o, token: first.token });
  return {
    secondFactorRequired: true,
    submit: async (code: string) =>
      open(await pending.call('secondFactorLogin', { body: { code } })),
  };
}

/**
 * Logs in; for an account with a second factor `code` gives it (or asks the user for it),
 * else a SecondFactorRequiredError.
 */
export async function login(
  o: ClientOptions & { email: string; password: string; code?: SecondFactorSource | undefined },
): Promise<OpenedSession> {
  const step = await beginLogin(o);
  if (!('secondFactorRequired' in step)) return step;
  const code = typeof o.code === 'function' ? await o.code() : o.code;
  if (code === undefined || code === '') {
    throw new SecondFactorRequiredError(
      'code: this account has a second factor: give a code from your authenticator app or a recovery code',
    );
  }
  return step.submit(code);
}

/** Sets a new password with the recovery key; every other session of the account ends. */
export async function recover(
  o: ClientOptions & {
    email: string;
    recoveryKey: string;
    newPassword: string;
    /** Needed when the account has a second factor: a fresh code or a recovery code. */
    secondFactor?: string | undefined;
  },
): Promise<OpenedSession> {
  const hub = hubFor(o);
  const email = normalEmail(o.email);
  const recoveryKey = await parseRecoveryKey(o.recoveryKey);
  const r = await hub.call('recoveryStart', { body: { email } });
  const accountId = parseAccountId(r.accountId);
  let masterKey: MasterKey;
  try {
    masterKey = await unwrapMasterKeyWithRecovery(
      recoveryKey,
      fromBase64Url(r.recoveryWrappedMasterKey, 'recoveryWrappedMasterKey'),
      accountId,
    );
  } catch (e) {
    if (e instanceof DecryptionError) throw new AuthError('wrong recovery key for this account');
    throw e;
  }
  const reg = await startRegistration(o.newPassword);
  const { response } = await hub.call('registerStart', { body: { email, request: reg.request } });
  const fin = await finishRegistration(o.newPassword, reg.state, response);
  const grant = await hub.call('recoveryFinish', {
    body: {
      email,
      recoveryProof: await recoveryProof(recoveryKey, accountId),
      record: fin.record,
      wrappedMasterKey: toBase64Url(
        await wrapMasterKeyWithPassword(fin.exportKey, masterKey, accountId),
      ),
      ...device(o),
      ...(o.secondFactor ? { secondFactor: o.secondFactor } : {}),
    },
  });
  return openGrant(hub, grant, masterKey);
}

/**
 * Picks up a saved session; AuthError if it expired or was revoked. A hub that answers for
 * another account than the session's is lying: an IntegrityError.
 */
export async function resume(saved: SavedSession, o: ResumeOptions = {}): Promise<OpenedSession> {
  const hub = hubFor({ ...o, hubUrl: saved.hubUrl, token: saved.token });
  const account = await hub.call('account', {});
  if (account.id !== saved.accountId)
    throw new IntegrityError(
      'session: the hub answered with another account than the one this session is for (tampered with)',
      { detail: `expected account ${saved.accountId}, the hub served ${account.id}` },
    );
  const masterKey = asKey.master(fromBase64Url(saved.masterKey, 'masterKey', 32));
  const keys = await unlockAccount(account, masterKey);
  return { hub, keys, saved };
}

/** The session's own calls: who is logged in, its sessions, logout and key rotation. */
export class Session {
  constructor(
    private readonly hub: HubClient,
    private readonly keys: AccountKeys,
    private readonly state: SavedSession,
  ) {}

  saved(): SavedSession {
    return { ...this.state };
  }

  /** Keeps the highest contact book version seen with the session ([Note: Contacts]). */
  seeContacts(version: number): void {
    this.state.contactsVersion = version;
  }

  whoami() {
    return { accountId: this.keys.accountId, email: this.keys.email, hubUrl: this.hub.hubUrl };
  }

  async logout(): Promise<void> {
    await this.hub.call('logout', {});
  }

  async sessions(): Promise<RouteResponse<'sessions'>['sessions']> {
    const { sessions } = await this.hub.call('sessions', {});
    refuseRepeats(sessions, (s) => s.id, 'sessions');
    return sessions;
  }

  async revokeSession(id: string): Promise<void> {
    await this.hub.call('revokeSession', { params: { id } });
  }

  /**
   * Replaces the account's key pairs with fresh ones. `rememberOwnKey` keeps the old public
   * key, so what we signed so far keeps verifying.
   */
  async rotateKeys(rememberOwnKey: (key: SigningPublicKey) => Promise<void>): Promise<void> {
    await rememberOwnKey(this.keys.identity.signingPublic);
    const identity = generateIdentity();
    const version = this.keys.keyVersion + 1;
    const wrapped = await wrapIdentity(this.keys.masterKey, identity, this.keys.accountId);
    await this.hub.call('updateKeys', {
      body: {
        wrappedIdentity: {
          signing: toBase64Url(wrapped.signing),
          agreement: toBase64Url(wrapped.agreement),
        },
        keyBundle: toBase64Url(createKeyBundle(identity, this.keys.accountId, version)),
      },
    });
    this.keys.identity = identity;
    this.keys.keyVersion = version;
  }
}
