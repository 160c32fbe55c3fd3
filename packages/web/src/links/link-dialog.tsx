import { type FormEvent, useState } from 'react';
import { worker } from '../api.ts';
import { Dialog } from '../groups/dialog.tsx';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { MadeDialog, MakeFoot } from './made-dialog.tsx';
import { linkStrings } from './strings.ts';

const MIN_PASSWORD = 6;
const MAX_DOWNLOADS = 1_000_000;

type Field = 'password' | 'expiry' | 'limit';

/** Today as the date input writes it (yyyy-mm-dd, local time). */
function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The form's options as the SDK takes them, or the field that is wrong. */
function parse(form: Record<Field, string>) {
  const o: { password?: string; expiresAt?: number; maxDownloads?: number } = {};
  if (form.password) {
    if (form.password.length < MIN_PASSWORD) return { wrong: 'password' as const };
    o.password = form.password;
  }
  if (form.expiry) {
    // A link expiring "on" a day works to the end of that day, where the user is.
    const end = new Date(`${form.expiry}T23:59:59.999`).getTime();
    if (!(form.expiry >= today() && end > Date.now())) return { wrong: 'expiry' as const };
    o.expiresAt = end;
  }
  if (form.limit.trim()) {
    const n = Number(form.limit.trim());
    if (!(Number.isInteger(n) && n >= 1 && n <= MAX_DOWNLOADS)) return { wrong: 'limit' as const };
    o.maxDownloads = n;
  }
  return { options: o };
}

/**
 * "Get link" for a file or folder: a public link with an optional password, expiry and
 * download limit, made in the worker ([Note: Public links]); then its URL with "Copy link".
 */
export function LinkDialog({
  path,
  name,
  onClose,
}: {
  /** The item's path in the account, e.g. "/Photos/cat.jpg". */
  path: string;
  /** Its name, for the title. */
  name: string;
  onClose: () => void;
}) {
  const t = useT(linkStrings);
  const [form, setForm] = useState<Record<Field, string>>({ password: '', expiry: '', limit: '' });
  const [wrong, setWrong] = useState<Field | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [url, setUrl] = useState<string | null>(null);
  const message: Record<Field, string> = {
    password: t.badPassword,
    expiry: t.badExpiry,
    limit: t.badLimit,
  };

  const create = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    const parsed = parse(form);
    setWrong(parsed.wrong ?? null);
    if (!parsed.options) return;
    setBusy(true);
    const r = await worker.linkCreate(path, parsed.options);
    setBusy(false);
    if (r.ok) setUrl(r.value.url);
    else setError(r.message);
  };
  const field = (key: Field, label: string, input: React.InputHTMLAttributes<HTMLInputElement>) => (
    <label className="field">
      {label}
      <input
        {...input}
        value={form[key]}
        aria-invalid={wrong === key || undefined}
        aria-describedby={wrong === key ? `link-${key}-error` : undefined}
        onChange={(e) => {
          setForm({ ...form, [key]: e.target.value });
          // The error goes as the user corrects the field; the next "Create link" checks again.
          if (wrong === key) setWrong(null);
        }}
      />
      {wrong === key && (
        <span id={`link-${key}-error`} role="alert" className="error">
          {message[key]}
        </span>
      )}
    </label>
  );

  const title = fill(t.linkDialogTitle, { name });
  if (url) return <MadeDialog kind="link" title={title} url={url} onClose={onClose} />;
  return (
    <Dialog title={title} onClose={onClose}>
      <p className="muted">{t.linkDialogNote}</p>
      <form className="link-form" noValidate onSubmit={(e) => void create(e)}>
        {field('password', t.linkPasswordField, {
          type: 'password',
          autoComplete: 'new-password',
        })}
        {field('expiry', t.linkExpiryField, { type: 'date', min: today() })}
        {/* Text, not a number input: a browser empties a number input holding "abc", which
            would then pass as "no limit" instead of being refused. */}
        {field('limit', t.linkLimitField, { type: 'text', inputMode: 'numeric' })}
        <MakeFoot error={error} busy={busy} submit={t.createLink} onClose={onClose} />
      </form>
    </Dialog>
  );
}
