import type { SavedSession } from '@coffer/sdk';
import { useState } from 'react';
import { worker } from '../api.ts';
import { useFigures } from '../use-figures.ts';
import { codeError } from './errors.ts';
import { CodeField, FormSubmit, useAccountForm } from './form.tsx';

// The login's second step, for an account with a second factor: the password passed, and the
// worker holds the login until a code from the authenticator app (or a recovery code) passes.
// Wrong codes may be retried; the hub's backoff and lockout are said as they come.

export function LoginCode({
  onSession,
  onBack,
}: {
  onSession: (s: SavedSession) => void;
  onBack: () => void;
}) {
  const { t, error, busy, onSubmit } = useAccountForm();
  const fig = useFigures();
  const [code, setCode] = useState('');
  const submit = onSubmit(async () => {
    const r = await worker.loginCode(code.trim());
    if (!r.ok) {
      setCode('');
      return { field: 'code', message: codeError(t, r, fig.time) };
    }
    onSession(r.value);
  });
  return (
    <main className="auth">
      <h1>{t.codeTitle}</h1>
      <p className="muted">{t.codeIntro}</p>
      <form onSubmit={submit} aria-label={t.codeTitle}>
        <CodeField
          id="login-code"
          label={t.codeLabel}
          hint={t.codeHint}
          value={code}
          onChange={setCode}
          invalid={error?.field === 'code'}
        />
        <FormSubmit error={error} busy={busy} label={t.verifyCode} />
      </form>
      <button type="button" className="link" onClick={onBack}>
        {t.backToLogin}
      </button>
    </main>
  );
}
