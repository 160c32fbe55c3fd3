// A folder shared with us, as a file view of its own: the same list and grid, previews and zip
// downloads as our own files, and for a writer new folders, uploads, renames and the trash.
// A reader is shown no control that changes anything (the hub refuses those anyway).
import type { Entry } from '@coffer/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { worker } from '../api.ts';
import { onChanges } from '../change-feed.ts';
import { NameForm } from '../files/folder-toolbar.tsx';
import { useLayout } from '../files/folder-view.tsx';
import { useItemMenus } from '../files/item-menu.tsx';
import { FileGrid, FileTable } from '../files/items.tsx';
import { Preview } from '../files/preview.tsx';
import { useSorted } from '../files/sort.ts';
import { useSelection } from '../files/use-selection.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { Crumbs, joinPath, saveFile, saveZip } from '../ui.tsx';
import type { ListedEntry } from '../worker.ts';
import { sharingStrings } from './strings.ts';

/** A share as the Shared view lists it. */
export interface OpenShare {
  id: string;
  name: string;
  owner: string;
  role: 'read' | 'write';
}

/** The items of `path` inside the share, listed again when the change feed reports a change. */
function useSharedListing(shareId: string, path: string, onError: (m: string) => void) {
  const [entries, setEntries] = useState<ListedEntry[] | null>(null);
  const shown = useRef(path);
  shown.current = path;
  const refresh = useCallback(async () => {
    const r = await worker.sharedList(shareId, path);
    if (path !== shown.current) return;
    if (r.ok) setEntries(r.value);
    else onError(r.message);
  }, [shareId, path, onError]);
  useEffect(() => {
    setEntries(null);
    void refresh();
  }, [refresh]);
  // [Note: Listings follow the change feed]: a change inside a share carries its share id.
  useEffect(
    () =>
      onChanges((news) => {
        if (news === 'all' || news.some((c) => c.shareId !== null)) void refresh();
      }),
    [refresh],
  );
  return { entries, refresh };
}

