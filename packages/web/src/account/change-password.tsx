import { useState } from 'react';
import { worker } from '../api.ts';
import { accountError } from './errors.ts';
import { FormAlert, TextField, useAccountForm } from './form.tsx';
import { SecondFactorCodeField, useSecondFactorCode } from './second-factor-code.tsx';
import { NewPasswordFields, newPasswordProblem, useNewPassword } from './strength-meter.tsx';

// Change password, for the Settings page: the current password (proven to the hub with a fresh
// OPAQUE login), then the new one twice. The other sessions end; this one stays.

/**
 * `email` counts as easy to guess in the strength meter; `onChanged` lets the page refresh what
 * the change touched (its list of sessions, say).
 */
export function ChangePassword({ email, onChanged }: { email?: string; onChanged?: () => void }) {
  const { t, error, busy, onSubmit, invalidPassword } = useAccountForm();
  const [current, setCurrent] = useState('');
  const fresh = useNewPassword();
  const { password, confirm } = fresh;
  const [done, setDone] = useState(false);
  const secondFactor = useSecondFactorCode();
  const inputs = email ? [email, current] : [current];
  const submit = onSubmit(async () => {
    setDone(false);
    if (password === current) return { field: 'password', message: t.samePassword };
    const problem = await newPasswordProblem(t, password, confirm, inputs);
    if (problem) return problem;
    const r = await worker.changePassword(current, password, secondFactor.given());
    if (!r.ok) {
      const aboutCode = secondFactor.failure(r);
      if (aboutCode) return { field: 'code', message: aboutCode };
      const aboutCurrent = r.detail.startsWith('currentPassword');
      return { field: aboutCurrent ? 'current' : null, message: accountError(t, r) };
    }
    secondFactor.setCode('');
    setCurrent('');
    fresh.clear();
    setDone(true);
    onChanged?.();
  });
  return (
    <section className="change-password" aria-labelledby="change-password-title">
      <h2 id="change-password-title">{t.changePassword}</h2>
      <p className="muted">{t.changePasswordIntro}</p>
      <form onSubmit={submit} aria-label={t.changePassword}>
        <TextField
          label={t.currentPassword}
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={setCurrent}
          invalid={error?.field === 'current'}
        />
        <NewPasswordFields
          value={fresh}
          inputs={inputs}
          label={t.newPassword}
          confirmLabel={t.confirmNewPassword}
          invalid={invalidPassword}
        />
        <SecondFactorCodeField
          id="password-code"
          state={secondFactor}
          invalid={error?.field === 'code'}
        />
        <FormAlert error={error} />
        <p role="status" className="muted">
          {done ? t.passwordChanged : ''}
        </p>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t.working : t.changePassword}
        </button>
      </form>
    </section>
  );
}
