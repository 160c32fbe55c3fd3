// How the Groups and Catalog pages say what happened, where it happened: the SDK's reason an
// action failed, what it did, or that a list is still on its way.
import { useT } from '../i18n/use-t.ts';

/** The SDK's reason an action failed, and what the last one did. */
export function Outcome({ error, done = null }: { error: string | null; done?: string | null }) {
  return (
    <>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {done && (
        <p role="status" className="notice">
          {done}
        </p>
      )}
    </>
  );
}

/** A list not there yet: why it failed, or that it is coming. */
export function Pending({ error }: { error: string | null }) {
  const t = useT();
  return error ? <Outcome error={error} /> : <p className="muted">{t.working}</p>;
}
