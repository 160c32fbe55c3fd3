// Sharing a folder of ours from the folder itself: who has it and with which role, the state of
// each person's keys with their safety number to compare, and contacts to add ([Note: Folder
// shares]). Only folders are shared with people: the SDK shares a folder and all it holds.
import { type FormEvent, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { type Result, worker } from '../api.ts';
import { appsKeptWorking } from '../apps/kept-working.ts';
import { SafetyNumber } from '../contacts.tsx';
import { Dialog } from '../groups/dialog.tsx';
import { fill } from '../i18n/format.ts';
import { LanguageContext, useT } from '../i18n/use-t.ts';
import type { ShareMemberView, SharePerson } from '../worker.ts';
import { sharingStrings } from './strings.ts';

type Role = 'read' | 'write';
type Access = { members: ShareMemberView[]; contacts: SharePerson[] };

/** A person's keys: verified, never compared, changed since, or served wrong by the hub. */
function KeysBadge({ keys }: { keys: SharePerson['keys'] }) {
  const t = useT(sharingStrings);
  if (keys === 'verified') return <span className="badge contact-verified">{t.verified}</span>;
  if (keys === 'unverified')
    return (
      <span className="badge key-unverified" title={t.unverifiedNote}>
        {t.notVerified}
      </span>
    );
  return (
    <span className="badge contact-changed">
      {keys === 'changed' ? t.keysChanged : t.keysBroken}
    </span>
  );
}

function RoleSelect({
  label,
  value,
  onChange,
}: {
  label: string;
  value: Role;
  onChange: (role: Role) => void;
}) {
  const t = useT();
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as Role)}>
      <option value="read">{t.canView}</option>
      <option value="write">{t.canEdit}</option>
    </select>
  );
}

/**
 * The share dialog of the folder at `path` (its node id `folderId`): members, their roles and
 * keys, and people to add. Changes are made at once; removing someone rotates the folder's keys.
 */
