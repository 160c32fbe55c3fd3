// The versions panel's strings, in English: the reference the other languages follow.
import { type Counted, plurals } from '../../i18n/format.ts';

const plural = plurals('en');

export type VersionStrings = {
  /** {name}: the file's name. */
  versionsOf: string;
  /** {n}: the version's number. */
  versionN: string;
  currentVersion: string;
  restoreVersion: string;
  /** {n}: the version's number, e.g. "Restore version 1". */
  restoreVersionN: string;
  downloadVersionN: string;
  /** {n}: the version restored; {m}: the new newest one's number. */
  versionRestored: string;
  versionCount: Counted;
  versionsHint: string;
};

export const en: VersionStrings = {
  versionsOf: 'Versions of {name}',
  versionN: 'Version {n}',
  currentVersion: 'Current',
  restoreVersion: 'Restore',
  restoreVersionN: 'Restore version {n}',
  downloadVersionN: 'Download version {n}',
  versionRestored: 'Version {n} is the current one again, as version {m}.',
  versionCount: plural({ one: '{n} version', other: '{n} versions' }),
  versionsHint:
    'Restoring a version makes it the current one; the one it replaces is kept as a version.',
};
