import type { SecondFactorStatus } from '@coffer/sdk';
import { useCallback, useEffect, useState } from 'react';
import { worker } from '../api.ts';
import { fill } from '../i18n/format.ts';
import { QrCode } from '../qr-code.tsx';
import { useFigures } from '../use-figures.ts';
import { codeError } from './errors.ts';
import { CodeField, FormAlert, TextField, useAccountForm } from './form.tsx';

// Two-step verification on the Settings page ([Note: Second factor on the hub]): off, then
// enrolment (the otpauth:// URI as a QR code and the secret as text, then a first code from the
// app), then the 10 recovery codes shown this once; on, with the codes left and turning it off
// with a code or a recovery code.

type Step =
  | { kind: 'status' }
  | { kind: 'enrol'; secret: string; uri: string }
  | { kind: 'codes'; codes: string[] };

export function SecondFactorSettings({ onError }: { onError: (m: string) => void }) {
  const { t, error, setError, busy, onSubmit } = useAccountForm();
  const fig = useFigures();
  const [status, setStatus] = useState<SecondFactorStatus | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'status' });
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState('');
  const load = useCallback(async () => {
    const r = await worker.secondFactorStatus();
    if (r.ok) setStatus(r.value);
    else onError(r.message);
  }, [onError]);
  useEffect(() => {
    void load();
  }, [load]);

  const start = onSubmit(async () => {
    setDone('');
    const r = await worker.secondFactorStart();
    if (!r.ok) return { field: null, message: codeError(t, r, fig.time) };
    setCode('');
    setStep({ kind: 'enrol', ...r.value });
  });
  const enable = onSubmit(async () => {
    const r = await worker.secondFactorEnable(code.trim(), password);
    setCode('');
    if (!r.ok) {
      if (r.detail.startsWith('currentPassword')) {
        return { field: 'password', message: t.wrongCurrentPassword };
      }
      return { field: 'code', message: codeError(t, r, fig.time) };
    }
    setPassword('');
    setStep({ kind: 'codes', codes: r.value });
    await load();
  });
  const disable = onSubmit(async () => {
    const r = await worker.secondFactorDisable(code.trim());
    setCode('');
    if (!r.ok) return { field: 'code', message: codeError(t, r, fig.time) };
    setDone(t.twoFactorOffDone);
    await load();
  });
  const field = (id: string, hint = t.codeHint) => (
    <CodeField
      id={id}
      label={t.codeLabel}
      hint={hint}
      value={code}
      onChange={setCode}
      invalid={error?.field === 'code'}
    />
  );

  if (step.kind === 'enrol') {
    return (
      <div className="second-factor">
        <p>{t.twoFactorScan}</p>
        <QrCode text={step.uri} label={t.twoFactorQr} />
        <p>
          {t.twoFactorSecret}: <code className="totp-secret">{step.secret}</code>
        </p>
        <form onSubmit={enable} aria-label={t.twoFactorTurnOn}>
          {field('enrol-code', t.twoFactorFirstCode)}
          <TextField
            label={t.currentPassword}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
            invalid={error?.field === 'password'}
          />
          <FormAlert error={error} />
          <div className="actions">
            <button
              type="button"
              onClick={() => {
                setError(null);
                setStep({ kind: 'status' });
              }}
            >
              {t.cancel}
            </button>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t.working : t.twoFactorTurnOn}
            </button>
          </div>
        </form>
      </div>
    );
  }
  if (step.kind === 'codes') {
    return (
      <div className="second-factor">
        <h4>{t.recoveryCodesTitle}</h4>
        <p>{t.recoveryCodesIntro}</p>
        <ul className="recovery-codes">
          {step.codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <button type="button" className="primary" onClick={() => setStep({ kind: 'status' })}>
          {t.recoveryCodesStored}
        </button>
      </div>
    );
  }
  if (!status) return <p className="muted">{t.working}</p>;
  if (!status.enabled) {
    return (
      <form className="second-factor" onSubmit={start} aria-label={t.twoFactorTurnOn}>
        <p className="muted">{t.twoFactorOff}</p>
        {done && <p role="status">{done}</p>}
        <FormAlert error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t.working : t.twoFactorTurnOn}
        </button>
      </form>
    );
  }
  return (
    <form className="second-factor" onSubmit={disable} aria-label={t.twoFactorTurnOff}>
      <p>{fill(t.twoFactorOn, { count: fig.count(status.recoveryCodesLeft) })}</p>
      {status.lockedUntil !== null && (
        <p className="error">{fill(t.codeLocked, { time: fig.time(status.lockedUntil) })}</p>
      )}
      <p className="muted">{t.twoFactorOffIntro}</p>
      {field('disable-code')}
      <FormAlert error={error} />
      <button type="submit" disabled={busy}>
        {busy ? t.working : t.twoFactorTurnOff}
      </button>
    </form>
  );
}
