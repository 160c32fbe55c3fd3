// @coffer/hub/placement: the hub's own placement choice, for the network simulation in
// bench/sim, which places copies exactly as the hub does.
export type { HostRow, HostState } from './db/schema.ts';
export { type Candidate, choosePlacement } from './services/placement.ts';
