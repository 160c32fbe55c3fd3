import { ValidationError } from '@coffer/errors';
import { SaxesParser } from 'saxes';

// [Note: WebDAV XML]
// Request bodies are read by saxes, a conforming namespace-aware parser: a body that is not
// well-formed, or that undeclares a prefix (xmlns:bar=""), is refused with 400. An element is
// kept as its namespace URI, local name, attributes and children, so a dead property's value
// can be written back well-formed in any namespace. Answers are built with the DAV: namespace
// on the prefix D and every other namespace declared on the element that uses it (prefixes
// ns0, ns1, …); an element in no namespace is written unprefixed, which is unambiguous because
// no default namespace is ever declared.

export const DAV = 'DAV:';

export interface XmlElement {
  ns: string;
  local: string;
  attrs: XmlAttr[];
  children: XmlNode[];
}
export interface XmlAttr {
  ns: string;
  local: string;
  value: string;
}
export type XmlNode = XmlElement | string;

/** The root element of a request body, or null for an empty one; 400 when not well-formed. */
export function parseXml(body: string, field: string): XmlElement | null {
  if (body.trim() === '') return null;
  const parser = new SaxesParser({ xmlns: true });
  let error: string | null = null;
  let root: XmlElement | null = null;
  const open: XmlElement[] = [];
  parser.on('error', (e) => {
    error ??= e.message;
  });
  parser.on('opentag', (tag) => {
    const attrs: XmlAttr[] = [];
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs.push({ ns: a.uri, local: a.local, value: a.value });
    }
    const el: XmlElement = { ns: tag.uri, local: tag.local, attrs, children: [] };
    const parent = open.at(-1);
    if (parent) parent.children.push(el);
    else root = el;
    open.push(el);
  });
  parser.on('text', (t) => {
    open.at(-1)?.children.push(t);
  });
  parser.on('cdata', (t) => {
    open.at(-1)?.children.push(t);
  });
  parser.on('closetag', () => {
    open.pop();
  });
  try {
    parser.write(body).close();
  } catch (e) {
    error ??= (e as Error).message;
  }
  if (error !== null || root === null)
    throw new ValidationError(field, `expected a well-formed XML document (${error ?? 'empty'})`);
  return root;
}

/** The element children of `el`. */
export const elements = (el: XmlElement): XmlElement[] =>
  el.children.filter((c): c is XmlElement => typeof c !== 'string');

export const isDav = (el: XmlElement, local: string) => el.ns === DAV && el.local === local;

/** The text inside `el`, all of it. */
export const textOf = (el: XmlElement): string =>
  el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');

export function escapeText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}
const escapeAttr = (s: string) =>
  escapeText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');

/** Writes elements with generated prefixes (see the Note). */
export class XmlWriter {
  private next = 0;

  /** `<name>` for an element in `ns`, with the declaration it needs (none for DAV:). */
  private open(ns: string, local: string): { tag: string; decl: string } {
    if (ns === DAV) return { tag: `D:${local}`, decl: '' };
    if (ns === '') return { tag: local, decl: '' };
    const prefix = `ns${this.next++}`;
    return { tag: `${prefix}:${local}`, decl: ` xmlns:${prefix}="${escapeAttr(ns)}"` };
  }

  /** An element with `inner` (already written XML) inside. */
  el(ns: string, local: string, inner = ''): string {
    const { tag, decl } = this.open(ns, local);
    return inner === '' ? `<${tag}${decl}/>` : `<${tag}${decl}>${inner}</${tag}>`;
  }

  /** A parsed element (a dead property, an owner), written back well-formed. */
  node(n: XmlNode): string {
    if (typeof n === 'string') return escapeText(n);
    const { tag, decl } = this.open(n.ns, n.local);
    let attrs = '';
    for (const a of n.attrs) {
      if (a.ns === '') attrs += ` ${a.local}="${escapeAttr(a.value)}"`;
      else if (a.ns === 'http://www.w3.org/XML/1998/namespace')
        attrs += ` xml:${a.local}="${escapeAttr(a.value)}"`;
      else {
        const prefix = `ns${this.next++}`;
        attrs += ` xmlns:${prefix}="${escapeAttr(a.ns)}" ${prefix}:${a.local}="${escapeAttr(a.value)}"`;
      }
    }
    const inner = n.children.map((c) => this.node(c)).join('');
    return inner === '' ? `<${tag}${decl}${attrs}/>` : `<${tag}${decl}${attrs}>${inner}</${tag}>`;
  }

  /** A whole document whose root is a DAV: element. */
  static document(root: string, inner: string): string {
    return `<?xml version="1.0" encoding="utf-8"?>\n<D:${root} xmlns:D="DAV:">${inner}</D:${root}>\n`;
  }
}
