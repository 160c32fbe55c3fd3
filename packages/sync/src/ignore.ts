import { createSha256, toHex } from '@coffer/crypto';
import { ValidationError } from '@coffer/errors';
import { GlobError, globSource, isLiteral } from './ignore-glob.ts';
import { PART_PREFIX, STATE_DIR } from './names.ts';
import type { Kind } from './trees.ts';

// [Note: Ignore rules]
// A synced folder may hold `.cofferignore` at its root: paths the sync client leaves alone on
// this device. The syntax and meaning follow Syncthing's `.stignore`
// (docs.syncthing.net/users/ignoring.html), so its users' files work here; docs/sync.md is
// the user's guide. Each pattern is tested against the whole path relative to the root, with
// `/` separators (on Windows too):
// - The first pattern that matches decides. `!` re-includes. `(?i)` ignores case, `(?d)` marks
//   what it ignores deletable (below); prefixes in any order, each once. `//` starts a comment.
//   Lines are trimmed, blank ones skipped.
// - `/x` is anchored at the root. Any other pattern matches at any depth, even with an inner
//   `/` (as in Syncthing, unlike gitignore): `a/b` matches `a/b` and `c/a/b`. A leading `**/`
//   changes nothing.
// - A pattern matches a path and everything inside it: `build` ignores `build/x/y`. A pattern
//   ending in `/` matches only a folder (and its contents), never a file of that name. Here we
//   differ from Syncthing, where `build/` leaves the folder itself synced, empty: we know the
//   kind of every path, and users expect the gitignore meaning.
// - `*`, `?` and `[...]` stay within a segment, `**` crosses them, `{a,b}` picks one, `\` escapes
//   (on every OS: the separator is always `/`, so `\` is free to escape).
// - Each path is decided on its own, by the first pattern matching it or a folder around it.
//   So a `!` rule can re-include something inside an ignored folder only if it comes BEFORE
//   the rule ignoring the folder (`!/photos/best` then `/photos`): the folder stays unsynced,
//   but `photos/best` is synced (and its parent folders with it). After it, it never applies.
//   `descend()` tells the scanner when it must still walk an ignored folder for that reason.
// - `#include FILE` reads more patterns, relative to the including file's folder (or to the root
//   with a leading `/`), never outside the root. Patterns inside stay relative to the root. An
//   include cycle, a missing file or a bad pattern is an error naming the file and line: the
//   sync client must then stop syncing the folder (guessing could upload what was meant to be
//   ignored), not fall back to fewer rules.
// Three layers, in this order:
// 1. Coffer's own, which nothing removes: `.coffer/` (state) and `.cofferignore` at the root,
//    and partial downloads (PART_PREFIX) anywhere. `.cofferignore` is not synced, as in
//    Syncthing: rules are per device (a laptop may skip what a desktop keeps), and a rule typed
//    on one device must not silently change what another one holds. Rules meant for every
//    device go in a synced file that each `.cofferignore` includes.
// 2. The user's rules.
// 3. DEFAULTS (editors' and systems' temporary files), when no rule of the user ignored the
//    path. The first user rule that matches can set a default aside only if it is a `!` rule
//    matching the path itself: `!/photos` (keep photos, then `*` ignores the rest) must not
//    bring back `photos/.DS_Store`, while `!.DS_Store` does.
// `(?d)`: an ignored path is never deleted, so a folder deleted on another device is kept if it
// still holds ignored files; those ignored by a `(?d)` rule may be deleted to let the folder go
// (`deletable()`).
//
// Changing the rules never deletes anything, here or remotely. An ignored path is, for the
// planner, not present and not deleted on either side: filter the remote, local and base trees
// with the same rules, and drop the base entries of ignored paths. Then a path that becomes
// ignored is left where it is on both sides, and one that stops being ignored has no base, so
// it is new: copied from whichever side has it, and never a deletion (its local copy may have
// been removed while it was ignored, to free space). `digest` changes when the rules do.

/** The ignore file at the root of a synced folder. */
export const IGNORE_FILE = '.cofferignore';
/** The sync client's state folder, at the root of a synced folder. */
// Part of the digest: bump it when OWN or DEFAULTS change, so clients see the rules changed.
const BUILT_IN_VERSION = 1;

