export {
  DEFAULTS,
  IGNORE_FILE,
  type IgnoreMatch,
  type IgnoreRule,
  IgnoreRules,
  type Kind,
  PART_PREFIX,
  type ParseOptions,
  parseIgnore,
  partName,
  STATE_FOLDER,
} from './ignore.ts';
