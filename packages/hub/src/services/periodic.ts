import type { Hub } from '../context.ts';
import type { LoopName } from '../roles.ts';

/** `round`, run only while this process leads `loop` ([Note: Leases]); else nothing. */
export const led =
  (hub: Hub, loop: LoopName, round: () => Promise<unknown>) => async (): Promise<void> => {
    if (hub.leads(loop)) await round();
  };

/**
 * Runs `round` every `intervalMs`, never two at once; a round that throws is logged under
 * `name` and the next one runs on schedule. `stop` waits for a round in progress.
 */
export function periodic(
  name: string,
  intervalMs: number,
  round: () => Promise<void>,
  log: (line: string) => void,
) {
  let stopped = false;
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (stopped || running) return;
    running = round()
      .catch((e) => log(`${name}: ${(e as Error).message}`))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