const OWN = [`/${STATE_DIR}`, `/${IGNORE_FILE}`, `(?d)${PART_PREFIX}*`];

/**
 * Ignored unless a `!` rule names them. Each is specific enough not to catch a user's real
 * file; `(?d)` only on what systems write on their own, never on what may hold unsaved work.
 * Left out on purpose: `*.tmp` (many programs keep real data in .tmp files) and vim's `4913`
 * (a real name too, e.g. a number; vim creates and removes it in the same instant, so the
 * scanner at worst sees it vanish).
 */
export const DEFAULTS: readonly string[] = [
  '*~', // backups of Emacs, Vim with backup on, gedit, Kate
  '.*.sw[a-px]', // Vim's swap files (.swp, then .swo down to .swa) and its .swx probe
  '#*#', // Emacs auto-save
  '.#*', // Emacs lock links
  '~$*', // Microsoft Office's lock ("owner") files
  '.~lock.*#', // LibreOffice's lock files
  '(?d).DS_Store', // macOS Finder's view settings
  '(?d)(?i)Thumbs.db', // Windows Explorer's thumbnail cache
  '(?d)(?i)desktop.ini', // Windows Explorer's folder settings
];

/** One rule, as written and where. Built-in ones have file `(coffer)` or `(defaults)`. */
export interface IgnoreRule {
  pattern: string;
  file: string;
  line: number;
}

export interface IgnoreMatch {
  ignored: boolean;
  /** Ignored by a `(?d)` rule: may be deleted when it is all that keeps a folder from going. */
  deletable: boolean;
  /** The rule that decided, if any did. */
  rule: IgnoreRule | undefined;
}

export interface ParseOptions {
  /** Root-relative path of `text`, for errors and includes. Default: `.cofferignore`. */
  file?: string;
  /** A file's text by root-relative path (`/`-separated, never `..`); undefined if missing. */
  readFile?: (path: string) => string | undefined;
  /** Every pattern case-insensitive, for case-insensitive file systems (as Syncthing does). */
  foldCase?: boolean;
}

interface Compiled {
  source: IgnoreRule;
  include: boolean;
  deletable: boolean;
  folderOnly: boolean;
  anchored: boolean;
  /** RegExp source of the pattern proper (no prefix, anchor or trailing /). */
  glob: string;
  /** The path itself or anything inside it. */
  any: RegExp;
  /** The path itself. */
  self: RegExp;
  /** Anchored ones: the literal segments it starts with, and how many segments it has. */
  literalHead: string[] | null;
  segments: number;
}

const matchesSelf = (r: Compiled, path: string, kind: Kind) =>
  r.self.test(path) && (!r.folderOnly || kind === 'folder');

function parseLine(pattern: string, at: IgnoreRule, foldAll: boolean): Compiled {
  const fail = (why: string) => new ValidationError(`${at.file}:${at.line}`, `"${pattern}" ${why}`);
  let include = false;
  let foldCase = foldAll;
  let deletable = false;
  const seen = new Set<string>();
  let rest = pattern;
  for (;;) {
    const prefix = rest.startsWith('!') ? '!' : /^\(\?[a-z]\)/.exec(rest)?.[0];
    if (!prefix) break;
    if (seen.has(prefix)) throw fail(`has the prefix ${prefix} twice`);
    seen.add(prefix);
    if (prefix === '!') include = true;
    else if (prefix === '(?i)') foldCase = true;
    else if (prefix === '(?d)') deletable = true;
    else throw fail(`has the unknown prefix ${prefix} (known: !, (?i), (?d))`);
    rest = rest.slice(prefix.length);
  }
  rest = rest.normalize('NFC');
  const anchored = rest.startsWith('/');
  let body = anchored ? rest.slice(1) : rest;
  while (!anchored && body.startsWith('**/')) body = body.slice(3);
  const folderOnly = body.endsWith('/');
  body = body.replace(/\/+$/, '');
  if (body === '') throw fail('names no file (a pattern is needed after the prefixes)');

  let glob: string;
  try {
    glob = globSource(body);
  } catch (e) {
    if (e instanceof GlobError) throw fail(e.message);
    throw e;
  }
  const core = `^${anchored ? '' : '(?:.*/)?'}(?:${glob})`;
  const flags = foldCase ? 'isu' : 'su';
  let any: RegExp;
  let self: RegExp;
  try {
    any = new RegExp(folderOnly ? `${core}/` : `${core}(?:/|$)`, flags);
    self = new RegExp(`${core}$`, flags);
  } catch (e) {
    throw fail(`is not a valid pattern (${(e as Error).message})`);
  }
  const segs = body.split('/');
  const head: string[] = [];
  for (const s of segs) {
    if (!isLiteral(s)) break;
    head.push(s);
  }
  // (?i) ones are never ruled out: lower-casing is not quite the RegExp's case folding.
  const literalHead = anchored && !foldCase ? head : null;
  return {
    ...{ source: at, include, deletable, folderOnly, anchored, glob, any, self },
    ...{ literalHead, segments: segs.length },
  };
}

