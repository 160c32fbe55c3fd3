import { useCallback, useEffect, useState } from 'react';
import { SecondFactorCodeField, useSecondFactorCode } from '../account/second-factor-code.tsx';
import { worker } from '../api.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { folderPath, normaliseCode } from './input.ts';
import { appStrings } from './strings.ts';

// "Connect an app" (#/approve, or #/approve?code=… from the app's link): the code the app
// shows, then what it asks for, the folder it may use, Allow or Deny. The folder's key is
// sealed to the app in the worker; the hub relays it without being able to open it.

type Request = (Awaited<ReturnType<typeof worker.appRequest>> & { ok: true })['value'];

const suggestedPath = (r: Request) => folderPath(r.folder ?? '') ?? `/Apps/${r.name}`;

export function ApproveAppView({ code, onError }: { code: string; onError: (m: string) => void }) {
  const t = useT(appStrings);
  const [typed, setTyped] = useState(code);
  const [codeWrong, setCodeWrong] = useState(false);
  const [request, setRequest] = useState<{ code: string; asks: Request } | null>(null);
  const [folder, setFolder] = useState('');
  const [folderWrong, setFolderWrong] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  /** The account's second factor, asked for once the hub says it is due. */
  const secondFactor = useSecondFactorCode();
  const [codeError, setCodeError] = useState<string | null>(null);

  const lookUp = useCallback(
    async (text: string) => {
      const normal = normaliseCode(text);
      setCodeWrong(normal === null);
      if (!normal) return;
      setBusy(true);
      const r = await worker.appRequest(normal);
      setBusy(false);
      if (!r.ok) return onError(r.message);
      setRequest({ code: normal, asks: r.value });
      setFolder(suggestedPath(r.value));
    },
    [onError],
  );
  // The app's own link carries the code: look it up at once.
  useEffect(() => {
    if (code) void lookUp(code);
  }, [code, lookUp]);

  const allow = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!request) return;
    const path = folderPath(folder);
    setFolderWrong(path === null);
    if (!path) return;
    setBusy(true);
    const r = await worker.appAllow(
      request.code,
      path,
      request.asks.fingerprint,
      secondFactor.given(),
    );
    setBusy(false);
    setCodeError(null);
    if (!r.ok) {
      const aboutCode = secondFactor.failure(r);
      return aboutCode ? setCodeError(aboutCode) : onError(r.message);
    }
    setDone(fill(t.appAllowed, { name: request.asks.name, folder: path }));
  };
  const deny = async () => {
    if (!request) return;
    setBusy(true);
    const r = await worker.appDeny(request.code);
    setBusy(false);
    if (!r.ok) return onError(r.message);
    setDone(fill(t.appDenied, { name: request.asks.name }));
  };

  return (
    <section aria-labelledby="approve-heading" className="approve-view">
      <h2 id="approve-heading">{t.connectApp}</h2>
      {done ? (
        <p role="status" className="notice">
          {done}
        </p>
      ) : request === null ? (
        <form
          className="approve-code"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void lookUp(typed);
          }}
        >
          <p className="muted">{t.connectIntro}</p>
          <label className="field">
            {t.appCodeField}
            <input
              value={typed}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              placeholder="BCDF-GHJK"
              aria-invalid={codeWrong || undefined}
              aria-describedby={codeWrong ? 'approve-code-error' : undefined}
              onChange={(e) => {
                setTyped(e.target.value);
                setCodeWrong(false);
              }}
            />
            {codeWrong && (
              <span id="approve-code-error" role="alert" className="error">
                {t.badCode}
              </span>
            )}
          </label>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t.working : t.lookUpCode}
            </button>
          </div>
        </form>
      ) : (
        <form className="approve-request share-card" noValidate onSubmit={(e) => void allow(e)}>
          <p className="approve-asks">{fill(t.appAsks, { name: request.asks.name })}</p>
          <dl className="link-facts">
            <div>
              <dt>{t.appRights}</dt>
              <dd>{request.asks.access === 'read' ? t.rights_read : t.rights_readwrite}</dd>
            </div>
            <div>
              <dt>{t.appFingerprint}</dt>
              <dd>
                <code className="app-fingerprint">{request.asks.fingerprint}</code>
                <span className="field-hint">{t.appFingerprintNote}</span>
              </dd>
            </div>
          </dl>
          <label className="field">
            {t.appFolderField}
            <input
              value={folder}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={folderWrong || undefined}
              aria-describedby={folderWrong ? 'approve-folder-error' : 'approve-folder-note'}
              onChange={(e) => {
                setFolder(e.target.value);
                setFolderWrong(false);
              }}
            />
            {folderWrong ? (
              <span id="approve-folder-error" role="alert" className="error">
                {t.appFolderRoot}
              </span>
            ) : (
              <span id="approve-folder-note" className="field-hint">
                {t.appFolderNote}
                {request.asks.folder &&
                  folderPath(request.asks.folder) !== folderPath(folder) &&
                  ` ${fill(t.appSuggested, { folder: request.asks.folder })}`}
              </span>
            )}
          </label>
          {secondFactor.asked && (
            <div className="field">
              <SecondFactorCodeField
                id="approve-second-factor"
                state={secondFactor}
                invalid={codeError !== null}
              />
              {codeError && (
                <span role="alert" className="error">
                  {codeError}
                </span>
              )}
            </div>
          )}
          <div className="actions">
            <button type="button" onClick={() => void deny()} disabled={busy}>
              {t.denyApp}
            </button>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t.working : t.allowApp}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
