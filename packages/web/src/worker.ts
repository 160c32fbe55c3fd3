// All cryptography of the web app runs here, in a Web Worker: the SDK (and with it the crypto
// package) never runs on the page's main thread. The page talks to it through Comlink; each area
// of the app has its part of the API in worker/.
import * as Comlink from 'comlink';
import { accountApi } from './worker/account.ts';
import { appsApi } from './worker/apps.ts';
import { changesApi } from './worker/changes.ts';
import { contactsApi } from './worker/contacts.ts';
import { feedApi } from './worker/feed.ts';
import { filesApi } from './worker/files.ts';
import { groupsApi } from './worker/groups.ts';
import { historyApi } from './worker/history.ts';
import { languageApi } from './worker/language.ts';
import { linkApi } from './worker/link.ts';
import { linksApi } from './worker/links.ts';
import { requestsApi } from './worker/requests.ts';
import { secondFactorApi } from './worker/second-factor.ts';
import { settingsApi } from './worker/settings.ts';
import { shareDialogApi } from './worker/share-dialog.ts';
import { sharesApi } from './worker/shares.ts';
import { streamsApi } from './worker/streams.ts';
import { uploadsApi } from './worker/uploads.ts';

export type { ShownEntry } from './worker/feed.ts';
export type { ListedEntry } from './worker/files.ts';
export type { KeyState, ListedGroup } from './worker/groups.ts';
export type { ShareMemberView, SharePerson } from './worker/share-dialog.ts';

const api = {
  ...streamsApi,
  ...accountApi,
  ...secondFactorApi,
  ...filesApi,
  ...historyApi,
  ...changesApi,
  ...uploadsApi,
  ...contactsApi,
  ...sharesApi,
  ...shareDialogApi,
  ...groupsApi,
  ...feedApi,
  ...linkApi,
  ...linksApi,
  ...requestsApi,
  ...settingsApi,
  ...languageApi,
  ...appsApi,
};

export type WorkerApi = typeof api;
Comlink.expose(api);
