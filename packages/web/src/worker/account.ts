// Signing up, logging in and out, and the account's sessions and hosts.
import { AuthError, CofferClient, type SavedSession, singleCopy } from '@coffer/sdk';
import { call, current, need, setClient } from './session.ts';
import { forgetJobs, pendingJobs } from './upload-jobs.ts';
import { stopAllUploads } from './uploads.ts';

const hubUrl = self.location.origin;

/** A login that passed its password and waits for its second factor's code, in this worker. */
let pendingLogin: { submit(code: string): Promise<CofferClient> } | null = null;

export const accountApi = {
  signup: (email: string, password: string) =>
    call(async () => {
      const r = await CofferClient.signup({ hubUrl, email, password, deviceName: 'web browser' });
      setClient(r.client);
      return { recoveryKey: r.recoveryKey, session: r.client.saved() };
    }),
  /** The session, or `secondFactorRequired` when the account asks for a code next (`loginCode`). */
  login: (email: string, password: string) =>
    call(async () => {
      pendingLogin = null;
      const step = await CofferClient.beginLogin({
        hubUrl,
        email,
        password,
        deviceName: 'web browser',
      });
      if ('client' in step) {
        setClient(step.client);
        return { session: step.client.saved() };
      }
      pendingLogin = step;
      return { secondFactorRequired: true as const };
    }),
  /** The second factor of the login waiting in this worker; a wrong code may be retried. */
  loginCode: (code: string) =>
    call(async () => {
      if (!pendingLogin) throw new AuthError('the login expired; log in again');
      const client = await pendingLogin.submit(code);
      pendingLogin = null;
      setClient(client);
      return client.saved();
    }),
  /** "Forgot password?": a new password set with the recovery key; other sessions end. */
  recover: (email: string, recoveryKey: string, newPassword: string, secondFactor?: string) =>
    call(async () => {
      const client = await CofferClient.recover({
        hubUrl,
        email,
        recoveryKey,
        newPassword,
        deviceName: 'web browser',
        secondFactor,
      });
      setClient(client);
      return client.saved();
    }),
  /** A new password, the current one proven first; other sessions end, this one stays. */
  changePassword: (currentPassword: string, newPassword: string, secondFactor?: string) =>
    call(() => need().changePassword(currentPassword, newPassword, secondFactor)),
  /** The signed-in account's email, for the forms that ask it typed again. */
  email: () => call(async () => need().whoami().email),
  /** Deletes the account for good; the page then logs out (this session is gone already). */
  deleteAccount: (password: string, confirmEmail: string, secondFactor?: string) =>
    call(() => need().deleteAccount(password, confirmEmail, secondFactor)),
  resume: (saved: SavedSession) =>
    call(async () => {
      const client = await CofferClient.resume(saved);
      setClient(client);
      return client.whoami();
    }),
  /**
   * Ends the session and forgets what this browser kept for the account: unfinished uploads,
   * their copies of the files and their keys. A reload keeps them; a logout does not.
   */
  logout: () =>
    call(async () => {
      stopAllUploads();
      const client = current();
      if (client) {
        await forgetJobs((await pendingJobs(client.whoami().accountId)).map((j) => j.id));
      }
      await client?.logout().catch(() => {});
      setClient(null);
    }),
  sessions: () => call(() => need().sessions()),
  revokeSession: (id: string) => call(() => need().revokeSession(id)),
  /** Each session's sync roots, opened here: the page sees paths, never the sealed blobs. */
  syncStates: () => call(() => need().syncState.list()),
  /** The hosts this account claimed, for the Hosting view. */
  myHosts: () => call(() => need().myHosts()),
  /** Whether a folder of ours is kept on one personal server alone (a single copy). */
  singleCopy: (path: string) => call(async () => singleCopy(await need().folderPolicy(path))),
};
