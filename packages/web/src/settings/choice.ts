// One choice the page remembers (its language, its theme), which every component showing it
// follows.
import { useSyncExternalStore } from 'react';

export function choice<T>(initial: T, save: (value: T) => void) {
  const listeners = new Set<() => void>();
  let value = initial;
  const subscribe = (f: () => void) => {
    listeners.add(f);
    return () => listeners.delete(f);
  };
  return {
    get: () => value,
    set(next: T) {
      value = next;
      save(next);
      for (const f of listeners) f();
    },
    use: () => useSyncExternalStore(subscribe, () => value),
  };
}
