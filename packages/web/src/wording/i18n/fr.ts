import type { WordingStrings } from './en.ts';

export const fr: WordingStrings = {
  deviceWebBrowser: 'navigateur web',
  deviceCli: 'Coffer en ligne de commande',
  deviceCliOn: 'Coffer en ligne de commande sur {host}',
  imageFallback: 'image',
};
