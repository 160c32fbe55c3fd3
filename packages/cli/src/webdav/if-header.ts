import { ValidationError } from '@coffer/errors';

// [Note: The If header]
// RFC 4918 section 10.4: a list of conditions, each list optionally tagged with the resource it
// is about (an absolute URI or a path); each condition is a state token <...> or an entity tag
// [...], possibly negated with Not. The header holds when any one list holds, and a list holds
// when all its conditions do. A state token holds when it is the token of a lock on that
// resource (DAV:no-lock never is); an entity tag when it is the resource's current ETag. The
// tokens named anywhere in the header (not negated) are the lock tokens the request submits.

export interface IfCondition {
  not: boolean;
  kind: 'token' | 'etag';
  value: string;
}
export interface IfList {
  /** The tagged resource as sent (an absolute URI or a path); null for the request URI. */
  resource: string | null;
  conditions: IfCondition[];
}

/** Parses an If header; a malformed one is a ValidationError (400). */
export function parseIf(header: string): IfList[] {
  const lists: IfList[] = [];
  let i = 0;
  let resource: string | null = null;
  let tagAlone = false;
  const bad = (what: string) =>
    new ValidationError('If', `${what} at character ${i + 1}; see RFC 4918 section 10.4`);
  const skip = () => {
    while (i < header.length && /\s/.test(header[i] as string)) i++;
  };
  const until = (end: string) => {
    const j = header.indexOf(end, i + 1);
    if (j < 0) throw bad(`an unclosed "${header[i]}"`);
    const v = header.slice(i + 1, j);
    i = j + 1;
    return v;
  };
  skip();
  if (i >= header.length) throw bad('an empty header');
  while (i < header.length) {
    const c = header[i];
    if (c === '<') {
      if (tagAlone) throw bad('a resource with no list after it');
      resource = until('>');
      tagAlone = true;
    } else if (c === '(') {
      i++;
      const conditions: IfCondition[] = [];
      for (;;) {
        skip();
        if (header[i] === ')') {
          i++;
          break;
        }
        let not = false;
        if (header.slice(i, i + 3).toLowerCase() === 'not') {
          not = true;
          i += 3;
          skip();
        }
        if (header[i] === '<') conditions.push({ not, kind: 'token', value: until('>') });
        else if (header[i] === '[') conditions.push({ not, kind: 'etag', value: until(']') });
        else throw bad('expected <state-token>, [etag] or ")"');
      }
      if (conditions.length === 0) throw bad('an empty list');
      lists.push({ resource, conditions });
      tagAlone = false;
    } else {
      throw bad('expected <resource> or "("');
    }
    skip();
  }
  if (tagAlone) throw bad('a resource with no list after it');
  return lists;
}

/** The lock tokens a request submits in its If header. */
export const submittedTokens = (lists: readonly IfList[]): string[] =>
  lists.flatMap((l) =>
    l.conditions.filter((c) => c.kind === 'token' && !c.not).map((c) => c.value),
  );

/** What evaluating a list needs about a resource: its ETag, and the tokens of locks on it. */
export interface IfState {
  etag: string | null;
  tokens: ReadonlySet<string>;
}

/** Whether the header holds; `state` tells about each list's resource (null: the request's). */
export async function evaluateIf(
  lists: readonly IfList[],
  state: (resource: string | null) => Promise<IfState>,
): Promise<boolean> {
  for (const list of lists) {
    const s = await state(list.resource);
    const holds = list.conditions.every((c) => {
      const match =
        c.kind === 'etag' ? s.etag !== null && c.value === s.etag : s.tokens.has(c.value);
      return c.not ? !match : match;
    });
    if (holds) return true;
  }
  return false;
}
