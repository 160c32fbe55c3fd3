import { EventEmitter } from 'node:events';

/**
 * Long polls of the change feed waiting for a reader's next change, woken in-process after a
 * commit ([Note: Change feed] in services/changes.ts). Other hub processes' writes are not
 * heard here: a waiting poll looks at the database every second as well.
 */
export class ChangeBus {
  readonly #events = new EventEmitter().setMaxListeners(0);

  wake(readers: readonly string[]): void {
    for (const r of readers) this.#events.emit(r);
  }

  /** Resolves on the reader's next change, after `ms`, or when `signal` aborts. */
  wait(reader: string, ms: number, signal?: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#events.off(reader, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#events.on(reader, done);
      signal?.addEventListener('abort', done);
    });
  }
}
