import type { SavedSession } from '@coffer/sdk';
import { useMemo, useState } from 'react';
import { worker } from './api.ts';
import { useT } from './i18n/use-t.ts';

export function Auth({
  onSession,
}: {
  onSession: (s: SavedSession, recoveryKey?: string) => void;
}) {
  const t = useT();
  const [mode, setMode] = useState<'login' | 'signup'>('signup');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    if (mode === 'signup') {
      const r = await worker.signup(email, password);
      if (r.ok) onSession(r.value.session, r.value.recoveryKey);
      else setError(r.message);
    } else {
      const r = await worker.login(email, password);
      if (r.ok) onSession(r.value);
      else setError(r.message);
    }
    setBusy(false);
  };
  return (
    <main className="auth">
      <h1>{t.appName}</h1>
      <p className="muted">{t.tagline}</p>
      <form onSubmit={submit} aria-label={mode === 'signup' ? t.signUp : t.logIn}>
        <label>
          {t.email}
          <input
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          {t.password}
          <input
            type="password"
            autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
            required
            minLength={mode === 'signup' ? 8 : 1}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t.working : mode === 'signup' ? t.signUp : t.logIn}
        </button>
      </form>
      <button
        type="button"
        className="link"
        onClick={() => setMode(mode === 'signup' ? 'login' : 'signup')}
      >
        {mode === 'signup' ? t.haveAccount : t.needAccount}
      </button>
    </main>
  );
}

export function Recovery({ recoveryKey, onDone }: { recoveryKey: string; onDone: () => void }) {
  const t = useT();
  const href = useMemo(
    () =>
      URL.createObjectURL(
        new Blob([`Coffer recovery key\n\n${recoveryKey}\n`], { type: 'text/plain' }),
      ),
    [recoveryKey],
  );
  return (
    <main className="auth">
      <h1>{t.recoveryTitle}</h1>
      <p>{t.recoveryText}</p>
      <output className="recovery-key" aria-label={t.recoveryTitle}>
        {recoveryKey}
      </output>
      <a className="button" href={href} download="coffer-recovery-key.txt">
        {t.downloadKey}
      </a>
      <button type="button" className="primary" onClick={onDone}>
        {t.continue}
      </button>
    </main>
  );
}
