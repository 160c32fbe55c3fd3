import { ValidationError } from '@coffer/errors';
import {
  type Call,
  checkIf,
  find,
  HttpError,
  ifLists,
  isCollection,
  isMacPath,
  sendEmpty,
  sendXml,
  smallBody,
} from './context.ts';
import { submittedTokens } from './if-header.ts';
import { timeoutOf } from './locks.ts';
import { pathOf } from './paths.ts';
import { activeLock } from './props.ts';
import { DAV, elements, isDav, parseXml, XmlWriter } from './xml.ts';

const lockAnswer = (w: XmlWriter, inner: string) =>
  XmlWriter.document('prop', w.el(DAV, 'lockdiscovery', inner));

/** LOCK: a new lock, or a refresh (an empty body with the lock's token in If). */
export async function lock(call: Call) {
  const { gw, req, res, names } = call;
  if (gw.readOnly) throw new HttpError(403, 'the gateway is read-only (--read-only)');
  const body = parseXml(await smallBody(req, 'LOCK body'), 'LOCK body');
  const timeout = timeoutOf(
    typeof req.headers.timeout === 'string' ? req.headers.timeout : undefined,
  );
  const w = new XmlWriter();
  if (body === null) {
    const tokens = submittedTokens(ifLists(req));
    const held = gw.locks.covering(names).find((l) => tokens.includes(l.token));
    if (!held)
      throw new HttpError(
        412,
        'a refresh names the lock to refresh in If',
        'lock-token-matches-request-uri',
      );
    await checkIf(call);
    gw.locks.refresh(held, timeout);
    sendXml(res, 200, lockAnswer(w, activeLock(w, held)), { 'Lock-Token': `<${held.token}>` });
    return;
  }
  if (!isDav(body, 'lockinfo'))
    throw new ValidationError('LOCK body', 'expected a DAV:lockinfo element');
  const kids = elements(body);
  const scopeEl = kids.find((k) => isDav(k, 'lockscope'));
  const scope =
    scopeEl && elements(scopeEl).some((k) => isDav(k, 'shared')) ? 'shared' : 'exclusive';
  if (!scopeEl || !elements(scopeEl).some((k) => isDav(k, 'shared') || isDav(k, 'exclusive')))
    throw new ValidationError(
      'LOCK body',
      'expected DAV:lockscope with DAV:exclusive or DAV:shared',
    );
  const typeEl = kids.find((k) => isDav(k, 'locktype'));
  if (!typeEl || !elements(typeEl).some((k) => isDav(k, 'write')))
    throw new ValidationError('LOCK body', 'expected DAV:locktype with DAV:write');
  const owner = kids.find((k) => isDav(k, 'owner')) ?? null;
  const depthHeader = String(req.headers.depth ?? 'infinity').toLowerCase();
  if (depthHeader !== '0' && depthHeader !== 'infinity')
    throw new ValidationError('Depth', 'expected 0 or infinity for LOCK');
  const depth = depthHeader === '0' ? 0 : 'infinity';
  if (gw.locks.conflicts(names, depth, scope))
    throw new HttpError(423, `${pathOf(names)} is locked`, 'no-conflicting-lock');
  await checkIf(call);
  const created = !(await find(gw, names));
  if (created) {
    // A lock on an unmapped URL makes an empty resource (RFC 4918 section 9.10.4).
    if (names.length === 0) throw new HttpError(409, 'no root');
    if (!isCollection(await find(gw, names.slice(0, -1))))
      throw new HttpError(409, `${pathOf(names.slice(0, -1))} is not an existing folder`);
    if (isMacPath(gw, names)) gw.macFiles.put(pathOf(names), Buffer.alloc(0), Date.now());
    else await gw.drive.upload(pathOf(names), new Uint8Array(0));
  }
  const l = gw.locks.take({ root: names, depth, scope, owner, timeoutSeconds: timeout });
  sendXml(res, created ? 201 : 200, lockAnswer(w, activeLock(w, l)), {
    'Lock-Token': `<${l.token}>`,
  });
}

export async function unlock(call: Call) {
  const { gw, req, res, names } = call;
  const header = req.headers['lock-token'];
  const m = typeof header === 'string' ? /^\s*<([^>]+)>\s*$/.exec(header) : null;
  if (!m?.[1]) throw new ValidationError('Lock-Token', 'expected <token>');
  const l = gw.locks.covering(names).find((x) => x.token === m[1]);
  if (!l)
    throw new HttpError(409, 'no such lock on this resource', 'lock-token-matches-request-uri');
  gw.locks.release(l.token);
  sendEmpty(res, 204);
}
