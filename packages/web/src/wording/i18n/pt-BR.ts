import type { WordingStrings } from './en.ts';

export const ptBR: WordingStrings = {
  deviceWebBrowser: 'navegador web',
  deviceCli: 'Coffer na linha de comando',
  deviceCliOn: 'Coffer na linha de comando em {host}',
  imageFallback: 'imagem',
};
