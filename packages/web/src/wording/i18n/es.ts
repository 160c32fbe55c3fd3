import { plurals } from '../../i18n/format.ts';
import type { WordingStrings } from './en.ts';

const plural = plurals('es');

export const es: WordingStrings = {
  deviceWebBrowser: 'navegador web',
  deviceCli: 'Coffer en línea de comandos',
  deviceCliOn: 'Coffer en línea de comandos en {host}',
  imageFallback: 'imagen',
  colon: '{label}:',
  hostsOnlineOf: plural({
    one: '{online} / {n} servidor en línea',
    other: '{online} / {n} servidores en línea',
  }),
};
