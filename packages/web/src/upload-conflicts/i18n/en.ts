// The upload conflict dialog's strings, in English: the reference the other languages follow.
import { type Counted, plurals } from '../../i18n/format.ts';

const plural = plurals('en');

export type ConflictStrings = {
  /** {name}: the file's name. */
  fileExists: string;
  folderExists: string;
  conflictQuestion: string;
  replaceKeepVersion: string;
  keepBoth: string;
  /** {name}: the name the upload gets. */
  keepBothAs: string;
  applyToAll: string;
  moreConflicts: Counted;
  skipFile: string;
};

export const en: ConflictStrings = {
  fileExists: 'A file named “{name}” is already here',
  folderExists: 'A folder named “{name}” is already here',
  conflictQuestion: 'What should happen to the file you are uploading?',
  replaceKeepVersion: 'Replace (keeps the old one as a version)',
  keepBoth: 'Keep both',
  keepBothAs: 'The new one is uploaded as “{name}”.',
  applyToAll: 'Apply to all',
  moreConflicts: plural({
    one: '{n} more file in this upload has a name already here.',
    other: '{n} more files in this upload have a name already here.',
  }),
  skipFile: 'Skip this file',
};
