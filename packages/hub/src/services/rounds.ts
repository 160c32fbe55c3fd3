/**
 * Runs `round` every `intervalMs()`, one at a time, and soon after `kick`; a kick during a
 * round runs another right after it. What the copier and the mirror loop share.
 */
export function startRounds(
  round: () => Promise<void>,
  intervalMs: () => number,
  onError: (e: Error) => void,
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = round()
      .catch((e) => onError(e as Error))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          schedule(0);
        } else schedule(intervalMs());
      });
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, ms);
    timer.unref();
  };
  schedule(intervalMs());
  return {
    kick: () => {
      if (running) again = true;
      else schedule(20);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
