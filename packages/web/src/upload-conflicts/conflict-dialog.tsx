// Asks what to do with an uploaded file whose name is already in the folder: replace it (the old
// one stays a version), keep both (the new one renamed), or skip it; "Apply to all" answers for
// the rest of the upload. Escape skips.
import { useCallback, useId, useRef, useState } from 'react';
import { worker } from '../api.ts';
import { Dialog } from '../groups/dialog.tsx';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { type Answer, type Choice, type Conflict, resolveConflicts } from './resolve.ts';
import { conflictStrings } from './strings.ts';

export function ConflictDialog({
  conflict,
  onAnswer,
}: {
  conflict: Conflict;
  onAnswer: (a: Answer) => void;
}) {
  const t = useT(conflictStrings);
  const [all, setAll] = useState(false);
  const renamedId = useId();
  const answer = (choice: Choice) => onAnswer({ choice, all });
  return (
    <Dialog
      title={fill(conflict.folder ? t.folderExists : t.fileExists, { name: conflict.name })}
      onClose={() => answer('skip')}
    >
      <p>{t.conflictQuestion}</p>
      <div className="conflict-choices">
        {!conflict.folder && (
          <button type="button" onClick={() => answer('replace')}>
            {t.replaceKeepVersion}
          </button>
        )}
        <button
          type="button"
          className="primary"
          onClick={() => answer('keep-both')}
          aria-describedby={renamedId}
          data-autofocus
        >
          {t.keepBoth}
        </button>
        <p className="muted" id={renamedId}>
          {fill(t.keepBothAs, { name: conflict.renamed })}
        </p>
      </div>
      {conflict.more > 0 && (
        <>
          <p className="muted">{t.moreConflicts(conflict.more)}</p>
          <label className="check-label">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
            {t.applyToAll}
          </label>
        </>
      )}
      <div className="dialog-foot">
        <button type="button" onClick={() => answer('skip')}>
          {t.skipFile}
        </button>
      </div>
    </Dialog>
  );
}

/**
 * Checking an upload against the folder it goes into: `resolve` lists the folder, asks about each
 * name in the way through `dialog` (to be rendered by the caller) and gives the items to upload,
 * renamed or left out as answered. Uploads started meanwhile wait their turn to ask.
 */
export function useUploadConflicts() {
  const [asking, setAsking] = useState<{ conflict: Conflict; answer: (a: Answer) => void } | null>(
    null,
  );
  const turn = useRef<Promise<unknown>>(Promise.resolve());
  const resolve = useCallback(<T extends { rel: string }>(folder: string, items: T[]) => {
    const run = async () => {
      const listed = await worker.list(folder);
      const existing = new Map(listed.ok ? listed.value.map((e) => [e.name, e.kind]) : []);
      const named = items.map((i) => ({ ...i, rel: i.rel.normalize('NFC') }));
      return resolveConflicts(
        named,
        existing,
        (conflict) =>
          new Promise<Answer>((done) =>
            setAsking({
              conflict,
              answer: (a) => {
                setAsking(null);
                done(a);
              },
            }),
          ),
      );
    };
    const next = turn.current.then(run, run);
    turn.current = next.catch(() => undefined);
    return next;
  }, []);
  const dialog = asking && (
    <ConflictDialog
      key={asking.conflict.name}
      conflict={asking.conflict}
      onAnswer={asking.answer}
    />
  );
  return { resolve, dialog };
}
