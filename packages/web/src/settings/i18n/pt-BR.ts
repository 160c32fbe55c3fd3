// The Settings page's own strings, in Brazilian Portuguese.
import type { SettingsStrings } from './en.ts';

export const ptBR: SettingsStrings = {
  settingsIntro: 'A aparência do aplicativo, o que sua conta armazena e onde você está conectado.',
  theme: 'Tema',
  themeSystem: 'Igual ao dispositivo',
  themeLight: 'Claro',
  themeDark: 'Escuro',
  storage: 'Armazenamento',
  storageFiles: 'Arquivos',
  storageVersions: 'Versões anteriores',
  storageTrash: 'Na lixeira',
  storageTotal: 'Total',
  quotaUsed: '{used} de {quota} usados',
  quotaMeter: 'Armazenamento usado da cota',
  noQuota: 'Esta rede não define cota: armazene tudo o que precisar.',
  supportNetwork: 'Apoie esta rede',
  quotaExceeded:
    'Seu armazenamento está cheio: {used} de {quota} usados. Esvazie a lixeira ou exclua versões anteriores para liberar espaço e tente novamente.',
};
