// A refusal under the operator's quota, in the page's language with the figures: the uploads
// panel shows it in place of the hub's English message.
import { formatBytes } from '@coffer/sdk/format';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { settingsStrings } from './strings.ts';

export interface QuotaFigures {
  used: number;
  quota: number;
}

export function QuotaExceeded({ figures }: { figures: QuotaFigures }) {
  const t = useT(settingsStrings);
  return (
    <>
      {fill(t.quotaExceeded, {
        used: formatBytes(figures.used),
        quota: formatBytes(figures.quota),
      })}
    </>
  );
}