// Could `r` match some path strictly inside the folder `segs`? Only anchored rules are ever
// ruled out: by a literal segment differing from the folder's, or by being a literal path
// that the folder already is or is inside of (then `r` would have matched the folder too).
function mayMatchInside(r: Compiled, segs: string[]): boolean {
  const head = r.literalHead;
  if (head === null) return true;
  if (head.length === r.segments && segs.length >= r.segments) return false;
  for (let i = 0; i < Math.min(segs.length, head.length); i++)
    if (segs[i] !== head[i]) return false;
  return true;
}

function resolveInclude(from: string, target: string): string | undefined {
  const out = target.startsWith('/') ? [] : from.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.length ? out.join('/') : undefined;
}

/** Ignore rules compiled for matching; immutable. Build with `parseIgnore`. */
export class IgnoreRules {
  /**
   * SHA-256 hex of the rules in force (the user's, includes expanded, and the built-in ones'
   * version): changes when they do, not with comments, blank lines or a rule moving to
   * another file. Keep it with the synced base to see that the rules changed.
   */
  readonly digest: string;
  /** The user's rules, includes expanded, in the order they apply. */
  readonly rules: readonly IgnoreRule[];
  /** The files read (the ignore file, then includes): watch them to parse again on change. */
  readonly files: readonly string[];
  private readonly own: Compiled[];
  private readonly user: Compiled[];
  private readonly defaults: Compiled[];
  // [Note: Ignore rules performance]
  // Testing each rule in turn took 6 µs a path with 30 rules (Node 20, one core). One RegExp
  // of all rules, matching (case-insensitively, a superset) whatever any rule matches, takes
  // ~1.2 µs; most paths match no rule, and only those that do are tried rule by rule.
  private readonly prefilter: RegExp;

  constructor(user: Compiled[], files: string[], foldCase: boolean) {
    const builtIn = (patterns: readonly string[], file: string) =>
      patterns.map((pattern, i) => parseLine(pattern, { pattern, file, line: i + 1 }, foldCase));
    this.own = builtIn(OWN, '(coffer)');
    this.defaults = builtIn(DEFAULTS, '(defaults)');
    this.user = user;
    this.rules = user.map((r) => r.source);
    this.files = files;
    const all = [...this.own, ...user, ...this.defaults];
    const globs = (anchored: boolean) =>
      all
        .filter((r) => r.anchored === anchored)
        .map((r) => r.glob)
        .join('|');
    this.prefilter = new RegExp(
      `^(?:(?:.*/)?(?:${globs(false)})|(?:${globs(true)}))(?:/|$)`,
      'isu',
    );
    const canonical = user.map((r) => r.source.pattern.normalize('NFC'));
    const hash = createSha256();
    hash.update(new TextEncoder().encode(JSON.stringify([BUILT_IN_VERSION, foldCase, canonical])));
    this.digest = toHex(hash.digest());
  }

  /**
   * Whether `path` is ignored: root-relative, `/`-separated, no leading `/`, and in NFC, as
   * patterns are (normalizing here would double the cost of a scan; the client normalizes
   * each name once, as it must to compare names with other devices anyway).
   */
  ignored(path: string, kind: Kind): boolean {
    const r = this.decide(path, kind);
    return r !== undefined && !r.include;
  }

