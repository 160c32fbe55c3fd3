import { useEffect, useMemo, useState } from 'react';
import { formatDate } from '../figures.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { type AccountT, accountStrings } from './strings.ts';

// The recovery key, shown once after sign-up: in groups of four that never break inside, with a
// button to copy it and a file to keep, which says whose key it is, for which network, and how
// to use it.

function keyFile(t: AccountT, key: string, email: string, hub: string, at: number): string {
  const values = { email, hub, date: formatDate(at, t.locale) };
  return [
    t.keyFileTitle,
    '',
    key,
    '',
    fill(t.keyFileAccount, values),
    fill(t.keyFileHub, values),
    fill(t.keyFileDate, values),
    '',
    t.keyFileWhat,
    '',
    fill(t.keyFileBrowser, values),
    fill(t.keyFileCli, values),
    '',
  ].join('\n');
}

export function Recovery({
  recoveryKey,
  email,
  onDone,
}: {
  recoveryKey: string;
  email: string;
  onDone: () => void;
}) {
  const t = useT(accountStrings);
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const [createdAt] = useState(Date.now);
  const href = useMemo(
    () =>
      URL.createObjectURL(
        new Blob([keyFile(t, recoveryKey, email, location.origin, createdAt)], {
          type: 'text/plain',
        }),
      ),
    [t, recoveryKey, email, createdAt],
  );
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  const groups = recoveryKey.split('-');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(recoveryKey);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <main className="auth">
      <h1>{t.recoveryTitle}</h1>
      <p>{t.recoveryText}</p>
      <output className="recovery-key" aria-label={t.recoveryTitle}>
        {groups.map((g, i) => (
          // The groups are the key's own, fixed for the life of the screen.
          // biome-ignore lint/suspicious/noArrayIndexKey: a group may repeat, its place does not
          <span key={i} className="key-group">
            {i < groups.length - 1 ? `${g}-` : g}
          </span>
        ))}
      </output>
      <div className="key-actions">
        <button type="button" onClick={() => void copy()}>
          {copied === 'yes' ? t.copied : t.copyKey}
        </button>
        <a className="button" href={href} download="coffer-recovery-key.txt">
          {t.downloadKey}
        </a>
      </div>
      <p role="status" className={copied === 'failed' ? 'error' : 'muted'}>
        {copied === 'yes' ? t.copied : copied === 'failed' ? t.copyFailed : ''}
      </p>
      <button type="button" className="primary" onClick={onDone}>
        {t.continue}
      </button>
    </main>
  );
}
