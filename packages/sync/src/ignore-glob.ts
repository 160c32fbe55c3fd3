// The glob syntax of `.cofferignore` patterns, compiled to RegExp source ([Note: Ignore rules]
// in ignore.ts says what each construct means). Separate from the rules so that the matcher
// reads as semantics and this file as syntax.

/** A pattern's syntax was wrong: what, for the error that names the file and line. */
export class GlobError extends Error {}

// Under the `u` flag only these may be escaped outside a class (not `-`).
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;
const CLASS_SPECIAL = /[\\\]^[-]/;

const literal = (c: string): string => (REGEX_SPECIAL.test(c) ? `\\${c}` : c);
const classLiteral = (c: string): string => (CLASS_SPECIAL.test(c) ? `\\${c}` : c);

/**
 * RegExp source (for the `u` and `s` flags) matching exactly the strings the glob matches:
 * `**` any characters, `*` any within a segment, `?` one character within a segment,
 * `[a-z]`/`[!a-z]`/`[^a-z]` one character of a class (never `/`), `{a,b}` alternatives (which
 * may hold globs and nest), `\x` the character x. Throws GlobError on a malformed glob.
 */
export function globSource(glob: string): string {
  const chars = Array.from(glob);
  let i = 0;

  // Inside braces, `,` and `}` end an alternative; outside they are ordinary characters.
  function sequence(inBraces: boolean): string {
    let out = '';
    while (i < chars.length) {
      const c = chars[i] as string;
      if (inBraces && (c === ',' || c === '}')) return out;
      i++;
      if (c === '*') {
        if (chars[i] === '*') {
          while (chars[i] === '*') i++;
          out += '.*';
        } else out += '[^/]*';
      } else if (c === '?') out += '[^/]';
      else if (c === '[') out += charClass();
      else if (c === '{') out += alternatives();
      else if (c === '\\') {
        const next = chars[i++];
        if (next === undefined) throw new GlobError('ends with a lone \\ (escape what?)');
        out += literal(next);
      } else out += literal(c);
    }
    if (inBraces) throw new GlobError('has a { without its }');
    return out;
  }

  function alternatives(): string {
    const options = [sequence(true)];
    while (chars[i] === ',') {
      i++;
      options.push(sequence(true));
    }
    i++; // the closing }
    return `(?:${options.join('|')})`;
  }

  function charClass(): string {
    const start = i - 1;
    let negated = false;
    if (chars[i] === '!' || chars[i] === '^') {
      negated = true;
      i++;
    }
    let body = '';
    let first = true;
    for (;;) {
      let c = chars[i++];
      if (c === undefined) throw new GlobError(`has a [ without its ] (at character ${start + 1})`);
      // A ] right after [ or [! is a member, as in POSIX globs.
      if (c === ']' && !first) break;
      first = false;
      if (c === '\\') {
        c = chars[i++];
        if (c === undefined) throw new GlobError('ends with a lone \\ (escape what?)');
      }
      if (c === '/') throw new GlobError('has / inside [ ] (a class matches within a segment)');
      if (chars[i] === '-' && chars[i + 1] !== undefined && chars[i + 1] !== ']') {
        let to = chars[i + 1] as string;
        i += 2;
        if (to === '\\') {
          to = chars[i++] ?? '';
          if (to === '') throw new GlobError('ends with a lone \\ (escape what?)');
        }
        if ((c.codePointAt(0) ?? 0) > (to.codePointAt(0) ?? 0))
          throw new GlobError(`has the range ${c}-${to} backwards`);
        body += `${classLiteral(c)}-${classLiteral(to)}`;
      } else body += classLiteral(c);
    }
    return negated ? `[^/${body}]` : `[${body}]`;
  }

  return sequence(false);
}

/** Whether the glob has no wildcard, class, alternative or escape: it matches only itself. */
export const isLiteral = (glob: string): boolean => !/[*?[\]{}\\]/.test(glob);
