import { useRef } from 'react';
import { useT } from '../i18n/use-t.ts';
import { MenuButton } from '../menu.tsx';
import { fileStrings } from './strings.ts';
import { type Picked, pickedFiles } from './upload-drop.ts';

/** "+ New" (a folder, files to upload, a folder to upload), and the list or grid switch. */
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
  const t = useT(fileStrings);
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const picked = (input: HTMLInputElement) => {
    onUpload(pickedFiles(input.files));
    // The same files can be chosen again (after a failed upload, say).
    input.value = '';
  };
  return (
    <div className="toolbar">
      <MenuButton
        className="primary"
        menuLabel={t.newMenu}
        items={[
          { key: 'folder', label: t.newFolder, run: onNewFolder },
          { key: 'files', label: t.upload, run: () => files.current?.click() },
          { key: 'upload-folder', label: t.uploadFolder, run: () => folder.current?.click() },
        ]}
      >
        {t.newMenuText}
      </MenuButton>
      <input
        ref={files}
        type="file"
        multiple
        hidden
        onChange={(e) => picked(e.target)}
        aria-label={t.upload}
      />
      <input
        ref={(el) => {
          folder.current = el;
          el?.setAttribute('webkitdirectory', '');
        }}
        type="file"
        hidden
        onChange={(e) => picked(e.target)}
        aria-label={t.uploadFolder}
      />
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
