import type { MemberServer } from '@coffer/sdk';
import { type FormEvent, useCallback, useId, useState } from 'react';
import { worker } from '../api.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { useEvery } from '../ui.tsx';
import type { ListedGroup } from '../worker.ts';
import { Confirm } from './dialog.tsx';
import { MirrorSection } from './mirror-section.tsx';
import { Outcome } from './outcome.tsx';
import { emailsIn, KeyBadge, ServerBadges } from './people.tsx';
import { groupStrings } from './strings.ts';

const REFRESH_MS = 10_000;

/** What waits for a yes in the confirmation dialog. */
type Asking = { kind: 'remove'; email: string } | { kind: 'leave' } | { kind: 'delete' };

/** Whose servers are up: refreshed every few seconds while the page is visible. */
function useServers(groupId: string) {
  const [servers, setServers] = useState<MemberServer[] | null>(null);
  const load = useCallback(async () => {
    const r = await worker.groupServers(groupId);
    if (r.ok) setServers(r.value);
  }, [groupId]);
  useEvery(load, REFRESH_MS);
  return { servers, load };
}

/**
 * One group: its members (state, unverified keys, personal servers), and what we may do: the
 * owner invites, removes and deletes; a member leaves. Each of those that cannot be undone asks
 * first. Below, mirroring the group's new files to our personal server.
 */
export function GroupDetail({
  group: g,
  me,
  onBack,
  onChanged,
  onGone,
}: {
  group: ListedGroup;
  /** Our account id. */
  me: string;
  onBack: () => void;
  onChanged: () => Promise<void>;
  /** We left or deleted it. */
  onGone: () => void;
}) {
  const t = useT(groupStrings);
  const headId = useId();
  const owner = g.role === 'owner';
  const { servers, load: loadServers } = useServers(g.id);
  const [asking, setAsking] = useState<Asking | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [email, setEmail] = useState('');

  const run = async (what: () => Promise<{ ok: boolean; message?: string }>) => {
    setError(null);
    setDone(null);
    const r = await what();
    if (!r.ok) setError(r.message ?? '');
    return r.ok;
  };
  const confirm = async (a: Asking) => {
    setAsking(null);
    if (a.kind === 'remove') {
      if (await run(() => worker.groupRemove(g.id, a.email))) await onChanged();
      void loadServers();
    } else if (await run(() => (a.kind === 'leave' ? worker.groupLeave : worker.groupDelete)(g.id)))
      onGone();
  };
  const invite = async (ev: FormEvent) => {
    ev.preventDefault();
    const emails = emailsIn(email);
    if (await run(() => worker.groupInvite(g.id, emails))) {
      setDone(fill(t.invitedDone, { email: emails.join(', ') }));
      setEmail('');
      await onChanged();
    }
  };

  const people = [
    { accountId: g.owner.accountId, email: g.owner.email, state: 'owner' as const },
    ...g.members,
  ];
  const changed = people.filter((p) => g.keys[p.accountId] === 'changed');
  const serversOf = (id: string) => (servers ?? []).filter((s) => s.accountId === id);
  return (
    <section className="group-detail" aria-labelledby={headId}>
      <button type="button" onClick={onBack}>
        ← {t.groups}
      </button>
      <div className="group-head">
        <div>
          <h2 id={headId}>{g.name}</h2>
          <p className="muted">
            {fill(t.ownerIs, { owner: owner ? t.you : g.owner.email })} ·{' '}
            {t.memberCount(g.memberCount)}
          </p>
        </div>
        <button
          type="button"
          className="danger"
          onClick={() => setAsking(owner ? { kind: 'delete' } : { kind: 'leave' })}
        >
          {owner ? t.deleteGroup : t.leaveGroup}
        </button>
      </div>
      {changed.map((p) => (
        <p key={p.accountId} role="alert" className="key-warning">
          {fill(t.memberKeyChanged, { email: p.email })}
        </p>
      ))}
      <Outcome error={error} done={done} />
      <h3>{t.members}</h3>
      <ul className="member-list">
        {people.map((p) => {
          const gone = p.state === 'declined' || p.state === 'left';
          const shown = p.state === 'owner' || p.state === 'member';
          return (
            <li key={p.accountId} className={gone ? 'member gone' : 'member'}>
              <div className="member-head">
                <strong className="member-email">{p.email}</strong>
                {p.accountId === me && <span className="muted">({t.you})</span>}
                <span className={`badge member-${p.state}`}>
                  {p.state === 'owner' ? t.role_owner : t[`state_${p.state}`]}
                </span>
                {!gone && <KeyBadge state={g.keys[p.accountId]} />}
                {owner && p.state !== 'owner' && (
                  <button
                    type="button"
                    className="member-remove"
                    aria-label={fill(t.removeMember, { email: p.email })}
                    onClick={() => setAsking({ kind: 'remove', email: p.email })}
                  >
                    {t.remove}
                  </button>
                )}
              </div>
              {shown && servers && <ServerBadges servers={serversOf(p.accountId)} />}
            </li>
          );
        })}
      </ul>
      <p className="muted small">{t.serversNote}</p>
      {owner && (
        <form className="form-row" onSubmit={invite} aria-label={t.invite}>
          <input
            type="text"
            required
            aria-label={t.inviteEmail}
            placeholder={t.inviteEmail}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <button type="submit" className="primary">
            {t.invite}
          </button>
        </form>
      )}
      <MirrorSection group={g} me={me} />
      {asking && (
        <Confirm
          {...(asking.kind === 'remove'
            ? {
                title: fill(t.removeTitle, { email: asking.email, name: g.name }),
                text: t.removeText,
                action: t.remove,
              }
            : asking.kind === 'leave'
              ? { title: fill(t.leaveTitle, { name: g.name }), text: t.leaveText, action: t.leave }
              : {
                  title: fill(t.deleteTitle, { name: g.name }),
                  text: t.deleteText,
                  action: t.delete,
                })}
          onConfirm={() => void confirm(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  );
}
