import { SaxesParser } from 'saxes';

/** An element of an XML document: where it is (local names from the root), text, attributes. */
export interface XmlElement {
  path: string;
  uri: string;
  text: string;
  attributes: Record<string, string>;
}

/**
 * Reads a document with a conforming, namespace-aware XML parser: every element in document
 * order, and every well-formedness error the parser reported (none for a good document).
 */
export function readXml(xml: string): { elements: XmlElement[]; errors: string[] } {
  const parser = new SaxesParser({ xmlns: true });
  const errors: string[] = [];
  const elements: XmlElement[] = [];
  const open: XmlElement[] = [];
  parser.on('error', (e) => errors.push(e.message));
  parser.on('opentag', (tag) => {
    const parent = open.at(-1);
    const path = parent ? `${parent.path}/${tag.local}` : tag.local;
    const attributes = Object.fromEntries(
      Object.values(tag.attributes).map((a) => [a.local, a.value]),
    );
    const el = { path, uri: tag.uri, text: '', attributes };
    elements.push(el);
    open.push(el);
  });
  parser.on('text', (t) => {
    const top = open.at(-1);
    if (top) top.text += t;
  });
  parser.on('closetag', () => open.pop());
  parser.write(xml).close();
  return { elements, errors };
}
