// Every item's actions, in one menu reached three ways: its "⋮" button, a right-click, and the
// context-menu key (or Shift+F10) on the focused item. The selection bar offers the same actions.
import type { Entry } from '@coffer/sdk';
import { useState } from 'react';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { linkStrings } from '../links/strings.ts';
import { Menu, type MenuAnchor, MenuButton, type MenuItem } from '../menu.tsx';
import { useLongPress } from './long-press.ts';
import { fileStrings } from './strings.ts';

/** What can be done to items; an action left out is not offered. */
export interface ItemHandlers {
  open: (e: Entry) => void;
  download: (items: Entry[]) => void;
  /** Left out, with move and trash, where the user may only read. */
  rename?: (e: Entry) => void;
  move?: (items: Entry[]) => void;
  trash?: (items: Entry[]) => void;
  /** Sharing a folder with people. */
  share?: (e: Entry) => void;
  /** A file's versions. */
  versions?: (e: Entry) => void;
  /** A public link to a file or folder. */
  getLink?: (e: Entry) => void;
  /** A file request into a folder. */
  requestFiles?: (e: Entry) => void;
}

/**
 * The menu for `items`: one item gets every action that fits its kind, several the ones that
 * apply to many at once.
 */
export function useItemMenuItems(h: ItemHandlers) {
  const t = useT(fileStrings);
  const tl = useT(linkStrings);
  return (items: Entry[]): MenuItem[] => {
    const [only] = items;
    if (!only) return [];
    const one = items.length === 1;
    const file = one && only.kind === 'file';
    const folder = one && only.kind === 'folder';
    const all: (MenuItem | false)[] = [
      one && { key: 'open', label: folder ? t.open : t.preview, run: () => h.open(only) },
      { key: 'download', label: t.download, run: () => h.download(items) },
      folder && !!h.share && { key: 'share', label: t.share, run: () => h.share?.(only) },
      one && !!h.getLink && { key: 'link', label: tl.getLink, run: () => h.getLink?.(only) },
      folder &&
        !!h.requestFiles && {
          key: 'request',
          label: tl.requestFiles,
          run: () => h.requestFiles?.(only),
        },
      one && !!h.rename && { key: 'rename', label: t.rename, run: () => h.rename?.(only) },
      !!h.move && { key: 'move', label: t.moveTo, run: () => h.move?.(items) },
      file && !!h.versions && { key: 'versions', label: t.versions, run: () => h.versions?.(only) },
      !!h.trash && {
        key: 'trash',
        label: t.moveToTrash,
        run: () => h.trash?.(items),
        danger: true,
      },
    ];
    return all.filter((x): x is MenuItem => x !== false);
  };
}

/** A menu's items and its accessible name. */
export type ItemMenu = { label: string; items: MenuItem[] };

/** An item's "⋮" button; its accessible name names the item. */
export function ItemMenuButton({ entry, menu }: { entry: Entry; menu: () => ItemMenu }) {
  const t = useT(fileStrings);
  const { label, items } = menu();
  return (
    <MenuButton
      items={items}
      label={fill(t.itemActions, { name: entry.name })}
      menuLabel={label}
      className="item-menu"
    >
      ⋮
    </MenuButton>
  );
}

/** The menu a right-click or the context-menu key opens over an item. */
export function useContextMenu(menuFor: (e: Entry) => ItemMenu) {
  const [open, setOpen] = useState<{
    entry: Entry;
    anchor: MenuAnchor;
    from: HTMLElement;
  } | null>(null);
  const menu = open && menuFor(open.entry);
  return {
    onContextMenu: (ev: React.MouseEvent<HTMLElement>, entry: Entry) => {
      ev.preventDefault();
      // A finger held on an item selects it (long-press.ts) rather than open this menu.
      if ((ev.nativeEvent as PointerEvent).pointerType === 'touch') return;
      setOpen({ entry, anchor: { x: ev.clientX, y: ev.clientY }, from: ev.currentTarget });
    },
    /** The keys that open it on a focused item; true when `ev` was one. */
    onKey: (ev: React.KeyboardEvent<HTMLElement>, entry: Entry) => {
      if (ev.key !== 'ContextMenu' && !(ev.key === 'F10' && ev.shiftKey)) return false;
      ev.preventDefault();
      const from = ev.currentTarget;
      setOpen({ entry, anchor: { element: from }, from });
      return true;
    },
    menu: open && menu && (
      <Menu
        items={menu.items}
        label={menu.label}
        anchor={open.anchor}
        returnFocus={open.from}
        onClose={() => setOpen(null)}
      />
    ),
  };
}

/**
 * Everything that reaches an item's actions in a folder view: its menu (on the whole selection
 * when the item is part of it), the menu a right-click or the context-menu key opens, and a long
 * press that selects it.
 */
export function useItemMenus(
  h: ItemHandlers,
  selection: { chosen: (e?: Entry) => Entry[]; toggle: (i: number, e: Entry) => void },
  list: readonly Entry[],
) {
  const t = useT(fileStrings);
  const itemsFor = useItemMenuItems(h);
  const menuFor = (e: Entry): ItemMenu => {
    const targets = selection.chosen(e);
    return {
      items: itemsFor(targets),
      label: targets.length > 1 ? t.selectionActions : fill(t.itemActions, { name: e.name }),
    };
  };
  const contextMenu = useContextMenu(menuFor);
  const longPress = useLongPress((i) => {
    const e = list[i];
    if (e) selection.toggle(i, e);
  });
  return { menuFor, contextMenu, longPress };
}
