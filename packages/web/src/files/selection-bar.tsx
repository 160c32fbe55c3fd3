import { useT } from '../i18n/use-t.ts';

/** What can be done to the selected items; `children` is the rename form when the grid shows. */
export function SelectionBar({
  count,
  onDownload,
  onRename,
  onMove,
  onTrash,
  onClear,
  onPublish,
  share,
  children,
}: {
  count: number;
  onDownload: () => void;
  /** Offered for one item only. */
  onRename: () => void;
  onMove: () => void;
  onTrash: () => void;
  onClear: () => void;
  /** Offered when only files are selected. */
  onPublish?: (() => void) | undefined;
  /** Offered when one folder is selected (only folders are shared with people). */
  share?: { name: string; open: () => void } | undefined;
  children: React.ReactNode;
}) {
  const t = useT();
  return (
    <div className="selection-bar" role="toolbar" aria-label={t.selection}>
      <strong>{t.selectedCount(count)}</strong>
      <button type="button" onClick={onDownload}>
        {t.download}
      </button>
      {count === 1 && (
        <button type="button" onClick={onRename}>
          {t.rename}
        </button>
      )}
      {share && (
        <button type="button" onClick={share.open} aria-label={`${t.share} ${share.name}`}>
          {t.share}
        </button>
      )}
      <button type="button" onClick={onMove}>
        {t.moveTo}
      </button>
      {onPublish && (
        <button type="button" onClick={onPublish}>
          {t.publishToGroup}
        </button>
      )}
      <button type="button" onClick={onTrash}>
        {t.moveToTrash}
      </button>
      <button type="button" onClick={onClear}>
        {t.clearSelection}
      </button>
      {children}
    </div>
  );
}
