import { useEffect, useState } from 'react';
import { useT } from '../i18n/use-t.ts';
import { linkStrings } from './strings.ts';

/**
 * "Copy link": puts `text` on the clipboard in one click and says "Copied" for a moment; where
 * the browser refuses, it says to copy by hand.
 */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const t = useT(linkStrings);
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state !== 'copied') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <>
      <button
        type="button"
        aria-label={label}
        onClick={() =>
          void navigator.clipboard.writeText(text).then(
            () => setState('copied'),
            () => setState('failed'),
          )
        }
      >
        {t.copyLink}
      </button>
      <span aria-live="polite" className={state === 'failed' ? 'error' : 'notice-inline'}>
        {state === 'copied' ? t.copied : state === 'failed' ? t.copyFailed : ''}
      </span>
    </>
  );
}
