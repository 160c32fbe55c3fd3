// parseSize lives in @coffer/protocol, so that the CLI reads sizes without loading the host.
export { parseSize } from '@coffer/protocol';
