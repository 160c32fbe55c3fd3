import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { worker } from '../api.ts';
import { useT } from '../i18n/use-t.ts';
import { Dialog } from './dialog.tsx';
import { Outcome } from './outcome.tsx';
import { groupStrings } from './strings.ts';

const MAX_NOTE = 1000;

/**
 * "Publish to group…" from the Files view: puts files of ours on our shelf in a group we
 * choose, with tags and a note. The files stay where they are; the dialog says what was
 * published and what was not, in the SDK's words.
 */
export function PublishDialog({ paths, onClose }: { paths: string[]; onClose: () => void }) {
  const t = useT(groupStrings);
  const [groups, setGroups] = useState<{ id: string; name: string }[] | null>(null);
  const [form, setForm] = useState({ groupId: '', tags: '', note: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ ok: number; failed: string[]; group: string } | null>(
    null,
  );
  const formId = useId();
  const groupField = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    void worker.groups().then((r) => {
      if (!r.ok) return setError(r.message);
      const mine = r.value.filter((g) => g.role !== 'invited');
      setGroups(mine.map(({ id, name }) => ({ id, name })));
      setForm((f) => ({ ...f, groupId: mine[0]?.id ?? '' }));
    });
  }, []);

  // The groups arrive after the dialog opened: the first field takes the focus then.
  useEffect(() => {
    if (groups?.length) groupField.current?.focus();
  }, [groups]);

  const publish = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    setBusy(true);
    const tags = form.tags
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    const r = await worker.publish(paths, form.groupId, tags, form.note.trim());
    setBusy(false);
    if (!r.ok) return setError(r.message);
    const group = groups?.find((g) => g.id === form.groupId)?.name ?? '';
    setResult({
      ok: r.value.filter((x) => x.error === null).length,
      failed: r.value.flatMap((x) => (x.error === null ? [] : [`${x.path}: ${x.error}`])),
      group,
    });
  };

  if (result) {
    // Another dialog for the answer: it takes the focus anew, to "Done".
    return (
      <Dialog key="result" title={t.publishTitle(paths.length)} onClose={onClose}>
        {result.ok > 0 && (
          <p role="status" className="notice">
            {t.published(result.ok, { group: result.group })}
          </p>
        )}
        {result.failed.map((f) => (
          <p key={f} role="alert" className="error">
            {f}
          </p>
        ))}
        <div className="dialog-foot">
          <button type="button" className="primary" onClick={onClose} data-autofocus>
            {t.done}
          </button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog title={t.publishTitle(paths.length)} onClose={onClose}>
      {groups === null && !error && <p className="muted">{t.working}</p>}
      {groups?.length === 0 && <p className="empty-note">{t.publishNoGroups}</p>}
      {groups && groups.length > 0 && (
        <form id={formId} className="publish-form" onSubmit={publish}>
          <p className="muted small">{t.publishHint}</p>
          <label>
            {t.filterGroup}
            <select
              value={form.groupId}
              ref={groupField}
              onChange={(e) => setForm({ ...form, groupId: e.target.value })}
            >
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.publishTags}
            <input value={form.tags} onChange={(e) => setForm({ ...form, tags: e.target.value })} />
          </label>
          <label>
            {t.publishNote}
            <textarea
              rows={3}
              maxLength={MAX_NOTE}
              value={form.note}
              onChange={(e) => setForm({ ...form, note: e.target.value })}
            />
          </label>
        </form>
      )}
      <Outcome error={error} />
      <div className="dialog-foot">
        <button type="button" onClick={onClose}>
          {t.cancel}
        </button>
        {groups && groups.length > 0 && (
          <button type="submit" form={formId} className="primary" disabled={busy}>
            {busy ? t.working : t.publish}
          </button>
        )}
      </div>
    </Dialog>
  );
}
