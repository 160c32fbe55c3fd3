// Menus after the WAI-ARIA menu and menu button patterns: a button that opens one (⋮, "+ New"),
// or one opened at the pointer (right-click) or at an element (the context-menu key).
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

export interface MenuItem {
  /** Unique in its menu. */
  key: string;
  label: string;
  run: () => void;
  /** Shown apart, as an action that loses something (moving to the trash). */
  danger?: boolean;
}

const itemsOf = (menu: HTMLElement | null) =>
  Array.from(menu?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? []);

/** Where a menu opens: under an element, or at a point (a right-click). */
export type MenuAnchor = { element: HTMLElement } | { x: number; y: number };

/**
 * An open menu. Focus goes to its first item (or last, `focusLast`); arrow keys, Home and End
 * move it; a letter jumps to the next item starting with it; Enter or Space runs an item; Escape,
 * Tab or a click elsewhere closes it, and focus goes back to `returnFocus`; a scroll moves it along.
 */
export function Menu({
  items,
  label,
  anchor,
  returnFocus,
  focusLast = false,
  onClose,
}: {
  items: MenuItem[];
  label: string;
  anchor: MenuAnchor;
  returnFocus: HTMLElement | null;
  focusLast?: boolean;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // A menu stays where it opened: another place is another menu.
  const [fixed] = useState(anchor);
  const [at, setAt] = useState<{ left: number; top: number } | null>(null);

  // Placed by its own size, so it stays on screen near a corner or at the bottom of a phone.
  const place = useCallback(() => {
    const menu = ref.current;
    if (!menu) return;
    const { width, height } = menu.getBoundingClientRect();
    const point =
      'element' in fixed
        ? (() => {
            const r = fixed.element.getBoundingClientRect();
            return { x: r.right - width, y: r.bottom + 2, above: r.top - height - 2 };
          })()
        : { x: fixed.x, y: fixed.y, above: fixed.y - height };
    const fitsBelow = point.y + height <= window.innerHeight - 4;
    setAt({
      left: Math.max(4, Math.min(point.x, window.innerWidth - width - 4)),
      top: Math.max(4, fitsBelow ? point.y : point.above),
    });
  }, [fixed]);
  useLayoutEffect(place, [place]);

  // Focus can go in once it is placed: a hidden item cannot take it.
  const placed = at !== null;
  useEffect(() => {
    if (!placed) return;
    const all = itemsOf(ref.current);
    (focusLast ? all[all.length - 1] : all[0])?.focus();
  }, [placed, focusLast]);

  const close = (refocus = true) => {
    onClose();
    if (refocus) returnFocus?.focus();
  };
  const closeRef = useRef(close);
  closeRef.current = close;
  useEffect(() => {
    // The opener toggles the menu itself on its click.
    const outside = (ev: Event) => {
      const target = ev.target as Node;
      if (!ref.current?.contains(target) && !returnFocus?.contains(target)) {
        closeRef.current(false);
      }
    };
    // A scroll moves a menu with the button it opened from, and never closes it: the scroll of
    // the step that opened it (a row brought into view, the views bar following the focus) can
    // arrive a frame after it opened.
    const onScroll = (ev: Event) => {
      if (!ref.current?.contains(ev.target as Node)) place();
    };
    document.addEventListener('pointerdown', outside, true);
    window.addEventListener('scroll', onScroll, true);
    window.addEventListener('resize', outside);
    return () => {
      document.removeEventListener('pointerdown', outside, true);
      window.removeEventListener('scroll', onScroll, true);
      window.removeEventListener('resize', outside);
    };
  }, [returnFocus, place]);

  const onKeyDown = (ev: React.KeyboardEvent) => {
    // Keys in the menu are the menu's: the row or grid it opened from must not act on them too.
    ev.stopPropagation();
    const all = itemsOf(ref.current);
    const i = all.indexOf(document.activeElement as HTMLElement);
    const go = (n: number) => all[(n + all.length) % all.length]?.focus();
    const keys: Record<string, () => void> = {
      ArrowDown: () => go(i + 1),
      ArrowUp: () => go(i - 1),
      Home: () => go(0),
      End: () => go(all.length - 1),
      Escape: () => close(),
      Tab: () => close(),
    };
    const run = keys[ev.key];
    if (run) {
      run();
      if (ev.key !== 'Tab') ev.preventDefault();
      return;
    }
    if (ev.key.length === 1 && /\S/.test(ev.key)) {
      const letter = ev.key.toLocaleLowerCase();
      const order = [...all.slice(i + 1), ...all.slice(0, i + 1)];
      order.find((b) => b.textContent?.trim().toLocaleLowerCase().startsWith(letter))?.focus();
    }
  };

  return createPortal(
    <div
      ref={ref}
      role="menu"
      aria-label={label}
      className="menu"
      style={at ? { left: at.left, top: at.top } : { visibility: 'hidden', left: 0, top: 0 }}
      onKeyDown={onKeyDown}
      onContextMenu={(ev) => ev.preventDefault()}
      onClick={(ev) => ev.stopPropagation()}
    >
      {items.map((item) => (
        <button
          key={item.key}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className={item.danger ? 'danger' : undefined}
          onClick={() => {
            close();
            item.run();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>,
    document.body,
  );
}

/** A button that opens a menu of `items` below it (Enter, Space or ArrowDown: first item; ArrowUp: last). */
export function MenuButton({
  items,
  label,
  menuLabel,
  className,
  children,
}: {
  items: MenuItem[];
  /** The button's accessible name, when its text is a symbol. */
  label?: string;
  menuLabel: string;
  className?: string;
  children: React.ReactNode;
}) {
  const button = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState<{ last: boolean } | null>(null);
  return (
    <>
      <button
        ref={button}
        type="button"
        className={className}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open !== null}
        onClick={(ev) => {
          ev.stopPropagation();
          setOpen(open ? null : { last: false });
        }}
        onKeyDown={(ev) => {
          if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
            ev.preventDefault();
            ev.stopPropagation();
            setOpen({ last: ev.key === 'ArrowUp' });
          }
        }}
      >
        {children}
      </button>
      {open && button.current && (
        <Menu
          items={items}
          label={menuLabel}
          anchor={{ element: button.current }}
          returnFocus={button.current}
          focusLast={open.last}
          onClose={() => setOpen(null)}
        />
      )}
    </>
  );
}
