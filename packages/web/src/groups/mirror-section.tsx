import type { Subscription } from '@coffer/sdk';
import { type FormEvent, useCallback, useId, useRef, useState } from 'react';
import { worker } from '../api.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { useEvery } from '../ui.tsx';
import { useFigures } from '../use-figures.ts';
import type { ListedGroup } from '../worker.ts';
import { Confirm } from './dialog.tsx';
import { Outcome } from './outcome.tsx';
import { groupStrings } from './strings.ts';

const REFRESH_MS = 10_000;
const DEFAULT_BUDGET = '200 GiB';
const UNITS = [
  ['TiB', 2 ** 40],
  ['GiB', 2 ** 30],
  ['MiB', 2 ** 20],
  ['KiB', 2 ** 10],
] as const;

/** A budget as the field shows it: "200 GiB" when it is a whole number of a unit, else bytes. */
function sizeText(bytes: number): string {
  for (const [name, unit] of UNITS) if (bytes % unit === 0) return `${bytes / unit} ${name}`;
  return String(bytes);
}

/**
 * Auto-mirror on a group's page ([Note: Auto-mirror in the client]): a switch that subscribes
 * us to the group's new entries (everyone's, or one member's) within a budget, what it uses
 * while on, and, before it goes off, a word that the mirrors we did not keep leave our server.
 * Without a personal server the hub says how to set one up, and the switch stays off.
 */
export function MirrorSection({ group: g, me }: { group: ListedGroup; me: string }) {
  const t = useT(groupStrings);
  const fig = useFigures();
  const headId = useId();
  const budgetId = useId();
  const budgetErrorId = useId();
  const memberId = useId();
  const loaded = useRef(false);
  const [sub, setSub] = useState<Subscription | null | undefined>(undefined);
  const [budget, setBudget] = useState(DEFAULT_BUDGET);
  /** An email, or '' for everyone. */
  const [member, setMember] = useState('');
  /** The fields as the hub last took them, to offer Save once they differ. */
  const [saved, setSaved] = useState({ budget: '', member: '' });
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [budgetError, setBudgetError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await worker.mirrorSubscription(g.id);
    if (!r.ok) return;
    // The fields show what the hub holds when the page opens; after that they are the user's.
    if (!loaded.current && r.value) {
      const fields = { budget: sizeText(r.value.budget), member: r.value.memberEmail ?? '' };
      setBudget(fields.budget);
      setMember(fields.member);
      setSaved(fields);
    }
    loaded.current = true;
    setSub(r.value);
  }, [g.id]);
  useEvery(load, REFRESH_MS);

  const on = !!sub;
  const others = [
    { accountId: g.owner.accountId, email: g.owner.email },
    ...g.members.filter((m) => m.state === 'member'),
  ].filter((p) => p.accountId !== me);
  const changed = on && (budget !== saved.budget || member !== saved.member);

  const subscribe = async () => {
    setBusy(true);
    setError(null);
    setDone(null);
    setBudgetError(null);
    const r = await worker.mirrorSubscribe(g.id, budget, member || null);
    setBusy(false);
    if (r.ok) {
      setSub(r.value);
      setSaved({ budget, member });
      setDone(fill(on ? t.mirrorSaved : t.mirrorOnDone, { name: g.name }));
    } else if (r.code === 'validation' && r.message.startsWith('budget:')) {
      setBudgetError(t.mirrorBudgetBad);
    } else if (r.code === 'forbidden') {
      setError(t.mirrorNeedsServer); // the hub's message names CLI steps, in English
    } else setError(r.message);
  };
  const unsubscribe = async () => {
    setAsking(false);
    setBusy(true);
    setError(null);
    setDone(null);
    const r = await worker.mirrorUnsubscribe(g.id);
    setBusy(false);
    if (r.ok) {
      setSub(null);
      setDone(fill(t.mirrorOffDone, { name: g.name }));
    } else setError(r.message);
  };
  const save = (ev: FormEvent) => {
    ev.preventDefault();
    if (on && !busy) void subscribe();
  };

  return (
    <section className="mirror" aria-labelledby={headId}>
      <div className="mirror-head">
        <h3 id={headId}>{t.mirrorTitle}</h3>
        <button
          type="button"
          role="switch"
          className="switch"
          aria-checked={on}
          aria-labelledby={headId}
          disabled={busy || sub === undefined}
          onClick={() => (on ? setAsking(true) : void subscribe())}
        />
      </div>
      <p className="muted small">{t.mirrorIntro}</p>
      <form className="mirror-form" onSubmit={save}>
        <div className="mirror-field">
          <label htmlFor={budgetId}>{t.mirrorBudget}</label>
          <input
            id={budgetId}
            type="text"
            inputMode="text"
            value={budget}
            aria-invalid={budgetError ? true : undefined}
            aria-describedby={budgetError ? budgetErrorId : undefined}
            onChange={(e) => {
              setBudget(e.target.value);
              setBudgetError(null);
            }}
          />
        </div>
        <div className="mirror-field">
          <label htmlFor={memberId}>{t.mirrorMember}</label>
          <select id={memberId} value={member} onChange={(e) => setMember(e.target.value)}>
            <option value="">{t.everyone}</option>
            {others.map((p) => (
              <option key={p.accountId} value={p.email}>
                {p.email}
              </option>
            ))}
          </select>
        </div>
        {changed && (
          <button type="submit" className="primary" disabled={busy}>
            {t.mirrorSave}
          </button>
        )}
      </form>
      {budgetError && (
        <p id={budgetErrorId} className="error field-error">
          {budgetError}
        </p>
      )}
      {sub && (
        <div className="mirror-usage">
          <span className="usage-bar" aria-hidden="true">
            <span
              className="usage-fill"
              style={{
                width: `${Math.min(100, (100 * sub.used) / sub.budget)}%`,
                minWidth: sub.used > 0 ? '3px' : 0,
              }}
            />
          </span>
          <p>
            {fill(t.mirrorUsed, { used: fig.size(sub.used), budget: fig.size(sub.budget) })} ·{' '}
            {t.mirrorCount(sub.mirrored)}
          </p>
        </div>
      )}
      <Outcome error={error} done={done} />
      {asking && (
        <Confirm
          title={fill(t.mirrorOffTitle, { name: g.name })}
          text={t.mirrorOffText}
          action={t.mirrorOff}
          onConfirm={() => void unsubscribe()}
          onCancel={() => setAsking(false)}
        />
      )}
    </section>
  );
}
