import { useEffect, useId, useState } from 'react';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { wordingStrings } from '../wording/strings.ts';
import { TextField } from './form.tsx';
import { type Estimate, estimate, MIN_SCORE } from './strength.ts';
import { type AccountT, accountStrings } from './strings.ts';

// A new password's strength as it is typed, and the check a form runs before it sends one: the
// same for sign-up, recovery and change password.

/** zxcvbn's warning and first suggestion, in the page's language where we have them. */
export function feedbackText(t: AccountT, e: Estimate): string {
  const own = t as unknown as Record<string, string | undefined>;
  const parts = [
    e.warning ? own[`zxw_${e.warning}`] : undefined,
    ...e.suggestions.map((s) => own[`zxs_${s}`]),
  ].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.slice(0, 2).join(' ') : t.weakDefault;
}

/** Why a new password is refused (naming the field), or null when it will do. */
export async function newPasswordProblem(
  t: AccountT,
  password: string,
  confirm: string,
  inputs: string[],
): Promise<{ field: 'password' | 'confirm'; message: string } | null> {
  const e = await estimate(password, inputs);
  if (e.score < MIN_SCORE)
    return { field: 'password', message: fill(t.weakPassword, { why: feedbackText(t, e) }) };
  if (password !== confirm) return { field: 'confirm', message: t.passwordsDiffer };
  return null;
}

export function StrengthMeter({ password, inputs }: { password: string; inputs: string[] }) {
  const t = useT(accountStrings);
  const w = useT(wordingStrings);
  const id = useId();
  const [shown, setShown] = useState<Estimate | null>(null);
  const key = inputs.join('\n');
  useEffect(() => {
    if (!password) return setShown(null);
    let live = true;
    void estimate(password, key ? key.split('\n') : []).then(
      (e) => live && setShown(e),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [password, key]);
  // One step per score, so even "very weak" fills a step: 1 to 5 of 5, 0 before any typing.
  const steps = password && shown ? shown.score + 1 : 0;
  return (
    <div className="strength" data-score={password && shown ? shown.score : 'none'}>
      <meter min={0} max={5} low={3} high={4} optimum={5} value={steps} aria-labelledby={id} />
      <span id={id} className="muted">
        {fill(w.colon, { label: t.strengthLabel })}{' '}
        {password && shown ? t[`strength_${shown.score}`] : '—'}
      </span>
      <span className="muted strength-hint" aria-live="polite">
        {password && shown && shown.score < MIN_SCORE ? feedbackText(t, shown) : t.strengthHint}
      </span>
    </div>
  );
}

/** A new password and its confirmation, as a form keeps them. */
export function useNewPassword() {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const clear = () => {
    setPassword('');
    setConfirm('');
  };
  return { password, confirm, setPassword, setConfirm, clear };
}

/** A new password with its confirmation and strength meter. */
export function NewPasswordFields({
  value,
  inputs,
  label,
  confirmLabel,
  invalid,
}: {
  value: ReturnType<typeof useNewPassword>;
  inputs: string[];
  label: string;
  confirmLabel: string;
  invalid: 'password' | 'confirm' | null;
}) {
  return (
    <>
      <TextField
        label={label}
        type="password"
        autoComplete="new-password"
        value={value.password}
        onChange={value.setPassword}
        invalid={invalid === 'password'}
      />
      <StrengthMeter password={value.password} inputs={inputs} />
      <TextField
        label={confirmLabel}
        type="password"
        autoComplete="new-password"
        value={value.confirm}
        onChange={value.setConfirm}
        invalid={invalid === 'confirm'}
      />
    </>
  );
}
