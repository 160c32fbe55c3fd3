// Entry of a chunk worker thread. Loader hooks given to the parent through --import do not
// reach a worker's first module on Node 20, so the worker registers tsx itself before loading
// the TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./chunk-worker.ts');
