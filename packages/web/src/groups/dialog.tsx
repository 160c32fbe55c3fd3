import { useId, useRef } from 'react';
import { useFocusTrap } from '../focus-trap.ts';
import { useT } from '../i18n/use-t.ts';

/**
 * A modal dialog (the WAI-ARIA pattern): focus moves in (to the element marked
 * `data-autofocus`, else the first control), Tab and Shift+Tab stay inside, Escape or a click
 * beside it closes it, and focus goes back to where it was.
 */
export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: React.ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  const onKeyDown = useFocusTrap(ref, onClose);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog closes it, as Escape does
    <div
      className="overlay"
      onMouseDown={(ev) => {
        if (ev.target === ev.currentTarget) onClose();
      }}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={id}
        className="dialog small-dialog"
        ref={ref}
        onKeyDown={onKeyDown}
      >
        <h2 id={id}>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** Asks before something that cannot be undone; the safe answer has the focus. */
export function Confirm({
  title,
  text,
  action,
  onConfirm,
  onCancel,
}: {
  title: string;
  text: string;
  /** The button that does it, e.g. "Remove". */
  action: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const t = useT();
  return (
    <Dialog title={title} onClose={onCancel}>
      <p>{text}</p>
      <div className="dialog-foot">
        <button type="button" onClick={onCancel} data-autofocus>
          {t.cancel}
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          {action}
        </button>
      </div>
    </Dialog>
  );
}
