// The Settings page: language and theme, storage used (against the operator's quota, when one
// is set), the password, two-step verification, sessions, the operator's donation link when
// there is one, and, last, deleting the account.

import type { AccountUsage } from '@coffer/sdk';
import { useEffect, useState } from 'react';
import { ChangePassword } from '../account/change-password.tsx';
import { DeleteAccount } from '../account/delete-account.tsx';
import { SecondFactorSettings } from '../account/second-factor.tsx';
import { accountStrings } from '../account/strings.ts';
import { type Result, worker } from '../api.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { SessionsView } from '../sessions.tsx';
import { useFigures } from '../use-figures.ts';
import { LanguageMenu } from './language-menu.tsx';
import { settingsStrings } from './strings.ts';
import { setTheme, THEMES, type Theme, useTheme } from './theme.ts';

function ThemeChoice() {
  const t = useT(settingsStrings);
  const theme = useTheme();
  const names: Record<Theme, string> = {
    system: t.themeSystem,
    light: t.themeLight,
    dark: t.themeDark,
  };
  return (
    <div className="theme-choice" role="radiogroup" aria-labelledby="settings-theme">
      {THEMES.map((x) => (
        <label key={x}>
          <input
            type="radio"
            name="theme"
            value={x}
            checked={theme === x}
            onChange={() => setTheme(x)}
          />
          {names[x]}
        </label>
      ))}
    </div>
  );
}

function Storage({ usage }: { usage: AccountUsage }) {
  const t = useT(settingsStrings);
  const fig = useFigures();
  const rows = [
    [t.storageFiles, usage.files],
    [t.storageVersions, usage.versions],
    [t.storageTrash, usage.trash],
  ] as const;
  return (
    <>
      <dl className="storage-figures">
        {rows.map(([name, bytes]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{fig.size(bytes)}</dd>
          </div>
        ))}
        <div className="storage-total">
          <dt>{t.storageTotal}</dt>
          <dd>{fig.size(usage.total)}</dd>
        </div>
      </dl>
      {usage.quota === null ? (
        <p className="muted">{t.noQuota}</p>
      ) : (
        <div className="quota">
          <meter
            aria-label={t.quotaMeter}
            min={0}
            max={usage.quota || 1}
            value={Math.min(usage.total, usage.quota)}
            high={usage.quota * 0.9}
            optimum={0}
          />
          <p>
            {fill(t.quotaUsed, {
              used: fig.size(usage.total),
              quota: fig.size(usage.quota),
            })}
          </p>
        </div>
      )}
    </>
  );
}

export function SettingsView({
  onError,
  onLogout,
}: {
  onError: (m: string) => void;
  /** After the account is deleted: back to the login page. */
  onLogout: () => void;
}) {
  const t = useT(settingsStrings);
  const accountT = useT(accountStrings);
  const [usage, setUsage] = useState<AccountUsage | null>(null);
  const [sessionsShown, setSessionsShown] = useState(0);
  useEffect(() => {
    void worker.usage().then((r: Result<AccountUsage>) => {
      if (r.ok) setUsage(r.value);
      else onError(r.message);
    });
  }, [onError]);
  return (
    <div className="settings">
      <h2>{t.settings}</h2>
      <p className="muted">{t.settingsIntro}</p>
      <section aria-labelledby="settings-language">
        <h3 id="settings-language">{t.language}</h3>
        <LanguageMenu labelledBy="settings-language" />
      </section>
      <section aria-labelledby="settings-theme">
        <h3 id="settings-theme">{t.theme}</h3>
        <ThemeChoice />
      </section>
      <section aria-labelledby="settings-storage">
        <h3 id="settings-storage">{t.storage}</h3>
        {usage ? <Storage usage={usage} /> : <p className="muted">{t.working}</p>}
      </section>
      <section aria-labelledby="settings-password" className="settings-password">
        <h3 id="settings-password">{t.password}</h3>
        {/* Other sessions end with a new password: the list below is fetched again. */}
        <ChangePassword onChanged={() => setSessionsShown((n) => n + 1)} />
      </section>
      <section aria-labelledby="settings-second-factor" className="settings-second-factor">
        <h3 id="settings-second-factor">{accountT.twoFactor}</h3>
        <SecondFactorSettings onError={onError} />
      </section>
      <section aria-labelledby="settings-sessions">
        <h3 id="settings-sessions">{t.sessions}</h3>
        <SessionsView key={sessionsShown} onError={onError} />
      </section>
      {usage?.donationUrl && (
        <p className="support">
          <a href={usage.donationUrl} target="_blank" rel="noopener noreferrer">
            {t.supportNetwork}
          </a>
        </p>
      )}
      <div className="settings-danger">
        <DeleteAccount onDeleted={onLogout} />
      </div>
    </div>
  );
}
