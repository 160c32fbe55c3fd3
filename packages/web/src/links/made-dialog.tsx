import { Dialog } from '../groups/dialog.tsx';
import { useT } from '../i18n/use-t.ts';
import { CopyButton } from './copy-button.tsx';
import { linkStrings } from './strings.ts';

/** What the link and file request dialogs show once made: the URL, "Copy link" and Close. */
export function MadeDialog({
  kind,
  title,
  url,
  onClose,
}: {
  kind: 'link' | 'request';
  title: string;
  url: string;
  onClose: () => void;
}) {
  const t = useT(linkStrings);
  return (
    <Dialog title={title} onClose={onClose}>
      <p className="muted">{kind === 'link' ? t.linkReady : t.requestReady}</p>
      <div className="copy-row">
        <input
          readOnly
          className="link-url"
          aria-label={kind === 'link' ? t.linkUrl : t.requestLink}
          value={url}
          onFocus={(e) => e.target.select()}
        />
        <CopyButton text={url} />
      </div>
      <div className="dialog-foot">
        <button type="button" className="primary" onClick={onClose} data-autofocus>
          {t.close}
        </button>
      </div>
    </Dialog>
  );
}

/** The end of the making form: the hub's refusal if any, then Cancel and the submit button. */
export function MakeFoot({
  error,
  busy,
  submit,
  onClose,
}: {
  error: string | null;
  busy: boolean;
  /** The submit button's text, e.g. "Create link". */
  submit: string;
  onClose: () => void;
}) {
  const t = useT(linkStrings);
  return (
    <>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="dialog-foot">
        <button type="button" onClick={onClose}>
          {t.cancel}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t.working : submit}
        </button>
      </div>
    </>
  );
}
