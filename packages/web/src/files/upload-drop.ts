// Files to upload, from a drop (folders walked recursively) or a file picker, each with its path
// inside what was chosen.
import { useState } from 'react';
import { isMove } from './move-drag.ts';

export type Picked = { file: File; rel: string };

/** The files of a drop, folders walked recursively, each with its path inside the drop. */
async function droppedFiles(data: DataTransfer): Promise<Picked[]> {
  const out: Picked[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) =>
        (entry as FileSystemFileEntry).file(res, rej),
      );
      out.push({ file, rel: `${prefix}${entry.name}` });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) =>
          reader.readEntries(res, rej),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  const entries = Array.from(data.items)
    .map((i) => i.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) {
    return Array.from(data.files).map((file) => ({ file, rel: file.name }));
  }
  for (const e of entries) await walk(e, '');
  return out;
}

/** The files of a file input (a folder picker gives each its path inside the folder). */
export const pickedFiles = (files: FileList | null): Picked[] =>
  Array.from(files ?? []).map((file) => ({ file, rel: file.webkitRelativePath || file.name }));

/**
 * Files dropped from outside the page, while `enabled`: `dragging` while they are held over the
 * zone. Items dragged inside the app to move them are left to their drop targets.
 */
export function useUploadDrop(enabled: boolean, onFiles: (files: Picked[]) => void) {
  const [dragging, setDragging] = useState(false);
  const zone = {
    onDragOver: (e: React.DragEvent) => {
      if (!enabled || isMove(e.dataTransfer)) return;
      e.preventDefault();
      setDragging(true);
    },
    onDragLeave: () => setDragging(false),
    onDrop: (e: React.DragEvent) => {
      if (!enabled || isMove(e.dataTransfer)) return;
      e.preventDefault();
      setDragging(false);
      void droppedFiles(e.dataTransfer).then(onFiles);
    },
  };
  return { dragging, zone };
}
