// One entry of the catalog: what it is, whose, where and when, and what can be done with it.
import type { CatalogEntry, Kind } from '@coffer/sdk/catalog';
import { useId, useMemo } from 'react';
import { formatDate } from '../figures.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { thumbnailUrl } from '../ui.tsx';
import { useFigures } from '../use-figures.ts';
import { groupStrings } from './strings.ts';

const KIND_PATHS: Record<Kind, string> = {
  video: 'M4 6h16v12H4zM10 9.5v5l4.5-2.5z',
  audio: 'M9 17V6l10-2v11M9 17a2 2 0 1 1-4 0 2 2 0 0 1 4 0zM19 15a2 2 0 1 1-4 0 2 2 0 0 1 4 0z',
  image: 'M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M16 9.5a1.5 1.5 0 1 1-3 0 1.5 1.5 0 0 1 3 0z',
  document:
    'M6 3h8l4 4v13a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm7 1.5V8h3.5M8 12h8M8 15h8M8 18h5',
  other: 'M6 3h8l4 4v13a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm7 1.5V8h3.5',
};

/** The thumbnail the author's file carries (WebP only), or the icon of its kind. */
function EntryPicture({ thumb, kind }: { thumb: string | undefined; kind: Kind }) {
  const url = useMemo(() => (thumb ? thumbnailUrl(thumb) : null), [thumb]);
  if (!url) return <KindIcon kind={kind} />;
  return <img className="thumb entry-thumb" src={url} alt="" />;
}

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
 * An entry: its kind, name, size, author, group, date, tags and note, marked new when the feed
 * says so. What can be done with it (`children`: withdraw one of ours; copy, keep, discard and
 * rate others') sits at the end of the card.
 */
export function EntryCard({
  entry: e,
  mine,
  isNew = false,
  children,
}: {
  entry: Omit<CatalogEntry, 'file'>;
  /** We published it. */
  mine: boolean;
  /** Published since we last looked at the feed. */
  isNew?: boolean;
  children?: React.ReactNode;
}) {
  const t = useT(groupStrings);
  const fig = useFigures();
  const nameId = useId();
  return (
    <article className={isNew ? 'entry unread' : 'entry'} aria-labelledby={nameId}>
      <EntryPicture thumb={e.thumb} kind={e.kind} />
      <div className="entry-body">
        <h3 className="entry-name">
          {isNew && <span className="new-mark">{t.isNew}</span>}
          <span id={nameId}>{e.name}</span>
        </h3>
        <p className="entry-who muted">
          {fill(t.byIn, { author: mine ? t.you : e.author.email, group: e.groupName })}
        </p>
        <p className="entry-facts muted">
          <span>{fig.size(e.size)}</span>
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
      {children && <div className="entry-actions">{children}</div>}
    </article>
  );
}
