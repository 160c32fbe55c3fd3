// Which items of the open folder are selected, and which one has the focus (one tab stop for the
// whole list; the arrow keys move it), changed by the keyboard, clicks and checkboxes.
import type { Entry } from '@coffer/sdk';
import { useEffect, useRef, useState } from 'react';

export function useSelection(list: Entry[], path: string, layout: 'list' | 'grid') {
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [focus, setFocus] = useState(0);
  const itemRefs = useRef<(HTMLElement | null)[]>([]);
  const gridRef = useRef<HTMLUListElement>(null);
  /** Where a Shift selection starts from. */
  const anchor = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new folder starts unselected
  useEffect(() => {
    setSelected(new Set());
    setFocus(0);
  }, [path]);

  const clear = () => setSelected(new Set());
  const selectAll = () => setSelected(new Set(list.map((x) => x.id)));
  /** What an action applies to: the selection, or the item acted on when it is not selected. */
  const chosen = (e?: Entry) =>
    e && !selected.has(e.id) ? [e] : list.filter((x) => selected.has(x.id));
  const toggle = (i: number, e: Entry) => {
    anchor.current = i;
    setSelected((s) => {
      const n = new Set(s);
      if (!n.delete(e.id)) n.add(e.id);
      return n;
    });
  };
  const selectRange = (to: number) => {
    const [lo, hi] = [Math.min(anchor.current, to), Math.max(anchor.current, to)];
    setSelected(new Set(list.slice(lo, hi + 1).map((x) => x.id)));
  };
  const focusItem = (i: number) => {
    const k = Math.max(0, Math.min(list.length - 1, i));
    setFocus(k);
    itemRefs.current[k]?.focus();
    return k;
  };
  /** Cards per row in the grid, read from the layout, for ArrowUp and ArrowDown. */
  const columns = () => {
    const cards = Array.from(gridRef.current?.children ?? []) as HTMLElement[];
    const top = cards[0]?.offsetTop;
    return Math.max(1, cards.filter((c) => c.offsetTop === top).length);
  };

  /**
   * The keys that move the focus (Shift extends the selection) or change the selection. Returns
   * true when the key is handled here, or belongs to a control inside the item; the caller
   * handles the other keys.
   */
  const onItemKey = (ev: React.KeyboardEvent, i: number, e: Entry): boolean => {
    const inside = ev.target !== ev.currentTarget;
    if (inside && (ev.target as HTMLElement).tagName === 'INPUT') return true;
    const cols = layout === 'grid' ? columns() : 1;
    const step: Record<string, number> = {
      ArrowDown: cols,
      ArrowUp: -cols,
      Home: -list.length,
      End: list.length,
      ...(layout === 'grid' ? { ArrowRight: 1, ArrowLeft: -1 } : {}),
    };
    const by = step[ev.key];
    if (by !== undefined) {
      ev.preventDefault();
      const to = focusItem(i + by);
      if (ev.shiftKey) selectRange(to);
      else anchor.current = to;
      return true;
    }
    if (inside) return true;
    if (ev.key === ' ') toggle(i, e);
    else if (ev.key === 'Escape') clear();
    else if (ev.key === 'a' && (ev.ctrlKey || ev.metaKey)) selectAll();
    else return false;
    ev.preventDefault();
    return true;
  };

  /** Ctrl or Cmd toggles, Shift extends; returns true for a plain click, which the caller may act on. */
  const onItemClick = (ev: React.MouseEvent, i: number, e: Entry): boolean => {
    setFocus(i);
    if (ev.ctrlKey || ev.metaKey) toggle(i, e);
    else if (ev.shiftKey) selectRange(i);
    else {
      anchor.current = i;
      return true;
    }
    return false;
  };

  return {
    selected,
    isSelected: (e: Entry) => selected.has(e.id),
    chosen,
    toggle,
    clear,
    selectAll,
    gridRef,
    onItemKey,
    onItemClick,
    /** Only the focused item is a tab stop. */
    tabIndex: (i: number) => (i === focus ? 0 : -1),
    /** Item `i`'s element, for moving the focus to it. */
    refAt: (i: number) => (el: HTMLElement | null) => {
      itemRefs.current[i] = el;
    },
  };
}
