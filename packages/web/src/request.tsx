import { type DragEvent, useEffect, useRef, useState } from 'react';
import { worker } from './api.ts';
import { fill } from './i18n/format.ts';
import { useT } from './i18n/use-t.ts';
import { useFigures } from './use-figures.ts';

// The page a file request opens, for a visitor with no account: they pick files, the worker
// encrypts each to the request's key (from the URL's fragment, which never leaves the browser)
// and sends it. Nothing is listed: not the folder, not even what they sent before.

type Opened = Awaited<ReturnType<typeof worker.requestOpen>> & { ok: true };
type Sending = {
  key: string;
  name: string;
  size: number;
  state: 'waiting' | 'sending' | 'sent' | 'failed';
  error?: string;
};

export function RequestPage() {
  const t = useT();
  const fig = useFigures();
  const [opened, setOpened] = useState<Opened['value'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [files, setFiles] = useState<Sending[]>([]);
  const [dragging, setDragging] = useState(false);
  const queue = useRef(Promise.resolve());
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void worker.requestOpen(location.href).then((r) => {
      if (r.ok) setOpened(r.value);
      else setError(r.message.replace(/^request: /, ''));
    });
  }, []);

  const update = (key: string, patch: Partial<Sending>) =>
    setFiles((all) => all.map((f) => (f.key === key ? { ...f, ...patch } : f)));

  const send = (list: FileList | null) => {
    for (const file of Array.from(list ?? [])) {
      const key = `${Date.now()}-${Math.random()}`;
      setFiles((all) => [...all, { key, name: file.name, size: file.size, state: 'waiting' }]);
      // One at a time, in the order picked.
      queue.current = queue.current.then(async () => {
        update(key, { state: 'sending' });
        const r = await worker.requestSend(file);
        update(key, r.ok ? { state: 'sent' } : { state: 'failed', error: r.message });
      });
    }
    if (input.current) input.current.value = '';
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    send(e.dataTransfer.files);
  };

  const sent = files.filter((f) => f.state === 'sent').length;
  return (
    <main className="link-page request-page">
      <header>
        <h1>{opened ? fill(t.requestHeading, { from: opened.from }) : t.requestPageTitle}</h1>
        {opened?.title && <p className="request-title">{opened.title}</p>}
        <p className="muted">{t.requestNote}</p>
      </header>
      {error && (
        <p role="alert" className="error">
          {!opened ? `${t.requestUnavailable}: ` : ''}
          {error}
        </p>
      )}
      {!opened && !error && <p className="muted">{t.working}</p>}
      {opened && (
        <section
          aria-label={t.requestSendFiles}
          className={`drop-zone ${dragging ? 'drop-target' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <p>{t.requestDropHere}</p>
          <label className="button primary">
            {t.requestChoose}
            <input
              ref={input}
              type="file"
              multiple
              className="visually-hidden"
              onChange={(e) => send(e.target.files)}
            />
          </label>
          <p className="muted small">
            {[
              opened.expiresAt
                ? fill(t.requestCloses, { date: fig.dateTime(opened.expiresAt) })
                : null,
              opened.filesLeft !== null ? t.requestFilesLeft(opened.filesLeft) : null,
              opened.bytesLeft !== null
                ? fill(t.requestBytesLeft, { size: fig.size(opened.bytesLeft) })
                : null,
            ]
              .filter(Boolean)
              .join(' · ')}
          </p>
        </section>
      )}
      {files.length > 0 && (
        <section aria-label={t.requestYourFiles}>
          <ul className="share-list send-list">
            {files.map((f) => (
              <li key={f.key} className={`share-card send-${f.state}`}>
                <span>{f.name}</span>
                <span className="muted">{fig.size(f.size)}</span>
                <span role={f.state === 'failed' ? 'alert' : undefined}>
                  {f.state === 'failed'
                    ? `${t.requestFailed}: ${f.error}`
                    : t[`request_${f.state}`]}
                </span>
              </li>
            ))}
          </ul>
          {sent > 0 && (
            <p role="status" className="muted">
              {t.requestSentNote(sent, { from: opened?.from ?? '' })}
            </p>
          )}
        </section>
      )}
    </main>
  );
}
