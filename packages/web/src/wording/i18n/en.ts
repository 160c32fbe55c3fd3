// Words the app shows that came in English from elsewhere: the names the web app and the CLI
// give their sessions (kept by the hub as they were given), and an image's stand-in in a preview.
import { plurals } from '../../i18n/format.ts';

const plural = plurals('en');

export const en = {
  deviceWebBrowser: 'web browser',
  deviceCli: 'Coffer CLI',
  /** {host}: the computer's name. */
  deviceCliOn: 'Coffer CLI on {host}',
  /** Stands for an image in a Markdown preview that says nothing about it. */
  imageFallback: 'image',
  /** A label before what it names; French puts a space before the colon. */
  colon: '{label}:',
  /** {online} of {n} hosts are online. */
  hostsOnlineOf: plural({
    one: '{online} / {n} host online',
    other: '{online} / {n} hosts online',
  }),
};
export type WordingStrings = typeof en;
