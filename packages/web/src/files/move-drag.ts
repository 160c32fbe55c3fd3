// Moving items by drag and drop inside the app: any item onto a folder or a breadcrumb.
import type { Entry } from '@coffer/sdk';
import { useState } from 'react';
import { joinPath } from '../ui.tsx';

/** The drag data of items moved inside the app (their names in the open folder). */
const MOVE_TYPE = 'application/x-coffer-move';

export const isMove = (data: DataTransfer) => data.types.includes(MOVE_TYPE);

/**
 * Drag sources (every item: it carries the selection when it is part of it) and drop targets
 * (folders and breadcrumbs); `dropTarget` is the id of the target under the pointer.
 */
export function useMoveDrag(
  path: string,
  chosen: (e: Entry) => Entry[],
  moveInto: (names: string[], dir: string) => void,
) {
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const dropProps = (dir: string, id: string) => ({
    onDragOver: (ev: React.DragEvent) => {
      if (!isMove(ev.dataTransfer)) return;
      ev.preventDefault();
      ev.stopPropagation();
      ev.dataTransfer.dropEffect = 'move';
      setDropTarget(id);
    },
    onDragLeave: () => setDropTarget(null),
    onDrop: (ev: React.DragEvent) => {
      if (!isMove(ev.dataTransfer)) return;
      ev.preventDefault();
      ev.stopPropagation();
      setDropTarget(null);
      moveInto(JSON.parse(ev.dataTransfer.getData(MOVE_TYPE)) as string[], dir);
    },
  });
  const dragProps = (e: Entry) => ({
    draggable: true,
    onDragStart: (ev: React.DragEvent) => {
      ev.dataTransfer.setData(MOVE_TYPE, JSON.stringify(chosen(e).map((x) => x.name)));
      ev.dataTransfer.effectAllowed = 'move';
    },
    ...(e.kind === 'folder' ? dropProps(joinPath(path, e.name), e.id) : {}),
  });
  return { dropTarget, dragProps, dropProps };
}
