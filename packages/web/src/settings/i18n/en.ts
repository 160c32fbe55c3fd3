// The Settings page's own strings, in English; every language gives the same keys.

export const en = {
  settingsIntro: 'How this app looks, what your account stores, and where you are signed in.',
  theme: 'Theme',
  themeSystem: 'Same as the device',
  themeLight: 'Light',
  themeDark: 'Dark',
  storage: 'Storage',
  storageFiles: 'Files',
  storageVersions: 'Older versions',
  storageTrash: 'In the trash',
  storageTotal: 'Total',
  /** {used} and {quota} are sizes. */
  quotaUsed: '{used} of {quota} used',
  quotaMeter: 'Storage used of the quota',
  noQuota: 'This network sets no quota: store as much as you need.',
  supportNetwork: 'Support this network',
  /** Shown when an upload would take the account past the operator's quota. */
  quotaExceeded:
    'Your storage is full: {used} of {quota} used. Empty the trash or delete older versions to make room, then try again.',
};

export type SettingsStrings = typeof en;
