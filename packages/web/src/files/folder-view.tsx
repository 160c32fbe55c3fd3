import type { Entry } from '@coffer/sdk';
import { useState } from 'react';
import { worker } from '../api.ts';
import { PublishDialog } from '../groups/publish-dialog.tsx';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { LinkDialog } from '../links/link-dialog.tsx';
import { RequestDialog } from '../links/request-dialog.tsx';
import { ShareDialog } from '../sharing/share-dialog.tsx';
import { Crumbs, joinPath, saveFile, saveZip } from '../ui.tsx';
import { UploadsPanel, useUploading } from '../uploads.tsx';
import { VersionsPanel } from '../versions/versions-panel.tsx';
import type { ListedEntry } from '../worker.ts';
import { FolderToolbar, NameForm } from './folder-toolbar.tsx';
import { useItemMenus } from './item-menu.tsx';
import { FileGrid, FileTable } from './items.tsx';
import { MoveDialog } from './move-dialog.tsx';
import { useMoveDrag } from './move-drag.ts';
import { Preview } from './preview.tsx';
import { SelectionBar } from './selection-bar.tsx';
import { useSorted } from './sort.ts';
import { fileStrings } from './strings.ts';
import type { Picked } from './upload-drop.ts';
import { useSelection } from './use-selection.ts';

const LAYOUT_KEY = 'coffer.layout';

/** The list or the grid, as chosen last in this browser. */
export function useLayout() {
  const [layout, setLayout] = useState<'list' | 'grid'>(() =>
    localStorage.getItem(LAYOUT_KEY) === 'grid' ? 'grid' : 'list',
  );
  const choose = (next: 'list' | 'grid') => {
    localStorage.setItem(LAYOUT_KEY, next);
    setLayout(next);
  };
  return [layout, choose] as const;
}

/**
 * The open folder: breadcrumbs, toolbar, uploads, the selection and what can be done to it, the
 * items as a list or a grid, and the dialogs to move and preview them. It stays mounted while
 * another view shows (then only an open preview renders), so the selection, the order and any
 * half-typed name are as the user left them.
 */
