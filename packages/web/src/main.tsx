import type { SavedSession } from '@coffer/sdk';
import { lazy, StrictMode, Suspense, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Auth } from './account/auth.tsx';
import { Recovery } from './account/recovery-key.tsx';
import { worker } from './api.ts';
import { Files } from './files/files.tsx';
import { LanguageContext, useT } from './i18n/use-t.ts';
import { LinkPage } from './link.tsx';
import { RequestPage } from './request.tsx';
import { LanguageMenu, useLanguage } from './settings/language-menu.tsx';
import { applySavedTheme } from './settings/theme.ts';
import { uploads } from './uploads.tsx';

const SESSION_KEY = 'coffer.session';
// The operator's dashboard (and its world map) loads only when it is opened.
const OperatorView = lazy(() =>
  import('./operator/operator.tsx').then((m) => ({ default: m.OperatorView })),
);

/** What the page shows: a visitor's link or file request, the operator's view, or the app. */
function Screens({ language }: { language: React.ReactNode }) {
  const t = useT();
  const [screen, setScreen] = useState<'loading' | 'auth' | 'recovery' | 'files'>('loading');
  const [recovery, setRecovery] = useState({ key: '', email: '' });
  const [operator, setOperator] = useState(() => location.hash === '#operator');
  useEffect(() => {
    const onHash = () => setOperator(location.hash === '#operator');
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    // The session survives a reload of this tab (sessionStorage), not the closing of it.
    const saved = sessionStorage.getItem(SESSION_KEY);
    if (!saved) return setScreen('auth');
    void worker.resume(JSON.parse(saved) as SavedSession).then((r) => {
      if (!r.ok) sessionStorage.removeItem(SESSION_KEY);
      setScreen(r.ok ? 'files' : 'auth');
    });
  }, []);

  const onSession = (s: SavedSession, key?: string) => {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    if (key) {
      setRecovery({ key, email: s.email });
      setScreen('recovery');
    } else setScreen('files');
  };
  const logout = async () => {
    uploads.reset();
    await worker.logout();
    sessionStorage.removeItem(SESSION_KEY);
    setScreen('auth');
  };

  // A public link (/l/ID#SECRET) is for a visitor: no account, no session.
  if (/^\/l\/[0-9a-f]{32}\/?$/.test(location.pathname)) {
    return (
      <>
        <div className="lang">{language}</div>
        <LinkPage />
      </>
    );
  }
  // A file request (/r/ID#KEY) likewise: a visitor sends files and sees nothing.
  if (/^\/r\/[0-9a-f]{32}\/?$/.test(location.pathname)) {
    return (
      <>
        <div className="lang">{language}</div>
        <RequestPage />
      </>
    );
  }
  return (
    <>
      {(operator || screen !== 'files') && <div className="lang">{language}</div>}
      {operator && (
        <Suspense fallback={<p className="muted">{t.working}</p>}>
          <OperatorView />
        </Suspense>
      )}
      {!operator && screen === 'loading' && <p className="muted">{t.working}</p>}
      {!operator && screen === 'auth' && <Auth onSession={onSession} />}
      {!operator && screen === 'recovery' && (
        <Recovery
          recoveryKey={recovery.key}
          email={recovery.email}
          onDone={() => setScreen('files')}
        />
      )}
      {!operator && screen === 'files' && (
        <Files language={language} onLogout={() => void logout()} />
      )}
    </>
  );
}

function App() {
  const lang = useLanguage();
  useEffect(() => {
    document.documentElement.lang = lang;
    void worker.setLanguage(lang);
  }, [lang]);
  return (
    <LanguageContext value={lang}>
      <Screens language={<LanguageMenu />} />
    </LanguageContext>
  );
}

applySavedTheme();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
