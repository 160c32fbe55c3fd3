export { brake } from './brakes.ts';
export { conflictName, freeName, nameKey } from './names.ts';
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
export type { BaseNode, Content, Kind, LocalNode, RemoteNode, Tree } from './trees.ts';