  match(path: string, kind: Kind): IgnoreMatch {
    const r = this.decide(path, kind);
    const ignored = r !== undefined && !r.include;
    return { ignored, deletable: ignored && r.deletable, rule: r?.source };
  }

  /** Ignored by a `(?d)` rule ([Note: Ignore rules]). */
  deletable(path: string, kind: Kind): boolean {
    return this.match(path, kind).deletable;
  }

  /**
   * Whether a scan must walk into the folder `path`: it is not ignored, or it is but a `!`
   * rule may still re-include something inside it. When false, nothing inside is synced.
   */
  descend(path: string): boolean {
    const r = this.decide(path, 'folder');
    if (r === undefined || r.include) return true;
    if (this.own.includes(r)) return false;
    const segs = path.split('/');
    const until = this.user.indexOf(r);
    const before = until === -1 ? this.user : this.user.slice(0, until);
    return before.some((n) => n.include && mayMatchInside(n, segs));
  }

  private decide(path: string, kind: Kind): Compiled | undefined {
    if (!this.prefilter.test(path)) return undefined;
    for (const r of this.own) if (matchesAny(r, path, kind)) return r;
    let first: Compiled | undefined;
    for (const r of this.user)
      if (matchesAny(r, path, kind)) {
        first = r;
        break;
      }
    if (first && !first.include) return first;
    for (const r of this.defaults)
      if (matchesAny(r, path, kind)) return first && matchesSelf(first, path, kind) ? first : r;
    return first;
  }
}

// A folder-only rule matches a file only inside the folder, never the file itself.
const matchesAny = (r: Compiled, path: string, kind: Kind) =>
  r.any.test(path) || (r.folderOnly && kind === 'folder' && r.self.test(path));

/**
 * Compiles the text of an ignore file (its includes read through `readFile`) with the built-in
 * rules. Throws ValidationError naming `file:line` for a bad pattern, a missing or escaping
 * include, or an include cycle.
 */
export function parseIgnore(text: string, options: ParseOptions = {}): IgnoreRules {
  const foldCase = options.foldCase ?? false;
  const files: string[] = [];
  const compiled: Compiled[] = [];

  function read(text: string, file: string, stack: string[]) {
    files.push(file);
    const lines = text.replace(/^\uFEFF/, '').split('\n');
    lines.forEach((raw, i) => {
      const at = { pattern: raw.trim(), file, line: i + 1 };
      const line = at.pattern;
      if (line === '' || line.startsWith('//')) return;
      const include = /^#include(?:\s+(.*))?$/.exec(line);
      if (!include) {
        compiled.push(parseLine(line, at, foldCase));
        return;
      }
      const fail = (why: string) => new ValidationError(`${file}:${i + 1}`, why);
      const target = include[1]?.trim();
      if (!target) throw fail('#include names no file');
      const path = resolveInclude(file, target);
      if (path === undefined) throw fail(`#include ${target}: outside the synced folder`);
      if (stack.includes(path))
        throw fail(`#include ${target}: a cycle (${[...stack, path].join(' → ')})`);
      const more = options.readFile?.(path);
      if (more === undefined) throw fail(`#include ${target}: no such file (${path})`);
      read(more, path, [...stack, path]);
    });
  }

  const file = options.file ?? IGNORE_FILE;
  read(text, file, [file]);
  return new IgnoreRules(compiled, files, foldCase);
}

/**
 * The temporary name under which a download of `name` is written, in the same folder, before
 * being renamed to `name`: PART_PREFIX, the caller's `tag` (unique per download, so that two
 * never share a file), then as much of `name` as fits in 255 UTF-8 bytes (for people looking).
 */
export function partName(name: string, tag: string): string {
  let out = `${PART_PREFIX}${tag}-`;
  let bytes = Buffer.byteLength(out);
  for (const c of name) {
    bytes += Buffer.byteLength(c);
    if (bytes > 255) break;
    out += c;
  }
  return out;
}
