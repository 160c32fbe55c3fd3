import { useEffect, useId, useState } from 'react';
import { worker } from '../api.ts';
import { Dialog } from '../groups/dialog.tsx';
import { fill } from '../i18n/format.ts';
import { accountError } from './errors.ts';
import { FormAlert, TextField, useAccountForm } from './form.tsx';
import { SecondFactorCodeField, useSecondFactorCode } from './second-factor-code.tsx';

// Delete account, for the Settings page ([Note: Account deletion] in the hub): a button in a
// danger zone opens a dialog that asks the account's email typed again, the password (proven
// to the hub with a fresh OPAQUE login) and, with 2FA on, a code. Done, the page logs out.

export function DeleteAccount({ onDeleted }: { onDeleted: () => void }) {
  const { t } = useAccountForm();
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  useEffect(() => {
    void worker.email().then((r) => r.ok && setEmail(r.value));
  }, []);
  return (
    <section className="delete-account" aria-labelledby="delete-account-title">
      <h3 id="delete-account-title">{t.deleteAccount}</h3>
      <p className="muted">{t.deleteAccountIntro}</p>
      <button type="button" className="danger" onClick={() => setOpen(true)} disabled={!email}>
        {t.deleteAccountOpen}
      </button>
      {open && <DeleteDialog email={email} onCancel={() => setOpen(false)} onDeleted={onDeleted} />}
    </section>
  );
}

function DeleteDialog({
  email,
  onCancel,
  onDeleted,
}: {
  email: string;
  onCancel: () => void;
  onDeleted: () => void;
}) {
  const { t, error, busy, onSubmit } = useAccountForm();
  const [typed, setTyped] = useState('');
  const [password, setPassword] = useState('');
  const secondFactor = useSecondFactorCode();
  const hint = useId();
  const matches = typed.trim().toLowerCase() === email;
  const submit = onSubmit(async () => {
    if (!matches) return { field: 'email', message: t.deleteAccountEmailMismatch };
    const r = await worker.deleteAccount(password, typed.trim(), secondFactor.given());
    if (!r.ok) {
      const aboutCode = secondFactor.failure(r);
      if (aboutCode) return { field: 'code', message: aboutCode };
      if (r.detail.startsWith('groups')) return { field: null, message: t.deleteAccountOwnsGroups };
      const aboutPassword = r.detail.startsWith('currentPassword');
      return { field: aboutPassword ? 'password' : null, message: accountError(t, r) };
    }
    onDeleted();
  });
  return (
    <Dialog title={t.deleteAccount} onClose={onCancel}>
      <form onSubmit={submit} aria-label={t.deleteAccount} className="delete-account-form">
        <p className="danger-text" id={hint}>
          {fill(t.deleteAccountWarning, { email })}
        </p>
        <label>
          {fill(t.deleteAccountTypeEmail, { email })}
          <input
            type="email"
            autoComplete="off"
            required
            aria-describedby={hint}
            aria-invalid={error?.field === 'email' || undefined}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-autofocus
          />
        </label>
        <TextField
          label={t.deleteAccountPassword}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          invalid={error?.field === 'password'}
        />
        <SecondFactorCodeField
          id="delete-account-code"
          state={secondFactor}
          invalid={error?.field === 'code'}
        />
        <FormAlert error={error} />
        <div className="dialog-foot">
          <button type="button" onClick={onCancel}>
            {t.cancel}
          </button>
          <button type="submit" className="danger" disabled={busy || !matches || !password}>
            {busy ? t.working : t.deleteAccountButton}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
