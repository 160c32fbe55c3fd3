import { useT } from '../i18n/use-t.ts';
import { type Picked, pickedFiles } from './upload-drop.ts';

/** Upload files or a folder, make a folder, show the folder as a list or a grid. */
export function FolderToolbar({
  layout,
  onLayout,
  onUpload,
  onNewFolder,
}: {
  layout: 'list' | 'grid';
  onLayout: (layout: 'list' | 'grid') => void;
  onUpload: (files: Picked[]) => void;
  onNewFolder: () => void;
}) {
  const t = useT();
  return (
    <div className="toolbar">
      <label className="button primary">
        {t.upload}
        <input
          type="file"
          multiple
          hidden
          onChange={(e) => onUpload(pickedFiles(e.target.files))}
          aria-label={t.upload}
        />
      </label>
      <label className="button">
        {t.uploadFolder}

        <input
          type="file"
          hidden
          ref={(el) => el?.setAttribute('webkitdirectory', '')}
          onChange={(e) => onUpload(pickedFiles(e.target.files))}
          aria-label={t.uploadFolder}
        />
      </label>
      <button type="button" onClick={onNewFolder}>
        {t.newFolder}
      </button>
      <fieldset className="segmented">
        <legend className="visually-hidden">{t.showAs}</legend>
        {(['list', 'grid'] as const).map((l) => (
          <button key={l} type="button" aria-pressed={layout === l} onClick={() => onLayout(l)}>
            {t[l]}
          </button>
        ))}
      </fieldset>
    </div>
  );
}

/**
 * A one-field form for a name: a new folder's, or an item's new name in place (in its row in the
 * list, in the selection bar in the grid), which takes the focus and Escape cancels.
 */
export function NameForm({
  label,
  placeholder,
  submit,
  name,
  onChange,
  onSubmit,
  onCancel,
}: {
  label: string;
  placeholder?: string;
  submit: string;
  name: string;
  onChange: (name: string) => void;
  onSubmit: () => void;
  onCancel?: () => void;
}) {
  return (
    <form
      onSubmit={(ev) => {
        ev.preventDefault();
        onSubmit();
      }}
      className="inline-form"
    >
      <input
        aria-label={label}
        placeholder={placeholder}
        value={name}
        // biome-ignore lint/a11y/noAutofocus: F2 and Rename put the caret in the name
        autoFocus={onCancel !== undefined}
        onChange={(ev) => onChange(ev.target.value)}
        onKeyDown={
          onCancel &&
          ((ev) => {
            ev.stopPropagation();
            if (ev.key === 'Escape') onCancel();
          })
        }
      />
      <button type="submit">{submit}</button>
    </form>
  );
}
