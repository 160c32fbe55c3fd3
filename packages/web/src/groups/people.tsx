// How the Groups page shows a person: whether their keys are verified (as Contacts and shares
// flag them), and their personal servers' countries and online state.
import type { MemberServer } from '@coffer/sdk';
import { countryName } from '../figures.ts';
import { useT } from '../i18n/use-t.ts';
import type { KeyState } from '../worker.ts';
import { groupStrings } from './strings.ts';

/** Emails typed in one field, separated by commas, semicolons or spaces. */
export const emailsIn = (text: string) => text.split(/[\s,;]+/).filter(Boolean);

/** Nothing for verified keys; a flag for keys never compared, a red one for keys that changed. */
export function KeyBadge({ state }: { state: KeyState | undefined }) {
  const t = useT(groupStrings);
  if (state === 'verified') return null;
  if (state === 'changed') return <span className="badge contact-changed">{t.keysChanged}</span>;
  return (
    <span className="badge key-unverified" title={t.keysUnverifiedNote}>
      {t.keysNotVerified}
    </span>
  );
}

/** A person's personal servers: "Netherlands · online" each, or that they have none. */
export function ServerBadges({ servers }: { servers: readonly MemberServer[] }) {
  const t = useT(groupStrings);
  if (servers.length === 0) return <span className="muted small">{t.noServer}</span>;
  return (
    <ul className="server-badges" aria-label={t.servers}>
      {servers.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: servers have no id the page may see
        <li key={i} className={`badge state-${s.online ? 'online' : 'offline'}`}>
          {countryName(s.country, t.locale)} · {s.online ? t.online : t.offline}
        </li>
      ))}
    </ul>
  );
}
