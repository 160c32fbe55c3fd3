import { useState } from 'react';
import { useT } from '../i18n/use-t.ts';
import { accountError } from './errors.ts';
import { accountStrings } from './strings.ts';

// What the account forms share: their fields, their one error (naming the field it is about)
// and their submit, busy while it runs.

export type FormError = { field: string | null; message: string } | null;

/** A form's submit: runs `f`, which answers with an error or nothing, and keeps `busy`. */
export function useAccountForm() {
  const t = useT(accountStrings);
  const [error, setError] = useState<FormError>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = (f: () => Promise<FormError | undefined>) => async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setError((await f()) ?? null);
    } catch (err) {
      setError({
        field: null,
        message: accountError(t, { code: 'internal', message: String(err), detail: String(err) }),
      });
    } finally {
      setBusy(false);
    }
  };
  const field = error?.field;
  const invalidPassword: 'password' | 'confirm' | null =
    field === 'password' ? 'password' : field === 'confirm' ? 'confirm' : null;
  return { t, error, setError, busy, onSubmit, invalidPassword };
}

export function FormAlert({ error }: { error: FormError }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error.message}
    </p>
  );
}

/** The form's error, if any, then its submit button, which says so while the form is busy. */
export function FormSubmit({
  error,
  busy,
  label,
}: {
  error: FormError;
  busy: boolean;
  label: string;
}) {
  const t = useT(accountStrings);
  return (
    <>
      <FormAlert error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t.working : label}
      </button>
    </>
  );
}

export function TextField({
  label,
  type,
  autoComplete,
  value,
  onChange,
  invalid = false,
}: {
  label: string;
  type: 'email' | 'password';
  autoComplete: string;
  value: string;
  onChange: (v: string) => void;
  invalid?: boolean;
}) {
  return (
    <label>
      {label}
      <input
        type={type}
        autoComplete={autoComplete}
        required
        aria-invalid={invalid || undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

/** A code from the authenticator app, or a recovery code (letters, so no numeric keyboard). */
export function CodeField({
  label,
  hint,
  value,
  onChange,
  invalid = false,
  id,
}: {
  label: string;
  hint: string;
  value: string;
  onChange: (v: string) => void;
  invalid?: boolean;
  id: string;
}) {
  return (
    <>
      <label className="code-field">
        {label}
        <input
          className="code-input"
          autoComplete="one-time-code"
          autoCapitalize="off"
          spellCheck={false}
          required
          aria-invalid={invalid || undefined}
          aria-describedby={`${id}-hint`}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      <span id={`${id}-hint`} className="muted field-hint">
        {hint}
      </span>
    </>
  );
}
