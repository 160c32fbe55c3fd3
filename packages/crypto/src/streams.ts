/** A ReadableStream driven by an async generator: pulled on demand, cancelled on cancel. */
export function streamFrom<T>(gen: AsyncGenerator<T, void, undefined>): ReadableStream<T> {
  return new ReadableStream<T>(
    {
      async pull(controller) {
        try {
          const next = await gen.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (e) {
          controller.error(e);
        }
      },
      async cancel(reason) {
        await gen.return(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

export async function* iterate<T>(
  source: ReadableStream<T> | AsyncIterable<T>,
): AsyncGenerator<T, void, undefined> {
  if (!(source instanceof ReadableStream)) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Runs tasks with at most `limit` in flight and yields their results in submission order.
 * A failure surfaces when its turn comes; later results are dropped.
 */
export class OrderedPipeline<T> {
  private readonly inflight: Promise<T>[] = [];

  constructor(private readonly limit: number) {}

  get full(): boolean {
    return this.inflight.length >= this.limit;
  }

  get size(): number {
    return this.inflight.length;
  }

  push(task: Promise<T>): void {
    // Mark as handled now; the rejection is rethrown when the caller takes this result.
    task.catch(() => {});
    this.inflight.push(task);
  }

  take(): Promise<T> {
    const next = this.inflight.shift();
    if (!next) throw new Error('OrderedPipeline.take on an empty pipeline');
    return next;
  }
}
