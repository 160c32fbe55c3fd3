import { plurals } from '../../i18n/format.ts';
import type { WordingStrings } from './en.ts';

const plural = plurals('fr');

export const fr: WordingStrings = {
  deviceWebBrowser: 'navigateur web',
  deviceCli: 'Coffer en ligne de commande',
  deviceCliOn: 'Coffer en ligne de commande sur {host}',
  imageFallback: 'image',
  colon: '{label}\u00a0:',
  hostsOnlineOf: plural({
    one: '{online} / {n} hébergeur en ligne',
    other: '{online} / {n} hébergeurs en ligne',
  }),
};
