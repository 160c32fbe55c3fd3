// A finger held on an item selects it, as on a phone's own file apps; a tap still opens it.
import { useRef } from 'react';

/** How long a finger stays put for a long press, and how far it may drift. */
const HOLD_MS = 500;
const DRIFT_PX = 10;

/**
 * Pointer handlers for an item: a touch held still for half a second calls `onLongPress`, and
 * the click that follows it is swallowed. Mice and pens are left alone (they right-click).
 */
export function useLongPress(onLongPress: (i: number) => void) {
  const held = useRef<{ timer: ReturnType<typeof setTimeout>; x: number; y: number } | null>(null);
  const fired = useRef(false);
  const cancel = () => {
    if (held.current) clearTimeout(held.current.timer);
    held.current = null;
  };
  return (i: number) => ({
    onPointerDown: (ev: React.PointerEvent) => {
      fired.current = false;
      if (ev.pointerType !== 'touch') return;
      cancel();
      const timer = setTimeout(() => {
        held.current = null;
        fired.current = true;
        onLongPress(i);
      }, HOLD_MS);
      held.current = { timer, x: ev.clientX, y: ev.clientY };
    },
    onPointerMove: (ev: React.PointerEvent) => {
      const h = held.current;
      if (h && Math.hypot(ev.clientX - h.x, ev.clientY - h.y) > DRIFT_PX) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    onClickCapture: (ev: React.MouseEvent) => {
      if (!fired.current) return;
      fired.current = false;
      ev.preventDefault();
      ev.stopPropagation();
    },
  });
}
