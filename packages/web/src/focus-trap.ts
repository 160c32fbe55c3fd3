// The keyboard inside a modal dialog (the WAI-ARIA pattern): focus moves in when it opens, Tab
// and Shift+Tab stay inside, Escape closes it, and focus goes back to where it was.
import { useEffect } from 'react';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), video[controls], audio[controls], [tabindex]:not([tabindex="-1"])';

/**
 * Traps focus in `ref`'s element: on opening, focus goes to the element marked
 * `data-autofocus`, else the first control. Returns the dialog's keydown handler.
 */
export function useFocusTrap(ref: React.RefObject<HTMLElement | null>, onClose: () => void) {
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const box = ref.current;
    const first =
      box?.querySelector<HTMLElement>('[data-autofocus]') ??
      box?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    return () => opener?.focus();
  }, [ref]);
  return (ev: React.KeyboardEvent) => {
    if (ev.key === 'Escape') {
      ev.stopPropagation();
      onClose();
      return;
    }
    if (ev.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const [first, last] = [items[0], items[items.length - 1]];
    if (!first || !last) return;
    if (ev.shiftKey && document.activeElement === first) {
      ev.preventDefault();
      last.focus();
    } else if (!ev.shiftKey && document.activeElement === last) {
      ev.preventDefault();
      first.focus();
    }
  };
}
