// A folder kept only on one personal server has a single copy: the file view says so, and what
// it risks, whenever it shows such a folder ([Note: Personal servers] in the hub).
import { useEffect, useState } from 'react';
import { worker } from '../api.ts';

/** Whether the folder at `path`, in our own tree, is kept on one personal server alone. */
export function useSingleCopy(path: string, active: boolean): boolean {
  const [single, setSingle] = useState(false);
  useEffect(() => {
    setSingle(false);
    if (!active || !path.startsWith('/')) return;
    let current = true;
    // A folder that went away, or a network error, shows no warning; the listing reports it.
    void worker.singleCopy(path).then((r) => {
      if (current && r.ok) setSingle(r.value);
    });
    return () => {
      current = false;
    };
  }, [path, active]);
  return single;
}
