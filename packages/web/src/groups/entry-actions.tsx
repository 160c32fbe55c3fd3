// What can be done with someone else's entry: copy it to our server (the Catalog), keep or
// discard it (the Feed), and rate it (both). Each says how it went on the card itself.
import type { EntryRating } from '@coffer/sdk/catalog';
import { worker } from '../api.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import type { ShownEntry } from '../worker.ts';
import { CopyBar, useCopyJob } from './copy-progress.tsx';
import { Stars } from './stars.tsx';
import { groupStrings } from './strings.ts';

type Named = Pick<ShownEntry, 'groupId' | 'entryId' | 'name'> & { rating?: EntryRating };

/** The SDK's reason, or what was done, under the card's buttons. */
function Said({ error, done }: { error: string | null; done?: string | null }) {
  if (error)
    return (
      <p role="alert" className="error small entry-said">
        {error}
      </p>
    );
  return done ? (
    <p role="status" className="notice small entry-said">
      {done}
    </p>
  ) : null;
}

/** Our rating of an entry, sent to its group. */
export function RateEntry({ entry: e }: { entry: Named }) {
  return (
    <Stars
      name={e.name}
      rating={e.rating}
      onRate={(stars) => worker.rate(e.groupId, e.entryId, stars)}
    />
  );
}

/** "Copy to my server", its progress, and where the copy went (the Catalog). */
export function CopyEntry({ entry: e }: { entry: Named }) {
  const t = useT(groupStrings);
  const job = useCopyJob((onProgress) => worker.copyEntry(e.groupId, e.entryId, onProgress));
  return (
    <>
      {job.result ? (
        // Done: every byte of the file is on our side, whether the hosts copied it or held it.
        <CopyBar name={e.name} progress={{ done: job.result.size, total: job.result.size }} />
      ) : job.progress ? (
        <CopyBar name={e.name} progress={job.progress} />
      ) : (
        <button
          type="button"
          aria-label={fill(t.copyEntry, { name: e.name })}
          onClick={() => void job.start()}
        >
          {t.copyToServer}
        </button>
      )}
      <Said error={job.error} done={job.result && fill(t.copiedTo, { path: job.result.path })} />
    </>
  );
}

/** Keep (a copy to our server, then marked kept) and Discard (the Feed). */
export function KeepOrDiscard({
  entry: e,
  kept,
  onDiscard,
}: {
  entry: Named;
  kept: boolean;
  onDiscard: () => void;
}) {
  const t = useT(groupStrings);
  const job = useCopyJob((onProgress) => worker.feedKeep(e.groupId, e.entryId, onProgress));
  const isKept = kept || job.result !== null;
  const where = job.result?.path;
  return (
    <>
      <div className="entry-buttons">
        {job.running && job.progress ? (
          <CopyBar name={e.name} progress={job.progress} />
        ) : isKept ? (
          <span className="kept-mark">✓ {t.kept}</span>
        ) : (
          <button
            type="button"
            className="primary"
            aria-label={fill(t.keepEntry, { name: e.name })}
            onClick={() => void job.start()}
          >
            {t.keep}
          </button>
        )}
        {!job.running && (
          <button
            type="button"
            aria-label={fill(t.discardEntry, { name: e.name })}
            onClick={onDiscard}
          >
            {t.discard}
          </button>
        )}
      </div>
      <Said error={job.error} done={where ? fill(t.keptAt, { path: where }) : null} />
    </>
  );
}
