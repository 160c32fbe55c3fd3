import type { CommandGroup } from '../command.ts';
import { accountCommands } from './account.ts';
import { adminCommands } from './admin.ts';
import { appCommands } from './apps.ts';
import { contactCommands } from './contacts.ts';
import { feedCommands } from './feed.ts';
import { fileCommands } from './files.ts';
import { groupCopyCommands } from './group-copies.ts';
import { groupCommands } from './groups.ts';
import { linkCommands } from './links.ts';
import { mirrorCommands } from './mirrors.ts';
import { networkCommands } from './network.ts';
import { requestCommands } from './requests.ts';
import { secondFactorCommands } from './second-factor.ts';
import { syncCommands } from './sync.ts';
import { webdavCommands } from './webdav.ts';

/** Every command group, in the order of `coffer --help`. */
export const groups: readonly CommandGroup[] = [
  networkCommands,
  accountCommands,
  secondFactorCommands,
  contactCommands,
  groupCommands,
  groupCopyCommands,
  feedCommands,
  mirrorCommands,
  linkCommands,
  requestCommands,
  fileCommands,
  syncCommands,
  appCommands,
  webdavCommands,
  adminCommands,
];
