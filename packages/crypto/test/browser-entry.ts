// Bundled by browser.test.ts for Chromium: runs the same vector checks on the browser platform.
import { platform } from '#platform';
import { checkVectors, type Vectors } from './vectors.ts';

declare global {
  interface Window {
    runVectors: (
      v: Vectors,
    ) => Promise<{ platform: string; outcomes: Awaited<ReturnType<typeof checkVectors>> }>;
  }
}

window.runVectors = async (v) => ({ platform: platform.name, outcomes: await checkVectors(v) });
