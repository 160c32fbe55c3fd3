import { accountDeletionHandlers } from './account-delete.ts';
import { accountHandlers } from './accounts.ts';
import { adminHandlers } from './admin.ts';
import { appHandlers } from './apps.ts';
import { changeHandlers } from './changes.ts';
import { contactHandlers } from './contacts.ts';
import { feedHandlers } from './feed.ts';
import { groupCopyHandlers } from './group-copies.ts';
import { groupHandlers } from './groups.ts';
import type { Handlers } from './handler.ts';
import { hostHandlers } from './hosts.ts';
import { linkHandlers } from './links.ts';
import { metaHandlers } from './meta.ts';
import { mirrorHandlers } from './mirrors.ts';
import { requestHandlers } from './requests.ts';
import { secondFactorHandlers } from './second-factor.ts';
import { shareHandlers } from './shares.ts';
import { syncStateHandlers } from './sync-state.ts';
import { treeHandlers } from './tree.ts';
import { uploadHandlers } from './uploads.ts';
import { usageHandlers } from './usage.ts';

/**
 * The implementation of every route in the protocol's route table, one file per area as in
 * protocol/src/routes/. The type says every route has one; a new area adds its file and one
 * line here.
 */
export const handlers: Handlers = {
  ...metaHandlers,
  ...accountHandlers,
  ...accountDeletionHandlers,
  ...secondFactorHandlers,
  ...contactHandlers,
  ...shareHandlers,
  ...appHandlers,
  ...groupHandlers,
  ...groupCopyHandlers,
  ...feedHandlers,
  ...mirrorHandlers,
  ...linkHandlers,
  ...requestHandlers,
  ...treeHandlers,
  ...changeHandlers,
  ...syncStateHandlers,
  ...uploadHandlers,
  ...usageHandlers,
  ...hostHandlers,
  ...adminHandlers,
};
