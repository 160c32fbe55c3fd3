// One entry of the catalog: what it is, whose, where and when, and what can be done with it.
import type { CatalogEntry, Kind } from '@coffer/sdk/catalog';
import { formatBytes } from '@coffer/sdk/format';
import { useId } from 'react';
import { formatDate } from '../figures.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { groupStrings } from './strings.ts';

const KIND_PATHS: Record<Kind, string> = {
  video: 'M4 6h16v12H4zM10 9.5v5l4.5-2.5z',
  audio: 'M9 17V6l10-2v11M9 17a2 2 0 1 1-4 0 2 2 0 0 1 4 0zM19 15a2 2 0 1 1-4 0 2 2 0 0 1 4 0z',
  image: 'M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M16 9.5a1.5 1.5 0 1 1-3 0 1.5 1.5 0 0 1 3 0z',
  document:
    'M6 3h8l4 4v13a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm7 1.5V8h3.5M8 12h8M8 15h8M8 18h5',
  other: 'M6 3h8l4 4v13a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm7 1.5V8h3.5',
};

/** The icon of an entry's kind (video, audio, image, document, other). */
export function KindIcon({ kind }: { kind: Kind }) {
  return (
    <svg
      className={`icon kind-icon kind-${kind}`}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
    >
      <path d={KIND_PATHS[kind]} />
    </svg>
  );
}

/**
 * An entry: its kind, name, size, author, group, date, tags and note. Its actions sit at the
 * end of the card: withdrawing one of our own; copying, rating and keeping others' entries
 * (issue 15) belong there too.
 */
export function EntryCard({
  entry: e,
  mine,
  onWithdraw,
}: {
  entry: CatalogEntry;
  /** We published it. */
  mine: boolean;
  onWithdraw: (e: CatalogEntry) => void;
}) {
  const t = useT(groupStrings);
  const nameId = useId();
  return (
    <article className="entry" aria-labelledby={nameId}>
      <KindIcon kind={e.kind} />
      <div className="entry-body">
        <h3 className="entry-name" id={nameId}>
          {e.name}
        </h3>
        <p className="entry-who muted">
          {fill(t.byIn, { author: mine ? t.you : e.author.email, group: e.groupName })}
        </p>
        <p className="entry-facts muted">
          <span>{formatBytes(e.size)}</span>
          <span>{t[`kind_${e.kind}`]}</span>
          <time dateTime={new Date(e.publishedAt).toISOString()}>
            {formatDate(e.publishedAt, t.locale)}
          </time>
        </p>
        {e.tags.length > 0 && (
          <ul className="tags entry-tags" aria-label={t.tags}>
            {e.tags.map((tag) => (
              <li key={tag}>{tag}</li>
            ))}
          </ul>
        )}
        {e.note && <p className="entry-note">{e.note}</p>}
      </div>
      {mine && (
        <div className="entry-actions">
          <button
            type="button"
            aria-label={fill(t.withdrawEntry, { name: e.name })}
            onClick={() => onWithdraw(e)}
          >
            {t.withdraw}
          </button>
        </div>
      )}
    </article>
  );
}
