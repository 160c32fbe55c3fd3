import { plurals } from '../../i18n/format.ts';
import type { WordingStrings } from './en.ts';

const plural = plurals('pt-BR');

export const ptBR: WordingStrings = {
  deviceWebBrowser: 'navegador web',
  deviceCli: 'Coffer na linha de comando',
  deviceCliOn: 'Coffer na linha de comando em {host}',
  imageFallback: 'imagem',
  colon: '{label}:',
  hostsOnlineOf: plural({
    one: '{online} / {n} servidor online',
    other: '{online} / {n} servidores online',
  }),
};
