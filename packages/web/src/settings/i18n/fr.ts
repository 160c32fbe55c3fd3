// The Settings page's own strings, in French.
import type { SettingsStrings } from './en.ts';

export const fr: SettingsStrings = {
  settingsIntro:
    'L’apparence de l’application, ce que votre compte stocke et les appareils connectés.',
  theme: 'Thème',
  themeSystem: 'Comme l’appareil',
  themeLight: 'Clair',
  themeDark: 'Sombre',
  storage: 'Stockage',
  storageFiles: 'Fichiers',
  storageVersions: 'Versions précédentes',
  storageTrash: 'Dans la corbeille',
  storageTotal: 'Total',
  quotaUsed: '{used} utilisés sur {quota}',
  quotaMeter: 'Stockage utilisé sur le quota',
  noQuota: 'Ce réseau ne fixe aucun quota : stockez tout ce dont vous avez besoin.',
  supportNetwork: 'Soutenir ce réseau',
  quotaExceeded:
    'Votre espace de stockage est plein : {used} utilisés sur {quota}. Videz la corbeille ou supprimez des versions précédentes pour libérer de la place, puis réessayez.',
};
