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
// (a code and the password; the old ones stop working) and turning it off with a code.

type Step =
  | { kind: 'status' }
  | { kind: 'enrol'; secret: string; uri: string }
  | { kind: 'renew' }
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
    if (!r.ok) return passwordOrCode(r);
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
    const r = await worker.secondFactorRecoveryCodes(code.trim(), password);
    setCode('');
    if (!r.ok) return passwordOrCode(r);
    setPassword('');
    setStep({ kind: 'codes', codes: r.value, replaced: true });
    await load();
  });
  /** A refusal of a code-and-password form, at the field it is about. */
  const passwordOrCode = (r: Parameters<typeof codeError>[1]) =>
    r.detail.startsWith('currentPassword')
      ? { field: 'password' as const, message: t.wrongCurrentPassword }
      : { field: 'code' as const, message: codeError(t, r, fig.time) };
  /** A form of a code (`codeField`) and the current password, with Cancel and `label`. */
  const withPassword = (
    submit: (e: React.FormEvent) => Promise<void>,
    label: string,
    codeField: React.ReactNode,
  ) => (
    <form onSubmit={submit} aria-label={label}>
      {codeField}
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
          {busy ? t.working : label}
        </button>
      </div>
    </form>
  );
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
        {withPassword(enable, t.twoFactorTurnOn, field('enrol-code', t.twoFactorFirstCode))}
      </div>
    );
  }
  if (step.kind === 'renew') {
    return (
      <div className="second-factor">
        <p>{t.recoveryCodesNewIntro}</p>
        {withPassword(renew, t.recoveryCodesMake, field('renew-code'))}
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
  return (
    <form className="second-factor" onSubmit={disable} aria-label={t.twoFactorTurnOff}>
      <p>{fill(t.twoFactorOn, { count: fig.count(status.recoveryCodesLeft) })}</p>
      {status.recoveryCodesLow && <p className="warning">{t.recoveryCodesFew}</p>}
      {status.lockedUntil !== null && (
        <p className="error">{fill(t.codeLocked, { time: fig.time(status.lockedUntil) })}</p>
      )}
      <div>
        <button
          type="button"
          onClick={() => {
            setError(null);
            setCode('');
            setStep({ kind: 'renew' });
          }}
        >
          {t.recoveryCodesNew}
        </button>
      </div>
      <p className="muted">{t.twoFactorOffIntro}</p>
      {field('disable-code')}
      <FormAlert error={error} />
      <button type="submit" disabled={busy}>
        {busy ? t.working : t.twoFactorTurnOff}
      </button>
    </form>
  );
}
