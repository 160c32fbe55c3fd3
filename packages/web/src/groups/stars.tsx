// Ratings of an entry ([Note: Ratings]): the average and count the group gave, and our own as
// five buttons; the arrow keys move between them.
import type { EntryRating } from '@coffer/sdk/catalog';
import { useState } from 'react';
import type { Result } from '../api.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { groupStrings } from './strings.ts';

const STARS = [1, 2, 3, 4, 5] as const;
const NONE: EntryRating = { average: null, count: 0, mine: null };

/** The average and count, as "★ 4.0 from 1 rating". */
export function RatingSummary({ rating }: { rating: EntryRating }) {
  const t = useT(groupStrings);
  return (
    <span className="rating-summary">
      {rating.average === null || rating.count === 0 ? (
        <span className="muted">{t.notRated}</span>
      ) : (
        <>
          <span aria-hidden="true" className="star on">
            ★
          </span>{' '}
          {t.ratingSummary(rating.count, {
            average: rating.average.toLocaleString(t.locale, {
              minimumFractionDigits: 1,
              maximumFractionDigits: 1,
            }),
          })}
        </>
      )}
    </span>
  );
}

/** Our rating of an entry (1 to 5 stars), sent as soon as a star is pressed. */
export function Stars({
  name,
  rating: initial = NONE,
  onRate,
}: {
  name: string;
  rating?: EntryRating | undefined;
  onRate: (stars: number) => Promise<Result<EntryRating | null>>;
}) {
  const t = useT(groupStrings);
  const [rating, setRating] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rate = async (n: number) => {
    setBusy(true);
    setError(null);
    const r = await onRate(n);
    setBusy(false);
    if (!r.ok) return setError(r.message);
    setRating(r.value ?? { ...rating, mine: n });
  };
  const move = (ev: React.KeyboardEvent<HTMLFieldSetElement>) => {
    const step = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[ev.key];
    if (!step) return;
    const buttons = [...ev.currentTarget.querySelectorAll('button')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[Math.min(buttons.length - 1, Math.max(0, at + step))]?.focus();
    ev.preventDefault();
  };
  return (
    <div className="rating">
      <fieldset
        className="stars"
        aria-label={fill(t.yourRating, { name })}
        aria-busy={busy}
        onKeyDown={move}
      >
        {STARS.map((n) => (
          <button
            key={n}
            type="button"
            className={`star${rating.mine !== null && n <= rating.mine ? ' on' : ''}`}
            aria-label={t.stars(n)}
            aria-pressed={rating.mine === n}
            disabled={busy}
            onClick={() => void rate(n)}
          >
            ★
          </button>
        ))}
      </fieldset>
      <RatingSummary rating={rating} />
      {error && (
        <p role="alert" className="error small">
          {error}
        </p>
      )}
    </div>
  );
}
