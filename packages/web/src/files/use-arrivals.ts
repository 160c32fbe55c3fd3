// Files visitors sent to our file requests come in when the app opens.
import { useEffect, useState } from 'react';
import { worker } from '../api.ts';
import { useT } from '../i18n/use-t.ts';

/** Takes in what arrived; the notice saying how many, or null. */
export function useArrivals(onError: (m: string) => void, onArrived: () => void) {
  const t = useT();
  const [arrived, setArrived] = useState<string | null>(null);
  useEffect(() => {
    void worker.requestsCollect().then((r) => {
      if (!r.ok) return onError(r.message);
      for (const p of r.value.problems) onError(p);
      if (r.value.received.length) {
        setArrived(t.requestsArrived(r.value.received.length));
        onArrived();
      }
    });
  }, [t, onError, onArrived]);
  return { arrived, dismiss: () => setArrived(null) };
}
