import { useCallback, useEffect, useRef, useState } from 'react';
import { ApproveAppView } from '../apps/approve-view.tsx';
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
import { SettingsView } from '../settings/settings-view.tsx';
import { SharedView } from '../shared.tsx';
import { onStreamError } from '../stream.ts';
import { TrashView } from '../trash/trash-view.tsx';
import { joinPath } from '../ui.tsx';
import { useUploadConflicts } from '../upload-conflicts/conflict-dialog.tsx';
import { uploads } from '../uploads.tsx';
import { FolderView } from './folder-view.tsx';
import { useRoute } from './route.ts';
import { SearchBox, SearchResults, useSearchResults } from './search.tsx';
import { fileStrings } from './strings.ts';
import { type Picked, useUploadDrop } from './upload-drop.ts';
import { useArrivals } from './use-arrivals.ts';
import { useListing } from './use-listing.ts';
import { useSingleCopy } from './use-single-copy.ts';

/** The views in the bar besides the folder's, in order; each is named by its key in the strings. */
/** What each view gets: where its errors go, and the logout (Settings, after deleting the account). */
interface ViewProps {
  onError: (m: string) => void;
  onLogout: () => void;
}
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
  settings: SettingsView,
} satisfies Record<string, (props: ViewProps) => React.ReactNode>;
const BAR = ['files', ...(Object.keys(VIEWS) as (keyof typeof VIEWS)[])] as const;
/** The unread count on "Feed" describes its button. */
const FEED_BADGE = 'feed-unread';
/** Views outside the bar: a search's results, and the page that connects an app. */
const OFF_BAR = ['search', 'approve'] as const;
type View = (typeof BAR)[number] | (typeof OFF_BAR)[number];
const isView = (v: string): v is View =>
  (OFF_BAR as readonly string[]).includes(v) || (BAR as readonly string[]).includes(v);
const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

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
  const tf = useT(fileStrings);
  const [route, go] = useRoute();
  const view: View = isView(route.view) ? route.view : 'files';
  const path = route.path;
  const setPath = useCallback((p: string) => go({ view: 'files', path: p, query: '' }), [go]);
  // Each click in the bar opens its view afresh, as "Files" goes to the root: from a group's
  // page, "Groups" goes back to the list of groups.
  const [visit, setVisit] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const showError = useCallback((m: string) => setError(m), []);
  useEffect(() => onStreamError(showError), [showError]);
  // An error stays until the user moves on (another folder, view or search), unless it says
  // why the app moved: that one is kept for the place it moved to.
  const keepError = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: any change of place clears it
  useEffect(() => {
    if (keepError.current) keepError.current = false;
    else setError(null);
  }, [route.view, route.path, route.query]);
  // A folder that is not there (an old bookmark, or deleted from another device) gives way to
  // the nearest one above it.
  const listingError = useCallback(
    (m: string, code: string) => {
      if (code !== 'not_found' || path === '/') return showError(m);
      setError(fill(tf.folderMissing, { path }));
      keepError.current = true;
      go({ view: 'files', path: parentOf(path), query: '' }, { replace: true });
    },
    [path, go, showError, tf],
  );
  const { entries, refresh, refreshLatest } = useListing(path, listingError);
  const { arrived, dismiss } = useArrivals(showError, refreshLatest);
  const hits = useSearchResults(route.query, view === 'search', showError);
  // Emptying the search box goes back to the folder open last.
  const lastFolder = useRef(path);
  if (view === 'files') lastFolder.current = path;
  const search = useCallback(
    (query: string) => {
      if (query) go({ view: 'search', path: '/', query }, { replace: view === 'search' });
      else if (view === 'search') {
        go({ view: 'files', path: lastFolder.current, query: '' }, { replace: true });
      }
    },
    [go, view],
  );
  const singleCopy = useSingleCopy(path, view === 'files');
  useEffect(() => void uploads.restore(), []);

  const conflicts = useUploadConflicts();
  /**
   * Uploads files, each at its path relative to this folder (folders are created as needed),
   * once the user has said what to do with each whose name is taken.
   */
  const upload = (items: Picked[]) => {
    setError(null);
    const folder = path;
    void conflicts.resolve(folder, items).then((kept) => {
      if (kept.length)
        uploads.add(kept.map(({ file, rel }) => ({ file, path: joinPath(folder, rel) })));
    });
  };
  const { dragging, zone } = useUploadDrop(view === 'files', upload);
  const OtherView: ((props: ViewProps) => React.ReactNode) | null =
    view === 'files' || (OFF_BAR as readonly string[]).includes(view)
      ? null
      : VIEWS[view as keyof typeof VIEWS];

  return (
    // On a wide screen the views are a column beside the page; on a phone, a bar along the bottom.
    <div className="app">
      <header>
        <strong>{t.appName}</strong>
        <SearchBox query={view === 'search' ? route.query : ''} onSearch={search} />
        <div className="header-tools">
          {language}
          <button type="button" onClick={onLogout}>
            {t.logOut}
          </button>
        </div>
      </header>
      <div className="app-body">
        <nav className="views" aria-label={t.views}>
          {BAR.map((v) => (
            <button
              key={v}
              type="button"
              aria-current={view === v ? 'page' : undefined}
              aria-describedby={v === 'feed' ? FEED_BADGE : undefined}
              onClick={() => {
                go({ view: v, path: '/', query: '' });
                setVisit((n) => n + 1);
                if (v === 'files' && path === '/') void refresh();
                void refreshUnread();
              }}
            >
              {t[v]}
              {v === 'feed' && <UnreadBadge id={FEED_BADGE} />}
            </button>
          ))}
        </nav>
        <main className={dragging ? 'dragging' : undefined} {...zone}>
          {error && (
            <Banner role="alert" className="error" text={error} onDismiss={() => setError(null)} />
          )}
          {arrived && (
            <Banner role="status" className="notice" text={arrived} onDismiss={dismiss} />
          )}
          {singleCopy && view === 'files' && (
            <p role="status" className="warning">
              {fill(t.singleCopyWarning, { path })}
            </p>
          )}
          {OtherView && <OtherView key={visit} onError={showError} onLogout={onLogout} />}
          {view === 'search' && <SearchResults query={route.query} hits={hits} onGo={setPath} />}
          {view === 'approve' && <ApproveAppView code={route.query} onError={showError} />}
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
          {conflicts.dialog}
        </main>
      </div>
    </div>
  );
}