export function ShareDialog({
  path,
  folderId,
  onClose,
}: {
  path: string;
  folderId: string;
  onClose: () => void;
}) {
  const t = useT(sharingStrings);
  const language = useContext(LanguageContext);
  const name = path.split('/').pop() ?? path;
  const [access, setAccess] = useState<Access | null>(null);
  const [role, setRole] = useState<Role>('read');
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [comparing, setComparing] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await worker.shareAccess(folderId);
    if (r.ok) setAccess(r.value);
    else setError(r.message);
  }, [folderId]);
  useEffect(() => void load(), [load]);

  /** What went wrong, said for a person: the SDK's message only when nothing better fits. */
  const explain = (r: { code: string; message: string; detail: string }, who: string) => {
    if (r.code === 'key_changed') return fill(t.keyChangedRefused, { email: who });
    if (r.code === 'not_found' && /no account/.test(r.detail))
      return fill(t.noAccount, { email: who });
    if (r.code === 'validation' && /own account/.test(r.message)) return t.notYourself;
    if (r.code === 'validation' && /^email/.test(r.message)) return t.badEmail;
    return r.message;
  };

  const running = useRef(false);
  const emailRef = useRef<HTMLInputElement>(null);
  // The control used may be gone (a member taken off): the focus goes to the email field.
  const [settled, setSettled] = useState(0);
  useEffect(() => {
    const box = emailRef.current?.closest('[role="dialog"]');
    if (settled > 0 && box && !box.contains(document.activeElement)) emailRef.current?.focus();
  }, [settled]);
  /**
   * Runs one change at a time, then shows the folder's access as it now is. Controls stay
   * enabled (a disabled control would drop the focus out of the dialog); a click while a change
   * runs is ignored.
   */
  const change = async <T,>(
    who: string,
    working: string,
    run: () => Promise<Result<T>>,
    done: string | ((value: T) => string),
  ) => {
    if (running.current) return false;
    running.current = true;
    setError(null);
    setStatus(null);
    setBusy(working);
    const r = await run();
    await load();
    running.current = false;
    setBusy(null);
    if (r.ok) setStatus(typeof done === 'string' ? done : done(r.value));
    else {
      setError(explain(r, who));
      if (r.code === 'key_changed') setComparing(who);
    }
    setSettled((n) => n + 1);
    return r.ok;
  };
  const roleName = (r: Role) => (r === 'write' ? t.canEdit : t.canView);
  const add = (who: string) =>
    change(
      who,
      fill(t.adding, { email: who }),
      () => worker.shareWith(path, who, role),
      fill(t.added, { email: who, role: roleName(role) }),
    );
  const addTyped = async (e: FormEvent) => {
    e.preventDefault();
    const who = email.trim();
    if (await add(who)) setEmail('');
  };
  const setMemberRole = (m: ShareMemberView, next: Role) =>
    change(
      m.email,
      fill(t.adding, { email: m.email }),
      () => worker.shareWith(path, m.email, next),
      fill(t.roleChanged, { email: m.email, role: roleName(next) }),
    );
  const remove = (m: ShareMemberView) =>
    change(
      m.email,
      fill(t.removing, { email: m.email }),
      () => worker.unshare(path, m.email),
      ({ resealed }) => {
        const removed = fill(t.removed, { email: m.email });
        const kept = appsKeptWorking(t, language, resealed);
        return kept ? `${removed} ${kept}` : removed;
      },
    );
  const verify = async (who: string) => {
    const r = await worker.verifyMember(who);
    if (r.ok) setComparing(null);
    else setError(r.message);
    await load();
  };

  const compareButton = (p: SharePerson) =>
    p.keys !== 'broken' && (
      <button
        type="button"
        aria-expanded={comparing === p.email}
        aria-label={fill(t.compareWith, { email: p.email })}
        onClick={() => setComparing(comparing === p.email ? null : p.email)}
      >
        {t.showSafetyNumber}
      </button>
    );
  const safety = (p: SharePerson) =>
    comparing === p.email &&
    p.keys !== 'broken' && (
      <SafetyNumber
        email={p.email}
        value={p.safetyNumber}
        onVerify={p.keys === 'verified' ? undefined : () => void verify(p.email)}
      />
    );

  return (
    <Dialog title={fill(t.shareTitle, { name })} onClose={onClose}>
      <div className="share-dialog">
        <p className="muted small">{t.shareScope}</p>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {(busy ?? status) && (
          <p role="status" className="muted">
            {busy ?? status}
          </p>
        )}
        <h3>{t.peopleWithAccess}</h3>
        {access === null ? (
          <p className="muted">{t.working}</p>
        ) : access.members.length === 0 ? (
          <p className="muted">{t.onlyYou}</p>
        ) : (
          <ul className="share-people" aria-label={t.peopleWithAccess}>
            {access.members.map((m) => (
              <li key={m.email} className={`share-person keys-${m.keys}`}>
                <div className="share-person-head">
                  <span className="share-email">{m.email}</span>
                  <KeysBadge keys={m.keys} />
                  <div className="share-person-controls">
                    <RoleSelect
                      label={fill(t.accessFor, { email: m.email })}
                      value={m.role}
                      onChange={(next) => void setMemberRole(m, next)}
                    />
                    {compareButton(m)}
                    <button
                      type="button"
                      aria-label={`${t.remove} ${m.email}`}
                      onClick={() => void remove(m)}
                    >
                      {t.remove}
                    </button>
                  </div>
                </div>
                {m.keys === 'changed' && (
                  <p className="key-warning small">
                    {fill(t.memberKeysChanged, { email: m.email })}
                  </p>
                )}
                {m.keys === 'broken' && (
                  <p className="key-warning small">
                    {fill(t.contactCheckFailed, { email: m.email })} ({m.problem})
                  </p>
                )}
                {m.keys === 'unverified' && comparing !== m.email && (
                  <p className="muted small">{t.unverifiedNote}</p>
                )}
                {safety(m)}
              </li>
            ))}
          </ul>
        )}
        <h3>{t.addPeople}</h3>
        <div className="share-role">
          <span aria-hidden="true">{t.newAccess}</span>
          <RoleSelect label={t.newAccess} value={role} onChange={setRole} />
        </div>
        {access && access.contacts.length === 0 && (
          <p className="muted small">{t.noOtherContacts}</p>
        )}
        {access && access.contacts.length > 0 && (
          <ul className="share-people" aria-label={t.yourContacts}>
            {access.contacts.map((c) => (
              <li key={c.email} className={`share-person keys-${c.keys}`}>
                <div className="share-person-head">
                  <span className="share-email">{c.email}</span>
                  <KeysBadge keys={c.keys} />
                  <div className="share-person-controls">
                    {compareButton(c)}
                    <button
                      type="button"
                      className="primary"
                      aria-label={fill(t.addNamed, { email: c.email })}
                      onClick={() => void add(c.email)}
                    >
                      {t.addButton}
                    </button>
                  </div>
                </div>
                {safety(c)}
              </li>
            ))}
          </ul>
        )}
        <form className="share-add" onSubmit={addTyped}>
          <input
            type="email"
            required
            data-autofocus
            ref={emailRef}
            aria-label={t.contactEmail}
            placeholder={t.contactEmail}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <button type="submit">{t.addButton}</button>
        </form>
      </div>
      <div className="dialog-foot">
        <button type="button" onClick={onClose}>
          {t.done}
        </button>
      </div>
    </Dialog>
  );
}
