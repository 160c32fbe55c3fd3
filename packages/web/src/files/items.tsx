// The open folder's items, as a grid of cards or a table, with the same keyboard, selection and
// drag and drop (FolderView gives both the same controls).
import type { Entry } from '@coffer/sdk';
import { useT } from '../i18n/use-t.ts';
import { Thumb } from '../ui.tsx';
import { useFigures } from '../use-figures.ts';
import type { ListedEntry } from '../worker.ts';
import { type ItemMenu, ItemMenuButton } from './item-menu.tsx';
import type { SortKey, useSorted } from './sort.ts';
import type { useSelection } from './use-selection.ts';

export interface ItemControls {
  list: ListedEntry[];
  selection: ReturnType<typeof useSelection>;
  onKeyDown: (ev: React.KeyboardEvent<HTMLElement>, i: number, e: Entry) => void;
  /** An item's drag and drop. */
  dragProps: (e: Entry) => React.HTMLAttributes<HTMLElement>;
  /** 'selected', 'drop-target', both or none. */
  className: (e: Entry) => string | undefined;
  open: (e: Entry) => void;
  /** The actions on an item (and on the selection, when it is part of one). */
  menuFor: (e: Entry) => ItemMenu;
  onContextMenu: (ev: React.MouseEvent<HTMLElement>, e: Entry) => void;
  /** A long press (a finger held on an item) selects it. */
  longPress: (i: number) => React.HTMLAttributes<HTMLElement>;
}

export function FileGrid({
  list,
  selection,
  onKeyDown,
  dragProps,
  className,
  open,
  menuFor,
  onContextMenu,
  longPress,
}: ItemControls) {
  const t = useT();
  // A list of cards, each a button that opens it, with its checkbox and its menu beside it: a
  // listbox could not hold them (its options hold nothing a user can act on).
  const fig = useFigures();
  return (
    <ul className="grid" aria-label={t.files} ref={selection.gridRef}>
      {list.map((e, i) => (
        // biome-ignore lint/a11y/useKeyWithClickEvents: the card's own button takes the keys
        <li
          key={e.id}
          className={`card ${className(e) ?? ''}`}
          onClick={(ev) => {
            if (selection.onItemClick(ev, i, e)) open(e);
          }}
          onContextMenu={(ev) => onContextMenu(ev, e)}
          {...longPress(i)}
          {...dragProps(e)}
        >
          <input
            type="checkbox"
            className="card-check"
            aria-label={`${t.select} ${e.name}`}
            checked={selection.isSelected(e)}
            onClick={(ev) => ev.stopPropagation()}
            onChange={() => selection.toggle(i, e)}
          />
          <button
            type="button"
            className="card-main"
            tabIndex={selection.tabIndex(i)}
            ref={selection.refAt(i)}
            aria-label={e.kind === 'folder' ? e.name : `${t.preview} ${e.name}`}
            onKeyDown={(ev) => onKeyDown(ev, i, e)}
          >
            <Thumb data={e.thumbnail} kind={e.kind} large />
            <span className="card-name">{e.name}</span>
          </button>
          <span className="muted">{e.kind === 'folder' ? '' : fig.size(e.size)}</span>
          <span className="card-menu">
            <ItemMenuButton entry={e} menu={() => menuFor(e)} />
          </span>
        </li>
      ))}
    </ul>
  );
}

export function FileTable({
  list,
  selection,
  onKeyDown,
  dragProps,
  className,
  open,
  menuFor,
  onContextMenu,
  longPress,
  sorting,
  renaming,
}: ItemControls & {
  sorting: Omit<ReturnType<typeof useSorted>, 'sorted'>;
  /** The item being renamed, and its form. */
  renaming: { id: string; form: React.ReactNode } | null;
}) {
  const t = useT();
  const fig = useFigures();
  const { sort, sortBy, ariaSort } = sorting;
  const all = selection.selected.size > 0 && selection.selected.size === list.length;
  return (
    <table className="files-table" aria-label={t.files}>
      <thead>
        <tr>
          <th scope="col" className="check">
            <input
              type="checkbox"
              aria-label={t.selectAll}
              checked={all}
              onChange={() =>
                selection.selected.size === list.length ? selection.clear() : selection.selectAll()
              }
            />
          </th>
          {(['name', 'size', 'modified'] as const satisfies SortKey[]).map((key) => (
            <th scope="col" key={key} aria-sort={ariaSort(key)}>
              <button type="button" className="sort" onClick={() => sortBy(key)}>
                {t[key]}
                {sort.key === key ? (sort.dir === 1 ? ' ↑' : ' ↓') : ''}
              </button>
            </th>
          ))}
          <th scope="col">
            <span className="visually-hidden">{t.actions}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {list.map((e, i) => (
          <tr
            key={e.id}
            tabIndex={selection.tabIndex(i)}
            aria-label={e.name}
            ref={selection.refAt(i)}
            className={className(e)}
            onKeyDown={(ev) => onKeyDown(ev, i, e)}
            onClick={(ev) => {
              selection.onItemClick(ev, i, e);
            }}
            onContextMenu={(ev) => onContextMenu(ev, e)}
            {...longPress(i)}
            {...dragProps(e)}
          >
            <td className="check">
              <input
                type="checkbox"
                aria-label={`${t.select} ${e.name}`}
                checked={selection.isSelected(e)}
                onChange={() => selection.toggle(i, e)}
              />
            </td>
            <td>
              {renaming?.id === e.id ? (
                renaming.form
              ) : (
                <button
                  type="button"
                  className="link"
                  onClick={(ev) => {
                    if (!(ev.ctrlKey || ev.metaKey || ev.shiftKey)) open(e);
                  }}
                  aria-label={e.kind === 'folder' ? e.name : `${t.preview} ${e.name}`}
                >
                  <Thumb data={e.thumbnail} kind={e.kind} />
                  {e.name}
                </button>
              )}
            </td>
            <td className="nowrap">{e.kind === 'folder' ? '—' : fig.size(e.size)}</td>
            <td className="nowrap">{fig.dateTime(e.mtime ?? e.updatedAt)}</td>
            <td className="menu-cell">
              <ItemMenuButton entry={e} menu={() => menuFor(e)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
