import type { Contact } from '@coffer/sdk';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { worker } from './api.ts';
import { fill } from './i18n/format.ts';
import { useT } from './i18n/use-t.ts';
import { QrCode } from './qr-code.tsx';
import { wordingStrings } from './wording/strings.ts';

/** 12 groups of five digits, three rows of four, easy to read aloud. */
function SafetyDigits({ value }: { value: string }) {
  const groups = value.split(' ');
  return (
    <div className="safety-digits">
      {groups.map((g, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: groups repeat; the position is the key
        <code key={i}>{g}</code>
      ))}
    </div>
  );
}

/**
 * A contact's safety number, as digits and a QR code, to compare with them; `onVerify` (when
 * given) marks them verified once they match.
 */
export function SafetyNumber({
  email,
  value,
  onVerify,
}: {
  email: string;
  value: string;
  onVerify?: (() => void) | undefined;
}) {
  const t = useT();
  return (
    <section className="safety" aria-label={`${t.safetyNumber} ${email}`}>
      <QrCode
        text={`coffer-safety-number:${value.replaceAll(' ', '')}`}
        label={`${t.safetyNumber} ${email}`}
      />
      <div>
        <h3>{t.safetyNumber}</h3>
        <SafetyDigits value={value} />
        <p className="muted">{t.safetyNumberHelp}</p>
        {onVerify && (
          <button type="button" className="primary" onClick={onVerify}>
            {t.markVerified}
          </button>
        )}
      </div>
    </section>
  );
}

export function ContactsView({ onError }: { onError: (m: string) => void }) {
  const t = useT();
  const w = useT(wordingStrings);
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  /** Contacts whose keys the hub served wrong (rollback, equivocation, another account). */
  const [broken, setBroken] = useState<Record<string, string>>({});
  const [mine, setMine] = useState('');
  const [email, setEmail] = useState('');
  const [open, setOpen] = useState<string | null>(null);

  const load = useCallback(async () => {
    const listed = await worker.contacts();
    if (!listed.ok) return onError(listed.message);
    // Check every contact's keys against its pin, so a change shows as soon as the page opens.
    const fresh: Contact[] = [];
    const bad: Record<string, string> = {};
    for (const c of listed.value) {
      const r = await worker.refreshContact(c.email);
      if (r.ok) fresh.push(r.value);
      else {
        fresh.push(c);
        bad[c.email] = r.message;
      }
    }
    setBroken(bad);
    setContacts(fresh);
  }, [onError]);

  useEffect(() => {
    void load();
    void worker.myFingerprint().then((r) => r.ok && setMine(r.value));
  }, [load]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const r = await worker.addContact(email);
    if (!r.ok) return onError(r.message);
    setEmail('');
    setOpen(r.value.email);
    await load();
  };
  const verify = async (c: Contact) => {
    const r = await worker.verifyContact(c.email);
    if (!r.ok) onError(r.message);
    await load();
  };
  const remove = async (c: Contact) => {
    const r = await worker.removeContact(c.email);
    if (!r.ok) onError(r.message);
    await load();
  };

  if (contacts === null) return <p className="muted">{t.working}</p>;
  const changed = contacts.filter((c) => c.keyChanged);
  return (
    <div className="contacts">
      {changed.map((c) => (
        <p key={c.email} role="alert" className="key-warning">
          {fill(t.keyChangedWarning, { email: c.email })}
        </p>
      ))}
      {Object.entries(broken).map(([who, why]) => (
        <p key={who} role="alert" className="key-warning">
          {fill(t.contactCheckFailed, { email: who })} <span className="small">({why})</span>
        </p>
      ))}
      <form className="add-contact" onSubmit={add}>
        <input
          type="email"
          required
          aria-label={t.contactEmail}
          placeholder={t.contactEmail}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <button type="submit" className="primary">
          {t.addContact}
        </button>
      </form>
      {contacts.length === 0 && <p className="muted">{t.noContacts}</p>}
      <ul className="contact-list">
        {contacts.map((c) => {
          const status = c.keyChanged ? 'changed' : c.verified ? 'verified' : 'unverified';
          return (
            <li key={c.email} className={`contact ${status}`}>
              <div className="contact-head">
                <strong>{c.email}</strong>
                <span className={`badge contact-${status}`}>
                  {c.keyChanged ? t.keysChanged : c.verified ? t.verified : t.notVerified}
                </span>
                <div className="actions">
                  <button
                    type="button"
                    aria-expanded={open === c.email}
                    aria-label={`${t.showSafetyNumber} ${c.email}`}
                    onClick={() => setOpen(open === c.email ? null : c.email)}
                  >
                    {t.showSafetyNumber}
                  </button>
                  <button
                    type="button"
                    aria-label={`${t.remove} ${c.email}`}
                    onClick={() => void remove(c)}
                  >
                    {t.remove}
                  </button>
                </div>
              </div>
              {open === c.email && (
                <SafetyNumber
                  email={c.email}
                  value={c.safetyNumber}
                  onVerify={!c.verified && !broken[c.email] ? () => void verify(c) : undefined}
                />
              )}
            </li>
          );
        })}
      </ul>
      {mine && (
        <p className="muted fingerprint">
          {fill(w.colon, { label: t.yourFingerprint })} <code>{mine}</code>
        </p>
      )}
    </div>
  );
}
