import type { WordingStrings } from './en.ts';

export const es: WordingStrings = {
  deviceWebBrowser: 'navegador web',
  deviceCli: 'Coffer en línea de comandos',
  deviceCliOn: 'Coffer en línea de comandos en {host}',
  imageFallback: 'imagen',
};
