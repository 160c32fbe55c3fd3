// The host's HTTP API as the rest of the host sees it. Its other files are its own parts.
export type { ServerOptions } from './context.ts';
export { Puller, type PullerOptions } from './puller.ts';
export { createHostServer, type HostServer } from './server.ts';
