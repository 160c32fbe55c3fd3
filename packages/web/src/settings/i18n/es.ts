// The Settings page's own strings, in Spanish.
import type { SettingsStrings } from './en.ts';

export const es: SettingsStrings = {
  settingsIntro:
    'El aspecto de la aplicación, lo que guarda tu cuenta y dónde has iniciado sesión.',
  theme: 'Tema',
  themeSystem: 'Como el dispositivo',
  themeLight: 'Claro',
  themeDark: 'Oscuro',
  storage: 'Almacenamiento',
  storageFiles: 'Archivos',
  storageVersions: 'Versiones anteriores',
  storageTrash: 'En la papelera',
  storageTotal: 'Total',
  quotaUsed: '{used} de {quota} usados',
  quotaMeter: 'Almacenamiento usado de la cuota',
  noQuota: 'Esta red no fija ninguna cuota: guarda todo lo que necesites.',
  supportNetwork: 'Apoya esta red',
  quotaExceeded:
    'Tu almacenamiento está lleno: {used} de {quota} usados. Vacía la papelera o elimina versiones anteriores para liberar espacio y vuelve a intentarlo.',
};
