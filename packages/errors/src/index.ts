/**
 * The one error hierarchy of Coffer. Every error a Coffer package throws on purpose is a
 * `CofferError`; anything else that escapes is a bug.
 *
 * Each class says who should retry and what the caller should do.
 */

export type ErrorCode =
  | 'validation'
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'expired'
  | 'quota'
  | 'rate_limited'
  | 'integrity'
  | 'decryption'
  | 'connection';

export interface CofferErrorOptions extends ErrorOptions {
  /**
   * Technical detail (a schema path, a field), for logs and machine-readable output, beside a
   * message written for people.
   */
  detail?: string;
}

export abstract class CofferError extends Error {
  abstract readonly code: ErrorCode;
  /** Whether repeating the same call unchanged may succeed. */
  abstract readonly retryable: boolean;
  readonly detail: string | undefined;

  constructor(message: string, options?: CofferErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.detail = options?.detail;
  }
}

/**
 * The caller passed something malformed: `field` names it and the message says what was
 * expected. Not retryable: fix the input.
 */
export class ValidationError extends CofferError {
  readonly code = 'validation';
  readonly retryable = false;
  readonly field: string;

  constructor(field: string, message: string, options?: CofferErrorOptions) {
    super(`${field}: ${message}`, options);
    this.field = field;
  }
}

/** Missing, expired or revoked credentials, or a wrong password. Log in again. */
export class AuthError extends CofferError {
  readonly code = 'auth';
  readonly retryable = false;
}

/**
 * The session, or the action, still needs the account's second factor: a code from the
 * authenticator app or a recovery code. Ask for one and send it (`reason` on the wire).
 */
export class SecondFactorRequiredError extends AuthError {
  readonly reason = 'second_factor_required';
}

/** Logged in, but not allowed to do this (a read-only member writing to a share, say). */
export class ForbiddenError extends CofferError {
  readonly code = 'forbidden';
  readonly retryable = false;
}

/** The thing asked for does not exist (or the caller may not know it exists). */
export class NotFoundError extends CofferError {
  readonly code = 'not_found';
  readonly retryable = false;
}

/** A stale write: someone changed the object first. Re-read, merge, and try again. */
export class ConflictError extends CofferError {
  readonly code = 'conflict';
  readonly retryable = false;
}

/**
 * What the caller holds on to (a change feed's cursor) is too old for the server to continue
 * from. Start over: list again and take a new one.
 */
export class ExpiredError extends CofferError {
  readonly code = 'expired';
  readonly retryable = false;
}

/** An account's figures against the operator's per-account quota, in bytes. */
export interface QuotaFigures {
  /** What the account stores now: its files, their versions and its trash. */
  used: number;
  quota: number;
}

/**
 * The operator's quota is exhausted (`figures` says by how much, when it is the account's
 * quota), or the network has no room. Free space or ask the operator.
 */
export class QuotaError extends CofferError {
  readonly code = 'quota';
  readonly retryable = false;
  readonly figures: QuotaFigures | undefined;

  constructor(message: string, options?: CofferErrorOptions & { figures?: QuotaFigures }) {
    super(message, options);
    this.figures = options?.figures;
  }
}

/** Too many attempts. Retry after `retryAfterMs`. */
export class RateLimitedError extends CofferError {
  readonly code = 'rate_limited';
  readonly retryable = true;
  readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number, options?: CofferErrorOptions) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Data failed a check that only tampering or corruption can fail: a wrong hash, a bad
 * signature, a format tag that does not belong, a rolled-back version. Never retry against
 * the same source; a client may fetch another replica. Report it: it means a hub, host or
 * key holder misbehaved.
 */
export class IntegrityError extends CofferError {
  readonly code = 'integrity';
  readonly retryable = false;
}

/**
 * A contact's keys changed since they were pinned (or the hub substituted them): nothing may be
 * shared to that contact until the user compares the new safety number and verifies again.
 */
export class KeyChangedError extends IntegrityError {
  constructor(
    readonly contact: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An AEAD refused to open: wrong key, wrong context, or a modified ciphertext. The message
 * never says more than that, so it cannot serve as an oracle.
 */
export class DecryptionError extends CofferError {
  readonly code = 'decryption';
  readonly retryable = false;
}

/** The network failed or a peer did not answer. Retryable, with backoff. */
export class ConnectionError extends CofferError {
  readonly code = 'connection';
  readonly retryable = true;
}
