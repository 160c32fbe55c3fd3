// A refusal under the operator's quota, in the page's language with the figures: the uploads
// panel shows it in place of the hub's English message.
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { useFigures } from '../use-figures.ts';
import { settingsStrings } from './strings.ts';

export interface QuotaFigures {
  used: number;
  quota: number;
}

export function QuotaExceeded({ figures }: { figures: QuotaFigures }) {
  const t = useT(settingsStrings);
  const fig = useFigures();
  return (
    <>
      {fill(t.quotaExceeded, {
        used: fig.size(figures.used),
        quota: fig.size(figures.quota),
      })}
    </>
  );
}
