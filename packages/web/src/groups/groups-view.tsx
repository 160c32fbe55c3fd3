import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { worker } from '../api.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import type { ListedGroup } from '../worker.ts';
import { GroupDetail } from './group-detail.tsx';
import { Outcome, Pending } from './outcome.tsx';
import { emailsIn, KeyBadge } from './people.tsx';
import { groupStrings } from './strings.ts';

/**
 * The Groups page: invitations to answer, the groups we own or are in, a form to make one, and
 * one group's detail when it is opened. Errors show where they happened, in the SDK's words.
 */
export function GroupsView() {
  const t = useT(groupStrings);
  const [groups, setGroups] = useState<ListedGroup[] | null>(null);
  const [me, setMe] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await worker.groups();
    if (r.ok) setGroups(r.value);
    else setError(r.message);
  }, []);
  useEffect(() => {
    void load();
    void worker.me().then((r) => r.ok && setMe(r.value.accountId));
  }, [load]);

  const answer = async (g: ListedGroup, accept: boolean) => {
    setError(null);
    const r = accept ? await worker.groupAccept(g.id) : await worker.groupDecline(g.id);
    if (!r.ok) setError(r.message);
    await load();
  };

  if (groups === null) return <Pending error={error} />;
  const open = groups.find((g) => g.id === openId && g.role !== 'invited');
  if (open) {
    return (
      <GroupDetail
        group={open}
        me={me}
        onBack={() => setOpenId(null)}
        onChanged={load}
        onGone={() => {
          // Gone at once from the list, before the hub's answer confirms it.
          setGroups(groups.filter((g) => g.id !== open.id));
          setOpenId(null);
          void load();
        }}
      />
    );
  }
  const invitations = groups.filter((g) => g.role === 'invited');
  const joined = groups.filter((g) => g.role !== 'invited');
  return (
    <div className="groups">
      <p className="muted intro">{t.groupsIntro}</p>
      <NewGroupForm
        onCreated={(id) => {
          setOpenId(id);
          void load();
        }}
      />
      <Outcome error={error} />
      {invitations.length > 0 && (
        <section aria-label={t.invitations}>
          <h2>{t.invitations}</h2>
          <ul className="group-list">
            {invitations.map((g) => (
              <li key={g.id} className="group-card invitation">
                <span className="group-line">
                  {fill(t.invitationFrom, { owner: g.owner.email, name: g.name })}
                  <KeyBadge state={g.keys[g.owner.accountId]} />
                </span>
                <span className="muted">{t.memberCount(g.memberCount)}</span>
                <div className="actions">
                  <button
                    type="button"
                    className="primary"
                    aria-label={`${t.accept}: ${g.name}`}
                    onClick={() => void answer(g, true)}
                  >
                    {t.accept}
                  </button>
                  <button
                    type="button"
                    aria-label={`${t.decline}: ${g.name}`}
                    onClick={() => void answer(g, false)}
                  >
                    {t.decline}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-label={t.yourGroups}>
        <h2>{t.yourGroups}</h2>
        {joined.length === 0 ? (
          <p className="empty-note">{t.noGroups}</p>
        ) : (
          <ul className="group-list">
            {joined.map((g) => (
              <li key={g.id} className="group-card">
                <button
                  type="button"
                  className="link group-name"
                  onClick={() => {
                    setError(null);
                    setOpenId(g.id);
                  }}
                >
                  {g.name}
                </button>
                <span className="muted group-meta">
                  <span>
                    {fill(t.ownerIs, { owner: g.role === 'owner' ? t.you : g.owner.email })}
                  </span>
                  <span>{fill(t.roleIs, { role: t[`role_${g.role}`] })}</span>
                  <span>{t.memberCount(g.memberCount)}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** A group's name and whom to invite; the group opens once it is made. */
function NewGroupForm({ onCreated }: { onCreated: (id: string) => void }) {
  const t = useT(groupStrings);
  const [name, setName] = useState('');
  const [emails, setEmails] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const create = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    setBusy(true);
    const r = await worker.groupCreate(name.trim(), emailsIn(emails));
    setBusy(false);
    if (!r.ok) return setError(r.message);
    setName('');
    setEmails('');
    onCreated(r.value.id);
  };
  return (
    <form className="new-group" onSubmit={create} aria-labelledby={id}>
      <h2 id={id}>{t.newGroup}</h2>
      <div className="form-row">
        <input
          required
          maxLength={200}
          aria-label={t.groupName}
          placeholder={t.groupName}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <input
          aria-label={t.inviteEmails}
          placeholder={t.inviteEmails}
          value={emails}
          onChange={(e) => setEmails(e.target.value)}
        />
        <button type="submit" className="primary" disabled={busy}>
          {t.createGroup}
        </button>
      </div>
      <Outcome error={error} />
    </form>
  );
}
