import type { SecondFactorStatus } from '@coffer/sdk';
import { useCallback, useEffect, useState } from 'react';
import { worker } from '../api.ts';
import { fill } from '../i18n/format.ts';
import { QrCode } from '../qr-code.tsx';
import { useFigures } from '../use-figures.ts';
import { codeError } from './errors.ts';
import { CodeField, FormAlert, FormSubmit, TextField, useAccountForm } from './form.tsx';

// Two-step verification on the Settings page ([Note: Second factor on the hub]): off, then
// enrolment (the otpauth:// URI as a QR code and the secret as text, then a first code from the
// app), then the 10 recovery codes shown this once; on, with the codes left, new recovery codes
// (the old ones stop working) and turning it off, each with a code or a recovery code.

/** Few enough recovery codes left that the page says to make new ones. */
const FEW_CODES_LEFT = 3;

type Step =
  | { kind: 'status' }
  | { kind: 'enrol'; secret: string; uri: string }
  | { kind: 'codes'; codes: string[]; replaced: boolean };

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
    setStep({ kind: 'codes', codes: r.value, replaced: false });
    await load();
  });
  const disable = onSubmit(async () => {
    const r = await worker.secondFactorDisable(code.trim());
    setCode('');
    if (!r.ok) return { field: 'code', message: codeError(t, r, fig.time) };
    setDone(t.twoFactorOffDone);
    await load();
  });
  const renew = onSubmit(async () => {
    setDone('');
    const r = await worker.secondFactorRecoveryCodes(code.trim());
    setCode('');
    if (!r.ok) return { field: 'code', message: codeError(t, r, fig.time) };
    setStep({ kind: 'codes', codes: r.value, replaced: true });
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
        {step.replaced && <p className="warning">{t.recoveryCodesReplaced}</p>}
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
        <FormSubmit error={error} busy={busy} label={t.twoFactorTurnOn} />
      </form>
    );
  }
  // Enter makes new recovery codes, the harmless one of the two; turning it off is a click.
  return (
    <form className="second-factor" onSubmit={renew} aria-label={t.twoFactor}>
      <p>{fill(t.twoFactorOn, { count: fig.count(status.recoveryCodesLeft) })}</p>
      {done && <p role="status">{done}</p>}
      {status.recoveryCodesLeft <= FEW_CODES_LEFT && (
        <p className="warning">{t.recoveryCodesFew}</p>
      )}
      {status.lockedUntil !== null && (
        <p className="error">{fill(t.codeLocked, { time: fig.time(status.lockedUntil) })}</p>
      )}
      <p className="muted">{t.twoFactorOnIntro}</p>
      {field('second-factor-code')}
      <FormAlert error={error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t.recoveryCodesNew}
        </button>
        <button type="button" disabled={busy} onClick={disable}>
          {t.twoFactorTurnOff}
        </button>
      </div>
    </form>
  );
}