export function FolderView({
  active,
  path,
  onPath,
  entries,
  refresh,
  dragging,
  onUpload,
  onError,
}: {
  active: boolean;
  path: string;
  onPath: (path: string) => void;
  entries: ListedEntry[] | null;
  refresh: () => Promise<void>;
  /** Files from outside are held over the page. */
  dragging: boolean;
  onUpload: (files: Picked[]) => void;
  onError: (m: string | null) => void;
}) {
  const t = useT(fileStrings);
  const { sorted, ...sorting } = useSorted(entries);
  const list = sorted ?? [];
  const [layout, chooseLayout] = useLayout();
  const uploading = useUploading();
  const selection = useSelection(list, path, layout);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [folderName, setFolderName] = useState<string | null>(null);
  const [moving, setMoving] = useState<string[] | null>(null);
  const [previewing, setPreviewing] = useState<Entry | null>(null);
  const [publishing, setPublishing] = useState<string[] | null>(null);
  const [versionsOf, setVersionsOf] = useState<Entry | null>(null);
  /** The item whose link, or the folder whose file request, is being made. */
  const [linking, setLinking] = useState<{ entry: Entry; as: 'link' | 'request' } | null>(null);
  const ItemDialog = linking?.as === 'request' ? RequestDialog : LinkDialog;
  const [sharing, setSharing] = useState<Entry | null>(null);

  /** Moves items of this folder into another folder. */
  const moveInto = async (names: string[], dir: string) => {
    onError(null);
    for (const name of names) {
      if (dir === path || joinPath(path, name) === dir) continue;
      const r = await worker.move(joinPath(path, name), joinPath(dir, name));
      if (!r.ok) onError(r.message);
    }
    selection.clear();
    await refresh();
  };
  const drag = useMoveDrag(path, selection.chosen, (names, dir) => void moveInto(names, dir));

  const rename = async (e: Entry) => {
    onError(null);
    if (!renaming?.name || renaming.name === e.name) return setRenaming(null);
    if (renaming.name.includes('/')) return onError(t.badName);
    const r = await worker.move(joinPath(path, e.name), joinPath(path, renaming.name));
    if (!r.ok) onError(r.message);
    setRenaming(null);
    selection.clear();
    await refresh();
  };

  /** One file downloads as itself; a folder or several items as one zip. */
  const download = async (items = selection.chosen()) => {
    onError(null);
    const [first] = items;
    if (!first) return;
    if (items.length === 1 && first.kind === 'file') {
      return saveFile(joinPath(path, first.name), first.name, onError);
    }
    const name = items.length === 1 ? first.name : (path.split('/').pop() ?? '') || t.appName;
    const paths = items.map((x) => joinPath(path, x.name));
    if (!(await saveZip(paths, `${name}.zip`))) onError(t.noZip);
  };

  const trash = async (items = selection.chosen()) => {
    onError(null);
    for (const e of items) {
      const r = await worker.trash(joinPath(path, e.name));
      if (!r.ok) onError(r.message);
    }
    selection.clear();
    await refresh();
  };

  const mkdir = async () => {
    onError(null);
    if (!folderName) return;
    if (folderName.includes('/')) return onError(t.badName);
    const r = await worker.mkdir(joinPath(path, folderName));
    if (!r.ok) onError(r.message);
    setFolderName(null);
    await refresh();
  };

  const open = (e: Entry) =>
    e.kind === 'folder' ? onPath(joinPath(path, e.name)) : setPreviewing(e);
  const startRename = (e: Entry) => setRenaming({ id: e.id, name: e.name });
  const { menuFor, contextMenu, longPress } = useItemMenus(
    {
      open,
      download: (items) => void download(items),
      rename: startRename,
      move: (items) => setMoving(items.map((x) => x.name)),
      trash: (items) => void trash(items),
      versions: setVersionsOf,
      share: setSharing,
      getLink: (entry) => setLinking({ entry, as: 'link' }),
      requestFiles: (entry) => setLinking({ entry, as: 'request' }),
    },
    selection,
    list,
  );
  /** The keys that act on an item; the selection handles the ones that move and select. */
  const onItemKey = (ev: React.KeyboardEvent<HTMLElement>, i: number, e: Entry) => {
    if (selection.onItemKey(ev, i, e) || contextMenu.onKey(ev, e)) return;
    const command: Record<string, () => void> = {
      Enter: () => open(e),
      Delete: () => void trash(selection.chosen(e)),
      F2: () => startRename(e),
      Backspace: () => onPath(path.slice(0, path.lastIndexOf('/')) || '/'),
    };
    const run = command[ev.key];
    if (!run) return;
    run();
    ev.preventDefault();
  };
  const controls = {
    list,
    selection,
    onKeyDown: onItemKey,
    dragProps: drag.dragProps,
    className: (e: Entry) =>
      [selection.isSelected(e) && 'selected', drag.dropTarget === e.id && 'drop-target']
        .filter(Boolean)
        .join(' ') || undefined,
    open,
    menuFor,
    onContextMenu: contextMenu.onContextMenu,
    longPress,
  };
  const [oneFolder, ...more] = selection.chosen();
  const sharable = oneFolder?.kind === 'folder' && more.length === 0 ? oneFolder : undefined;
  const renamed = renaming && list.find((x) => x.id === renaming.id);
  const renameForm = renaming && renamed && (
    <NameForm
      label={t.newName}
      submit={t.save}
      name={renaming.name}
      onChange={(name) => setRenaming({ id: renamed.id, name })}
      onSubmit={() => void rename(renamed)}
      onCancel={() => setRenaming(null)}
    />
  );

  return (
    <>
      {active && (
        <>
          <Crumbs
            path={path}
            rootLabel={t.files}
            label={t.breadcrumbs}
            onGo={onPath}
            extra={(dir) => ({
              ...drag.dropProps(dir, `crumb:${dir}`),
              ...(drag.dropTarget === `crumb:${dir}` ? { className: 'link drop-target' } : {}),
            })}
          />
          <FolderToolbar
            layout={layout}
            onLayout={chooseLayout}
            onUpload={onUpload}
            onNewFolder={() => setFolderName('')}
          />
          {folderName !== null && (
            <NameForm
              label={t.folderName}
              placeholder={t.folderName}
              submit={t.create}
              name={folderName}
              onChange={setFolderName}
              onSubmit={() => void mkdir()}
              onCancel={() => setFolderName(null)}
            />
          )}
          {dragging && (
            <div className="drop-zone">
              {fill(t.dropToUpload, {
                folder: path === '/' ? t.files : path.slice(path.lastIndexOf('/') + 1),
              })}
            </div>
          )}
          <UploadsPanel />
          {selection.selected.size > 0 && (
            <SelectionBar
              count={selection.selected.size}
              onDownload={() => void download()}
              onRename={() => {
                const [only] = selection.chosen();
                if (only) startRename(only);
              }}
              onMove={() => setMoving(selection.chosen().map((x) => x.name))}
              onTrash={() => void trash()}
              onClear={selection.clear}
              onPublish={
                selection.chosen().every((x) => x.kind === 'file')
                  ? () => setPublishing(selection.chosen().map((x) => joinPath(path, x.name)))
                  : undefined
              }
              share={sharable && { name: sharable.name, open: () => setSharing(sharable) }}
            >
              {layout === 'grid' && renameForm}
            </SelectionBar>
          )}
          {entries === null ? (
            <p className="muted">{t.working}</p>
          ) : entries.length === 0 ? (
            <p className="muted">{uploading ? t.working : t.empty}</p>
          ) : layout === 'grid' ? (
            <FileGrid {...controls} />
          ) : (
            <FileTable
              {...controls}
              sorting={sorting}
              renaming={renaming && { id: renaming.id, form: renameForm }}
            />
          )}
          {contextMenu.menu}
          {versionsOf && (
            <VersionsPanel
              path={joinPath(path, versionsOf.name)}
              name={versionsOf.name}
              onClose={() => setVersionsOf(null)}
              onError={onError}
              onRestored={() => void refresh()}
            />
          )}
          {linking && (
            <ItemDialog
              path={joinPath(path, linking.entry.name)}
              name={linking.entry.name}
              onClose={() => setLinking(null)}
            />
          )}
          {sharing && (
            <ShareDialog
              path={joinPath(path, sharing.name)}
              folderId={sharing.id}
              onClose={() => setSharing(null)}
            />
          )}
          {publishing && <PublishDialog paths={publishing} onClose={() => setPublishing(null)} />}
          {moving && (
            <MoveDialog
              from={path}
              names={moving}
              onClose={() => setMoving(null)}
              onMove={(dir) => void moveInto(moving, dir).then(() => setMoving(null))}
            />
          )}
        </>
      )}
      {previewing && (
        <Preview
          path={joinPath(path, previewing.name)}
          entry={previewing}
          files={list.filter((e) => e.kind === 'file')}
          onStep={setPreviewing}
          onClose={() => setPreviewing(null)}
          onError={onError}
        />
      )}
    </>
  );
}
