// Versions and the trash: restoring a past version, what the trash holds, deleting for good.
import { call, need } from './session.ts';

export const historyApi = {
  /** Makes a past revision the newest again (no content byte is uploaded). */
  restoreVersion: (path: string, revision: number) =>
    call(async () => {
      await need().restoreRevision(path, revision);
    }),
  /** The trashed items with the bytes each holds, the total, and how far `emptyTrash` goes. */
  trashContents: () => call(() => need().trashContents()),
  /** Deletes for good everything trashed up to `upTo`, all or none; how many items went. */
  emptyTrash: (upTo: number) => call(() => need().emptyTrash(upTo)),
  /** Deletes one trashed item for good. */
  purge: (id: string) => call(() => need().purge(id)),
};
