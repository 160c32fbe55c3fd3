import type { Gateway, Quota, Resource } from './context.ts';
import { etagOf } from './context.ts';
import type { Lock } from './locks.ts';
import { hrefOf } from './paths.ts';
import { DAV, escapeText, type XmlElement, type XmlWriter } from './xml.ts';

// The live properties (RFC 4918 section 15, RFC 4331 quota), computed from the entry; every
// other property is dead ([Note: Dead properties]). The quota ones are asked for by name only.

export type PropName = Pick<XmlElement, 'ns' | 'local'>;

const ALL = [
  'creationdate',
  'displayname',
  'getcontentlength',
  'getcontenttype',
  'getetag',
  'getlastmodified',
  'resourcetype',
  'lockdiscovery',
  'supportedlock',
] as const;
const BY_NAME_ONLY = ['quota-used-bytes', 'quota-available-bytes'] as const;
export const LIVE = new Set<string>([...ALL, ...BY_NAME_ONLY]);

export const isLive = (p: PropName) => p.ns === DAV && LIVE.has(p.local);

/**
 * What a PROPFIND answer needs besides the resource: the account's usage, once per request
 * (null: not known here, and the quota properties are answered 404).
 */
export interface PropContext {
  names: string[];
  quota: Quota | null;
}

export const mtimeOf = (r: Resource) =>
  r.kind === 'mac' ? r.mtime : (r.entry.mtime ?? r.entry.updatedAt);

/** The value of live property `local` (its inner XML), or undefined when it has none here. */
export async function liveProp(
  gw: Gateway,
  w: XmlWriter,
  r: Resource,
  local: string,
  ctx: PropContext,
): Promise<string | undefined> {
  const folder = r.kind === 'entry' && r.entry.kind === 'folder';
  switch (local) {
    case 'creationdate':
      return new Date(r.kind === 'entry' ? r.entry.createdAt : r.mtime).toISOString();
    case 'displayname':
      return escapeText(ctx.names.at(-1) ?? '');
    case 'getcontentlength':
      return folder ? undefined : String(r.kind === 'mac' ? r.size : r.entry.size);
    case 'getcontenttype':
      return folder ? undefined : escapeText(contentTypeOf(r));
    case 'getetag':
      return escapeText(etagOf(r));
    case 'getlastmodified':
      return new Date(mtimeOf(r)).toUTCString();
    case 'resourcetype':
      return folder ? w.el(DAV, 'collection') : '';
    case 'lockdiscovery':
      return gw.locks
        .covering(ctx.names)
        .map((l) => activeLock(w, l))
        .join('');
    case 'supportedlock':
      return ['exclusive', 'shared']
        .map((s) =>
          w.el(
            DAV,
            'lockentry',
            w.el(DAV, 'lockscope', w.el(DAV, s)) + w.el(DAV, 'locktype', w.el(DAV, 'write')),
          ),
        )
        .join('');
    case 'quota-used-bytes':
      return ctx.quota ? String((await ctx.quota()).used) : undefined;
    case 'quota-available-bytes': {
      if (!ctx.quota) return undefined;
      const { available } = await ctx.quota();
      return available === null ? undefined : String(available);
    }
    default:
      return undefined;
  }
}

export function contentTypeOf(r: Resource): string {
  if (r.kind === 'entry' && r.entry.mime) return r.entry.mime;
  return 'application/octet-stream';
}

/** One <D:activelock>, its owner echoed as sent. */
export function activeLock(w: XmlWriter, l: Lock): string {
  return w.el(
    DAV,
    'activelock',
    w.el(DAV, 'locktype', w.el(DAV, 'write')) +
      w.el(DAV, 'lockscope', w.el(DAV, l.scope)) +
      w.el(DAV, 'depth', l.depth === 0 ? '0' : 'infinity') +
      (l.owner ? w.node(l.owner) : '') +
      w.el(DAV, 'timeout', `Second-${Math.max(0, Math.round((l.expires - Date.now()) / 1000))}`) +
      w.el(DAV, 'locktoken', w.el(DAV, 'href', escapeText(l.token))) +
      w.el(DAV, 'lockroot', w.el(DAV, 'href', escapeText(hrefOf(l.root, false)))),
  );
}

/** The names of every property a resource has (for allprop and propname). */
export function allNames(gw: Gateway, r: Resource, withQuota: boolean): PropName[] {
  const folder = r.kind === 'entry' && r.entry.kind === 'folder';
  const live = [...ALL, ...(withQuota ? BY_NAME_ONLY : [])]
    .filter((n) => !(folder && (n === 'getcontentlength' || n === 'getcontenttype')))
    .map((local) => ({ ns: DAV, local }));
  const dead = r.kind === 'entry' ? gw.props.list(r.entry.id) : [];
  return [...live, ...dead];
}

/**
 * A <D:response> for one resource: the properties found in a 200 propstat first (rclone reads
 * only the first status), then those missing in a 404 one.
 */
export async function propResponse(
  gw: Gateway,
  w: XmlWriter,
  r: Resource,
  ctx: PropContext,
  asked: PropName[],
  namesOnly: boolean,
): Promise<string> {
  const found: string[] = [];
  const missing: string[] = [];
  for (const p of asked) {
    if (namesOnly) {
      found.push(w.el(p.ns, p.local));
      continue;
    }
    if (isLive(p)) {
      const v = await liveProp(gw, w, r, p.local, ctx);
      if (v === undefined) missing.push(w.el(p.ns, p.local));
      else found.push(w.el(p.ns, p.local, v));
      continue;
    }
    const dead = r.kind === 'entry' ? gw.props.get(r.entry.id, p) : undefined;
    if (dead) found.push(w.node(dead));
    else missing.push(w.el(p.ns, p.local));
  }
  const folder = r.kind === 'entry' && r.entry.kind === 'folder';
  const stat = (props: string[], status: string) =>
    w.el(DAV, 'propstat', w.el(DAV, 'prop', props.join('')) + w.el(DAV, 'status', status));
  return w.el(
    DAV,
    'response',
    w.el(DAV, 'href', escapeText(hrefOf(ctx.names, folder))) +
      (found.length || !missing.length ? stat(found, 'HTTP/1.1 200 OK') : '') +
      (missing.length ? stat(missing, 'HTTP/1.1 404 Not Found') : ''),
  );
}
