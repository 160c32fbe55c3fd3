import { deleteAccount } from '../services/account-delete.ts';
import type { AreaHandlers } from './handler.ts';

export const accountDeletionHandlers: AreaHandlers<'accountDeletion'> = {
  deleteAccount: (hub, i) => deleteAccount(hub, i.caller, i.body, i.address),
};
