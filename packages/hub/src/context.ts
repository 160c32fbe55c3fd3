import type { SigningSecretKey } from '@coffer/crypto';
import type { Kysely } from 'kysely';
import type { ChangeBus } from './change-bus.ts';
import type { HubConfig } from './config.ts';
import type { Database } from './db/index.ts';
import type { LoopName } from './roles.ts';

/** What every service needs; built once in startHub. */
export interface Hub {
  db: Kysely<Database>;
  config: HubConfig;
  /** Signs capability tokens. */
  signingKey: SigningSecretKey;
  /** base64url; hosts pin it. */
  publicKey: string;
  opaqueSetup: string;
  operatorTokenHash: string;
  /** For fake recovery answers about unknown emails. */
  decoySecret: string;
  /** Seals accounts' TOTP secrets at rest ([Note: Second factor on the hub]). */
  totpKey: Uint8Array;
  now(): number;
  /** Whether this process runs background loop `loop` now ([Note: Leases]). */
  leads(loop: LoopName): boolean;
  /** Asks this process's job runner to look for jobs now ([Note: Job queue]). */
  kickJobs(): void;
  /** Asks the garbage collector for a round soon (after a purge). */
  kickGc(): void;
  /** Asks the copier for a round soon (a new copy job, an order finished). */
  kickCopies(): void;
  /** Asks the mirror loop for a round soon (a shelf entry was put). */
  kickMirrors(): void;
  /** The repairer's last round and totals, for the operator. */
  repairStatus(): RepairStatus;
  /** Wakes long polls of the change feed after a commit ([Note: Change feed]). */
  changes: ChangeBus;
}

export interface Caller {
  accountId: string;
  /** The session's id; for an app, the app's id. */
  sessionId: string;
  /** The session passed OPAQUE but not yet its second factor: it may only send its code. */
  secondFactorPending?: boolean;
  /** Set when the caller is an app confined to one folder ([Note: App scope]). */
  app?: AppCaller;
}

/** What an app token allows: one folder of the account, read or read-write. */
export interface AppCaller {
  id: string;
  folderId: string;
  access: 'read' | 'readwrite';
}

/** What one repair round did ([Note: Repair] in services/repair.ts). */
export interface RepairRound {
  /** Live chunks below their target when the round started (at most `repair.batch`). */
  underReplicated: number;
  /** Copies made. */
  copied: number;
  /** Chunks left below target this round (no source online, no eligible host, copy failed). */
  failed: number;
}

/** The repairer's last round and its totals since the hub started. */
export interface RepairStatus extends RepairRound {
  lastRoundAt: number | null;
  copiedTotal: number;
}
