export { brake } from './brakes.ts';
export { lastPass, type PassResult, type SyncRootOptions, syncOnce } from './engine.ts';
export type { PassCounts } from './executor.ts';
export {
  DEFAULTS,
  IGNORE_FILE,
  type IgnoreMatch,
  type IgnoreRule,
  IgnoreRules,
  type ParseOptions,
  parseIgnore,
  partName,
} from './ignore.ts';
export { lockRoot, pidLock } from './lock.ts';
export { conflictName, freeName, nameKey, PART_PREFIX, STATE_DIR } from './names.ts';
export type {
  Action,
  ConflictReason,
  Place,
  Plan,
  PlanOptions,
  Ref,
  ReportKind,
} from './plan-types.ts';
export { ROOT } from './plan-types.ts';
export { plan } from './planner.ts';
export {
  folderPath,
  isPaused,
  scopeWith,
  select,
  setPaused,
  unselectedFolders,
} from './root-settings.ts';
export type { BaseNode, Content, Kind, LocalNode, RemoteNode, Tree } from './trees.ts';