export function SharedFolder({
  share,
  path,
  onPath,
  onBack,
  onError,
}: {
  share: OpenShare;
  /** The open folder, inside the share ("/" is the shared folder itself). */
  path: string;
  onPath: (path: string) => void;
  onBack: () => void;
  onError: (m: string) => void;
}) {
  const t = useT(sharingStrings);
  const writer = share.role === 'write';
  const { entries, refresh } = useSharedListing(share.id, path, onError);
  const { sorted, ...sorting } = useSorted(entries);
  const list = sorted ?? [];
  const [layout, chooseLayout] = useLayout();
  const selection = useSelection(list, path, layout);
  const [folderName, setFolderName] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [previewing, setPreviewing] = useState<Entry | null>(null);
  const at = (name: string) => joinPath(path, name);

  /** Runs a writer's change on each item, then lists the folder again. */
  const each = async (run: () => Promise<{ ok: boolean; message?: string }>[]) => {
    for (const r of await Promise.all(run())) if (!r.ok) onError(r.message ?? '');
    selection.clear();
    await refresh();
  };
  const mkdir = async () => {
    if (!folderName) return;
    if (folderName.includes('/')) return onError(t.badName);
    setFolderName(null);
    await each(() => [worker.sharedMkdir(share.id, at(folderName))]);
  };
  const rename = async (e: Entry) => {
    const to = renaming?.name;
    setRenaming(null);
    if (!to || to === e.name) return;
    if (to.includes('/')) return onError(t.badName);
    await each(() => [worker.sharedMove(share.id, at(e.name), at(to))]);
  };
  const trash = (items: Entry[]) =>
    each(() => items.map((e) => worker.sharedTrash(share.id, at(e.name))));
  const upload = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const r = await worker.sharedUpload(share.id, at(file.name), file);
      if (!r.ok) onError(r.message);
    }
    await refresh();
  };
  /** One file downloads as itself; a folder or several items as one zip. */
  const download = async (items: Entry[]) => {
    const [first] = items;
    if (!first) return;
    if (items.length === 1 && first.kind === 'file')
      return saveFile(at(first.name), first.name, onError, undefined, share.id);
    const name = items.length === 1 ? first.name : path.split('/').pop() || share.name;
    const zipped = await saveZip(
      items.map((e) => at(e.name)),
      `${name}.zip`,
      share.id,
    );
    if (!zipped) onError(t.noZip);
  };

  const open = (e: Entry) => (e.kind === 'folder' ? onPath(at(e.name)) : setPreviewing(e));
  const startRename = (e: Entry) => setRenaming({ id: e.id, name: e.name });
  const { menuFor, contextMenu, longPress } = useItemMenus(
    {
      open,
      download: (items) => void download(items),
      ...(writer ? { rename: startRename, trash: (items: Entry[]) => void trash(items) } : {}),
    },
    selection,
    list,
  );
  const onItemKey = (ev: React.KeyboardEvent<HTMLElement>, i: number, e: Entry) => {
    if (selection.onItemKey(ev, i, e) || contextMenu.onKey(ev, e)) return;
    const command: Record<string, () => void> = {
      Enter: () => open(e),
      Backspace: () => onPath(path.slice(0, path.lastIndexOf('/')) || '/'),
      ...(writer
        ? { Delete: () => void trash(selection.chosen(e)), F2: () => startRename(e) }
        : {}),
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
    dragProps: () => ({}),
    className: (e: Entry) => (selection.isSelected(e) ? 'selected' : undefined),
    open,
    menuFor,
    onContextMenu: contextMenu.onContextMenu,
    longPress,
  };
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
  const chosen = selection.chosen();
  const only = chosen.length === 1 ? chosen[0] : undefined;

  return (
    <section className="shared-browse" aria-label={`${t.sharedWithMe}: ${share.name}`}>
      <div className="crumbs-row">
        <button type="button" onClick={onBack} aria-label={t.backToShared}>
          ← {t.sharedWithMe}
        </button>
        <Crumbs path={path} rootLabel={share.name} label={t.breadcrumbs} onGo={onPath} />
      </div>
      <p className="muted small">
        {fill(t.sharedBy, { owner: share.owner })} · {writer ? t.canEdit : t.canView}
        {!writer && ` · ${t.viewOnly}`}
      </p>
      <div className="toolbar">
        {writer && (
          <>
            <label className="button primary">
              {t.upload}
              <input
                type="file"
                multiple
                hidden
                aria-label={t.upload}
                onChange={(e) => void upload(e.target.files)}
              />
            </label>
            <button type="button" onClick={() => setFolderName('')}>
              {t.newFolder}
            </button>
          </>
        )}
        <button type="button" disabled={list.length === 0} onClick={() => void download(list)}>
          {t.downloadZip}
        </button>
        <fieldset className="segmented">
          <legend className="visually-hidden">{t.showAs}</legend>
          {(['list', 'grid'] as const).map((l) => (
            <button
              key={l}
              type="button"
              aria-pressed={layout === l}
              onClick={() => chooseLayout(l)}
            >
              {t[l]}
            </button>
          ))}
        </fieldset>
      </div>
      {writer && folderName !== null && (
        <NameForm
          label={t.folderName}
          placeholder={t.folderName}
          submit={t.create}
          name={folderName}
          onChange={setFolderName}
          onSubmit={() => void mkdir()}
        />
      )}
      {chosen.length > 0 && (
        <div className="selection-bar" role="toolbar" aria-label={t.selection}>
          <strong>{t.selectedCount(chosen.length)}</strong>
          <button type="button" onClick={() => void download(chosen)}>
            {t.download}
          </button>
          {writer && only && (
            <button
              type="button"
              onClick={() => startRename(only)}
              aria-label={`${t.rename} ${only.name}`}
            >
              {t.rename}
            </button>
          )}
          {writer && (
            <button type="button" onClick={() => void trash(chosen)}>
              {t.moveToTrash}
            </button>
          )}
          <button type="button" onClick={selection.clear}>
            {t.clearSelection}
          </button>
          {layout === 'grid' && renameForm}
        </div>
      )}
      {entries === null ? (
        <p className="muted">{t.working}</p>
      ) : entries.length === 0 ? (
        <p className="muted">{t.emptyShared}</p>
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
      {previewing && (
        <Preview
          path={at(previewing.name)}
          entry={previewing}
          shareId={share.id}
          files={list.filter((e) => e.kind === 'file')}
          onStep={setPreviewing}
          onClose={() => setPreviewing(null)}
          onError={onError}
        />
      )}
    </section>
  );
}
