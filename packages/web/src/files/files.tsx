import { useCallback, useEffect, useState } from 'react';
import { TrashView } from '../account.tsx';
import { ContactsView } from '../contacts.tsx';
import { CatalogView } from '../groups/catalog-view.tsx';
import { FeedView } from '../groups/feed-view.tsx';
import { GroupsView } from '../groups/groups-view.tsx';
import { refreshUnread, UnreadBadge } from '../groups/unread.tsx';
import { HostingView } from '../hosting.tsx';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { LinksView } from '../links/links-view.tsx';
import { SessionsView } from '../sessions.tsx';
import { SharedView } from '../shared.tsx';
import { onStreamError } from '../stream.ts';
import { joinPath } from '../ui.tsx';
import { uploads } from '../uploads.tsx';
import { FolderView } from './folder-view.tsx';
import { SearchResults, useSearch } from './search.tsx';
import { type Picked, useUploadDrop } from './upload-drop.ts';
import { useArrivals } from './use-arrivals.ts';
import { useListing } from './use-listing.ts';
import { useSingleCopy } from './use-single-copy.ts';

/** The views in the bar besides the folder's, in order; each is named by its key in the strings. */
const VIEWS = {
  shared: SharedView,
  links: LinksView,
  groups: GroupsView,
  catalog: CatalogView,
  feed: FeedView,
  trash: TrashView,
  contacts: ContactsView,
  sessions: SessionsView,
  hosting: HostingView,
} satisfies Record<string, (props: { onError: (m: string) => void }) => React.ReactNode>;
const BAR = ['files', ...(Object.keys(VIEWS) as (keyof typeof VIEWS)[])] as const;
/** The unread count on "Feed" describes its button. */
const FEED_BADGE = 'feed-unread';
/** A search adds its results as one more view. */
type View = (typeof BAR)[number] | 'search';

/** A message the user can dismiss. */
function Banner({
  role,
  className,
  text,
  onDismiss,
}: {
  role: 'alert' | 'status';
  className: string;
  text: string;
  onDismiss: () => void;
}) {
  const t = useT();
  return (
    <p role={role} className={className}>
      {text}{' '}
      <button type="button" className="link" onClick={onDismiss} aria-label={t.dismiss}>
        ×
      </button>
    </p>
  );
}

/** The signed-in app: the header, the views and search, and the view chosen. */
export function Files({ onLogout, language }: { onLogout: () => void; language: React.ReactNode }) {
  const t = useT();
  const [view, setView] = useState<View>('files');
  // Each click in the bar opens its view afresh, as "Files" goes to the root: from a group's
  // page, "Groups" goes back to the list of groups.
  const [visit, setVisit] = useState(0);
  const [path, setPath] = useState('/');
  const [error, setError] = useState<string | null>(null);
  const showError = useCallback((m: string) => setError(m), []);
  useEffect(() => onStreamError(showError), [showError]);
  const { entries, refresh, refreshLatest } = useListing(path, showError);
  const { arrived, dismiss } = useArrivals(showError, refreshLatest);
  const search = useSearch(showError);
  const singleCopy = useSingleCopy(path, view === 'files');
  useEffect(() => void uploads.restore(), []);

  /** Uploads files, each at its path relative to this folder (folders are created as needed). */
  const upload = (items: Picked[]) => {
    setError(null);
    uploads.add(items.map(({ file, rel }) => ({ file, path: joinPath(path, rel) })));
  };
  const { dragging, zone } = useUploadDrop(view === 'files', upload);
  const OtherView = view === 'files' || view === 'search' ? null : VIEWS[view];

  return (
    <div className="app">
      <header>
        <strong>{t.appName}</strong>
        <div className="header-tools">
          {language}
          <button type="button" onClick={onLogout}>
            {t.logOut}
          </button>
        </div>
      </header>
      <nav className="views" aria-label={t.views}>
        {BAR.map((v) => (
          <button
            key={v}
            type="button"
            aria-current={view === v ? 'page' : undefined}
            aria-describedby={v === 'feed' ? FEED_BADGE : undefined}
            onClick={() => {
              setView(v);
              setVisit((n) => n + 1);
              if (v === 'files') void refresh();
              void refreshUnread();
            }}
          >
            {t[v]}
            {v === 'feed' && <UnreadBadge id={FEED_BADGE} />}
          </button>
        ))}
        <search className="search">
          <form
            onSubmit={(ev) => {
              ev.preventDefault();
              if (search.run()) setView('search');
            }}
          >
            <input
              type="search"
              aria-label={t.search}
              placeholder={t.search}
              value={search.query}
              onChange={(e) => search.setQuery(e.target.value)}
            />
          </form>
        </search>
      </nav>
      <main className={dragging ? 'dragging' : undefined} {...zone}>
        {error && (
          <Banner role="alert" className="error" text={error} onDismiss={() => setError(null)} />
        )}
        {arrived && <Banner role="status" className="notice" text={arrived} onDismiss={dismiss} />}
        {singleCopy && view === 'files' && (
          <p role="status" className="warning">
            {fill(t.singleCopyWarning, { path })}
          </p>
        )}
        {OtherView && <OtherView key={visit} onError={showError} />}
        {view === 'search' && (
          <SearchResults
            hits={search.hits}
            onGo={(folder) => {
              setPath(folder);
              setView('files');
            }}
          />
        )}
        <FolderView
          active={view === 'files'}
          path={path}
          onPath={setPath}
          entries={entries}
          refresh={refresh}
          dragging={dragging}
          onUpload={upload}
          onError={setError}
        />
      </main>
    </div>
  );
}
