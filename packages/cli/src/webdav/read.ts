import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '@coffer/errors';
import {
  type Call,
  etagOf,
  find,
  HttpError,
  isCollection,
  isMacPath,
  type Quota,
  type Resource,
  sendEmpty,
  sendXml,
  smallBody,
} from './context.ts';
import { hrefOf, pathOf } from './paths.ts';
import {
  allNames,
  contentTypeOf,
  mtimeOf,
  type PropContext,
  type PropName,
  propResponse,
} from './props.ts';
import { parseRange } from './range.ts';
import { elements, escapeText, isDav, parseXml, XmlWriter } from './xml.ts';

export const METHODS =
  'OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, COPY, MOVE, PROPFIND, PROPPATCH, LOCK, UNLOCK';

export function options(call: Call) {
  sendEmpty(call.res, 200, {
    DAV: '1, 2',
    'MS-Author-Via': 'DAV',
    Allow: METHODS,
    'Accept-Ranges': 'bytes',
  });
}

/** What a PROPFIND body asks for. */
type Wanted = { all: true; include: PropName[] } | { names: true } | { props: PropName[] };

function wantedOf(body: string): Wanted {
  const root = parseXml(body, 'PROPFIND body');
  if (root === null) return { all: true, include: [] };
  if (!isDav(root, 'propfind'))
    throw new ValidationError('PROPFIND body', 'expected a DAV:propfind element');
  const kids = elements(root);
  const prop = kids.find((k) => isDav(k, 'prop'));
  if (kids.some((k) => isDav(k, 'propname'))) return { names: true };
  if (kids.some((k) => isDav(k, 'allprop'))) {
    const include = kids.find((k) => isDav(k, 'include'));
    return { all: true, include: include ? elements(include) : [] };
  }
  if (prop) return { props: elements(prop).map(({ ns, local }) => ({ ns, local })) };
  throw new ValidationError('PROPFIND body', 'expected DAV:prop, DAV:allprop or DAV:propname');
}

export async function propfind(call: Call) {
  const { gw, req, res, names } = call;
  const depthHeader = String(req.headers.depth ?? 'infinity').toLowerCase();
  if (!['0', '1', 'infinity'].includes(depthHeader))
    throw new ValidationError('Depth', 'expected 0, 1 or infinity');
  const wanted = wantedOf(await smallBody(req, 'PROPFIND body'));
  const r = await find(gw, names);
  if (!r) throw new HttpError(404, `${pathOf(names)} does not exist`);
  if (depthHeader === 'infinity' && isCollection(r))
    throw new HttpError(
      403,
      'Depth: infinity is not served; ask with Depth: 1',
      'propfind-finite-depth',
    );
  let usage: ReturnType<Quota> | null = null;
  const quota = gw.quota
    ? () => {
        usage ??= (gw.quota as Quota)();
        return usage;
      }
    : null;
  const w = new XmlWriter();
  const one = (res: Resource, at: string[]) => {
    const ctx: PropContext = { names: at, quota };
    if ('names' in wanted) return propResponse(gw, w, res, ctx, allNames(gw, res, true), true);
    if ('all' in wanted) {
      const asked = [...allNames(gw, res, false), ...wanted.include];
      const seen = new Set<string>();
      const unique = asked.filter((p) => {
        const k = `${p.ns}\u0000${p.local}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      return propResponse(gw, w, res, ctx, unique, false);
    }
    return propResponse(gw, w, res, ctx, wanted.props, false);
  };
  const parts = [await one(r, names)];
  if (depthHeader !== '0' && isCollection(r)) {
    for (const child of await gw.drive.list(pathOf(names))) {
      if (isMacPath(gw, [...names, child.name])) continue;
      parts.push(await one({ kind: 'entry', entry: child }, [...names, child.name]));
    }
  }
  sendXml(res, 207, XmlWriter.document('multistatus', parts.join('')));
}

function headersOf(r: Resource): Record<string, string> {
  return {
    ETag: etagOf(r),
    'Last-Modified': new Date(mtimeOf(r)).toUTCString(),
    'Content-Type': contentTypeOf(r),
    'Accept-Ranges': 'bytes',
  };
}

export async function get(call: Call, head: boolean) {
  const { gw, req, res, names } = call;
  const r = await find(gw, names);
  if (!r) throw new HttpError(404, `${pathOf(names)} does not exist`);
  if (r.kind === 'entry' && r.entry.kind === 'folder') return listing(call, head);
  const size = r.kind === 'mac' ? r.size : r.entry.size;
  const noneMatch = req.headers['if-none-match'];
  if (
    typeof noneMatch === 'string' &&
    noneMatch.split(',').some((t) => t.trim() === etagOf(r) || t.trim() === '*')
  ) {
    res.writeHead(304, { ETag: etagOf(r) });
    res.end();
    return;
  }
  const range = parseRange(req.headers.range, size);
  const ifRange = req.headers['if-range'];
  const ranged = range.kind !== 'whole' && (!ifRange || ifRange === etagOf(r));
  if (ranged && range.kind === 'unsatisfiable') {
    sendEmpty(res, 416, { 'Content-Range': `bytes */${size}` });
    return;
  }
  const span = ranged && range.kind === 'range' ? range : { start: 0, end: size };
  const headers = { ...headersOf(r), 'Content-Length': String(span.end - span.start) };
  if (ranged)
    Object.assign(headers, { 'Content-Range': `bytes ${span.start}-${span.end - 1}/${size}` });
  if (head || span.end === span.start) {
    res.writeHead(ranged ? 206 : 200, headers);
    res.end();
    return;
  }
  if (r.kind === 'mac') {
    res.writeHead(ranged ? 206 : 200, headers);
    res.end(gw.macFiles.get(pathOf(names))?.bytes.subarray(span.start, span.end));
    return;
  }
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const download = await gw.drive.download(pathOf(names), {
    ...(ranged ? { range: span } : {}),
    signal: abort.signal,
  });
  res.writeHead(ranged ? 206 : 200, headers);
  await pipeline(
    Readable.fromWeb(download.stream as import('node:stream/web').ReadableStream),
    res,
  ).catch((e: unknown) => {
    // The client went away, or a chunk failed its check midway: the answer is cut short.
    if (!abort.signal.aborted) gw.log(`GET ${pathOf(names)}: ${(e as Error).message}`);
    res.destroy();
  });
}

/** A folder's GET: a small HTML page listing it. */
async function listing(call: Call, head: boolean) {
  const { gw, res, names } = call;
  const entries = await gw.drive.list(pathOf(names));
  const rows = entries
    .filter((e) => !isMacPath(gw, [...names, e.name]))
    .map((e) => {
      const href = escapeText(hrefOf([...names, e.name], e.kind === 'folder')).replace(
        /"/g,
        '&quot;',
      );
      return `<li><a href="${href}">${escapeText(e.name)}${e.kind === 'folder' ? '/' : ''}</a></li>`;
    });
  const body = Buffer.from(
    `<!doctype html><meta charset="utf-8"><title>${escapeText(pathOf(names))}</title><ul>${rows.join('')}</ul>\n`,
  );
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(body.length),
  });
  res.end(head ? undefined : body);
}
