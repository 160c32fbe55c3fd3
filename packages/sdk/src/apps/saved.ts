/** What an app keeps to come back without asking the user again ([Note: What an app holds]). */
export interface SavedApp {
  hubUrl: string;
  token: string;
  appId: string;
  /** The id of the request the account approved (bound into its signature); absent in old saves. */
  requestId?: string | undefined;
  accountId: string;
  /** The account's signing key, from the key bundle the hub served when the app was approved. */
  accountSigningKey: string;
  folderId: string;
  /** The key version of `folderKey`: renewed after a rotation ([Note: Renewing an app's grant]). */
  keyVersion: number;
  access: 'read' | 'readwrite';
  expiresAt: number;
  /** base64url secrets: the folder key and the app's own two key seeds. */
  folderKey: string;
  signingSeed: string;
  agreementSeed: string;
}
