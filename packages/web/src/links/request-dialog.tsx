import { type FormEvent, useState } from 'react';
import { worker } from '../api.ts';
import { Dialog } from '../groups/dialog.tsx';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { MadeDialog, MakeFoot } from './made-dialog.tsx';
import { linkStrings } from './strings.ts';

/**
 * "Request files" for a folder: a file request into it ([Note: File requests]), with what is
 * asked for and when it closes; then its URL with "Copy link".
 */
export function RequestDialog({
  path,
  name,
  onClose,
}: {
  /** The folder's path in the account, e.g. "/Inbox". */
  path: string;
  /** Its name, for the title. */
  name: string;
  onClose: () => void;
}) {
  const t = useT(linkStrings);
  const [form, setForm] = useState({ title: '', days: '7' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [url, setUrl] = useState<string | null>(null);

  const create = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    setBusy(true);
    const r = await worker.requestCreate(path, form.title.trim(), Number(form.days) || null);
    setBusy(false);
    if (r.ok) setUrl(r.value.url);
    else setError(r.message);
  };

  const title = fill(t.requestDialogTitle, { name });
  if (url) return <MadeDialog kind="request" title={title} url={url} onClose={onClose} />;
  return (
    <Dialog title={title} onClose={onClose}>
      <p className="muted">{t.requestDialogNote}</p>
      <form className="link-form" onSubmit={(e) => void create(e)}>
        <label className="field">
          {t.requestWhat}
          <input
            maxLength={200}
            value={form.title}
            onChange={(e) => setForm({ ...form, title: e.target.value })}
          />
        </label>
        <label className="field">
          {t.requestClosesIn}
          <select value={form.days} onChange={(e) => setForm({ ...form, days: e.target.value })}>
            <option value="1">{t.requestDays(1)}</option>
            <option value="7">{t.requestDays(7)}</option>
            <option value="30">{t.requestDays(30)}</option>
            <option value="0">{t.requestNever}</option>
          </select>
        </label>
        <MakeFoot error={error} busy={busy} submit={t.createRequest} onClose={onClose} />
      </form>
    </Dialog>
  );
}
