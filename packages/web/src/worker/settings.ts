// The Settings page's figures: what the account stores and what the operator offers.
import { call, need } from './session.ts';

export const settingsApi = {
  usage: () => call(() => need().account.usage()),
};
