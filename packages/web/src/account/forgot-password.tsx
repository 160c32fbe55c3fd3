import type { SavedSession } from '@coffer/sdk';
import { useState } from 'react';
import { worker } from '../api.ts';
import { accountError } from './errors.ts';
import { FormSubmit, TextField, useAccountForm } from './form.tsx';
import { SecondFactorCodeField, useSecondFactorCode } from './second-factor-code.tsx';
import { emailInputs } from './strength.ts';
import { NewPasswordFields, newPasswordProblem, useNewPassword } from './strength-meter.tsx';

// "Forgot password?": the email, the recovery key kept at sign-up and a new password. The worker
// opens the master key with the recovery key, so the files stay readable; the hub ends every
// other session, and this browser lands signed in.

export function ForgotPassword({
  onSession,
  onBack,
}: {
  onSession: (s: SavedSession) => void;
  onBack: () => void;
}) {
  const { t, error, busy, onSubmit, invalidPassword } = useAccountForm();
  const [email, setEmail] = useState('');
  const [key, setKey] = useState('');
  const fresh = useNewPassword();
  const { password, confirm } = fresh;
  const secondFactor = useSecondFactorCode();
  const submit = onSubmit(async () => {
    const problem = await newPasswordProblem(t, password, confirm, emailInputs(email));
    if (problem) return problem;
    const r = await worker.recover(email, key, password, secondFactor.given());
    if (!r.ok) {
      const aboutCode = secondFactor.failure(r);
      if (aboutCode) return { field: 'code', message: aboutCode };
      const aboutKey = r.detail.startsWith('recoveryKey') || r.code === 'auth';
      return { field: aboutKey ? 'key' : null, message: accountError(t, r) };
    }
    onSession(r.value);
  });
  return (
    <main className="auth">
      <h1>{t.recoverTitle}</h1>
      <p className="muted">{t.recoverIntro}</p>
      <form onSubmit={submit} aria-label={t.recoverTitle}>
        <TextField
          label={t.email}
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
        />
        <label>
          {t.recoveryKey}
          <textarea
            className="recovery-input"
            required
            rows={2}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            aria-invalid={error?.field === 'key' || undefined}
            aria-describedby="recovery-key-hint"
            value={key}
            onChange={(e) => setKey(e.target.value)}
          />
        </label>
        <span id="recovery-key-hint" className="muted field-hint">
          {t.recoveryKeyHint}
        </span>
        <NewPasswordFields
          value={fresh}
          inputs={emailInputs(email)}
          label={t.newPassword}
          confirmLabel={t.confirmNewPassword}
          invalid={invalidPassword}
        />
        <SecondFactorCodeField
          id="recover-code"
          state={secondFactor}
          invalid={error?.field === 'code'}
        />
        <FormSubmit error={error} busy={busy} label={t.setNewPassword} />
      </form>
      <button type="button" className="link" onClick={onBack}>
        {t.backToLogin}
      </button>
    </main>
  );
}
