import { ValidationError } from '@coffer/errors';
import { type Call, checkWrite, find, HttpError, sendXml, smallBody } from './context.ts';
import { hrefOf, pathOf } from './paths.ts';
import { isLive } from './props.ts';
import { DAV, elements, escapeText, isDav, parseXml, type XmlElement, XmlWriter } from './xml.ts';

/** PROPPATCH: sets and removes dead properties in document order, all or none. */
export async function proppatch(call: Call) {
  const { gw, req, res, names } = call;
  const root = parseXml(await smallBody(req, 'PROPPATCH body'), 'PROPPATCH body');
  if (!root || !isDav(root, 'propertyupdate'))
    throw new ValidationError('PROPPATCH body', 'expected a DAV:propertyupdate element');
  const ops: { set: boolean; prop: XmlElement }[] = [];
  for (const op of elements(root)) {
    if (!isDav(op, 'set') && !isDav(op, 'remove')) continue;
    for (const prop of elements(op).filter((e) => isDav(e, 'prop'))) {
      for (const p of elements(prop)) ops.push({ set: op.local === 'set', prop: p });
    }
  }
  const r = await find(gw, names);
  if (!r) throw new HttpError(404, `${pathOf(names)} does not exist`);
  await checkWrite(call, [{ names, deep: false }]);
  const w = new XmlWriter();
  const refused = ops.filter((o) => isLive(o.prop));
  const status = (o: { prop: XmlElement }) =>
    refused.length === 0
      ? 'HTTP/1.1 200 OK'
      : isLive(o.prop)
        ? 'HTTP/1.1 403 Forbidden'
        : 'HTTP/1.1 424 Failed Dependency';
  if (refused.length === 0 && r.kind === 'entry') await gw.props.apply(r.entry.id, ops);
  const byStatus = new Map<string, string[]>();
  for (const o of ops) {
    const s = status(o);
    byStatus.set(s, [...(byStatus.get(s) ?? []), w.el(o.prop.ns, o.prop.local)]);
  }
  const folder = r.kind === 'entry' && r.entry.kind === 'folder';
  const stats = [...byStatus].map(([s, props]) =>
    w.el(DAV, 'propstat', w.el(DAV, 'prop', props.join('')) + w.el(DAV, 'status', s)),
  );
  sendXml(
    res,
    207,
    XmlWriter.document(
      'multistatus',
      w.el(DAV, 'response', w.el(DAV, 'href', escapeText(hrefOf(names, folder))) + stats.join('')),
    ),
  );
}
