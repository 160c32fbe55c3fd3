import type { SavedSession } from '@coffer/sdk';
import { useState } from 'react';
import { worker } from '../api.ts';
import { accountError } from './errors.ts';
import { ForgotPassword } from './forgot-password.tsx';
import { FormSubmit, TextField, useAccountForm } from './form.tsx';
import { LoginCode } from './login-code.tsx';
import { emailInputs } from './strength.ts';
import { NewPasswordFields, newPasswordProblem, useNewPassword } from './strength-meter.tsx';

// The first screen: create an account, log in, or recover one with its recovery key.

export function Auth({
  onSession,
}: {
  onSession: (s: SavedSession, recoveryKey?: string) => void;
}) {
  const { t, error, setError, busy, onSubmit, invalidPassword } = useAccountForm();
  const [mode, setMode] = useState<'login' | 'signup' | 'forgot' | 'code'>('signup');
  const [email, setEmail] = useState('');
  const fresh = useNewPassword();
  const { password, confirm } = fresh;
  const switchTo = (next: typeof mode) => {
    setMode(next);
    setError(null);
  };
  const submit = onSubmit(async () => {
    if (mode === 'signup') {
      const problem = await newPasswordProblem(t, password, confirm, emailInputs(email));
      if (problem) return problem;
      const r = await worker.signup(email, password);
      if (!r.ok) return { field: null, message: accountError(t, r) };
      onSession(r.value.session, r.value.recoveryKey);
    } else {
      const r = await worker.login(email, password);
      if (!r.ok) return { field: null, message: accountError(t, r) };
      if ('secondFactorRequired' in r.value) switchTo('code');
      else onSession(r.value.session);
    }
  });
  if (mode === 'code') return <LoginCode onSession={onSession} onBack={() => switchTo('login')} />;
  if (mode === 'forgot')
    return <ForgotPassword onSession={onSession} onBack={() => switchTo('login')} />;
  return (
    <main className="auth">
      <h1>{t.appName}</h1>
      <p className="muted">{t.tagline}</p>
      <form onSubmit={submit} aria-label={mode === 'signup' ? t.signUp : t.logIn}>
        <TextField
          label={t.email}
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
        />
        {mode === 'signup' ? (
          <NewPasswordFields
            value={fresh}
            inputs={emailInputs(email)}
            label={t.password}
            confirmLabel={t.confirmPassword}
            invalid={invalidPassword}
          />
        ) : (
          <TextField
            label={t.password}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={fresh.setPassword}
          />
        )}
        <FormSubmit error={error} busy={busy} label={mode === 'signup' ? t.signUp : t.logIn} />
      </form>
      {mode === 'login' && (
        <button type="button" className="link" onClick={() => switchTo('forgot')}>
          {t.forgotPassword}
        </button>
      )}
      <button
        type="button"
        className="link"
        onClick={() => switchTo(mode === 'signup' ? 'login' : 'signup')}
      >
        {mode === 'signup' ? t.haveAccount : t.needAccount}
      </button>
    </main>
  );
}
