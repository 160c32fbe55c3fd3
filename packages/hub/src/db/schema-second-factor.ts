import type { Generated } from 'kysely';

// The second factor's tables (migration-second-factor.ts), beside the rest of the schema.

/** An account's TOTP secret, sealed under the hub's key ([Note: Second factor on the hub]). */
export interface AccountTotpTable {
  account_id: string;
  /** base64url envelope (crypto's sealTotpSecret). */
  sealed_secret: string;
  created_at: number;
  /** Null while enrolment waits for its first valid code. */
  enabled_at: number | null;
  /** Wrong codes in a row; a right one resets it. */
  failures: Generated<number>;
  last_failure_at: number | null;
  locked_until: number | null;
}

/** A step whose code was used: refused if it comes again (the replay cache). */
export interface TotpUsedStepsTable {
  account_id: string;
  step: number;
  used_at: number;
}

/** An unused recovery code, hashed; deleted when used. */
export interface TotpRecoveryCodesTable {
  account_id: string;
  code_hash: string;
  created_at: number;
}
