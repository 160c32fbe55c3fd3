// The world map of the operator view, made at build time from @svg-maps/world (MapSVG's map,
// CC BY 4.0: https://mapsvg.com/maps/world). The package's paths carry ~80,000 points at five
// decimals (1.2 MB); this plugin simplifies them (Douglas-Peucker at a fifth of a map unit,
// then whole tenths) and hands the app `virtual:world-map`: ~10x smaller, bundled with the
// operator view, nothing fetched at run time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

type Point = [number, number];

export interface WorldCountry {
  /** ISO 3166-1 alpha-2, upper case ("FR"); the package's few non-ISO ids ("UM-DQ") as they are. */
  id: string;
  name: string;
  /** The outline, in tenths of the package's map units. */
  d: string;
  /** Where a marker goes: the centroid of the country's largest ring. */
  x: number;
  y: number;
}

/** The package's path data: `m`, implicit relative `l`, and `z`; numbers like `10e-4`. */
export function parseRings(path: string): Point[][] {
  const tokens = path.match(/[mMzZlL]|-?\d*\.?\d+(?:e[-+]?\d+)?/gi) ?? [];
  const rings: Point[][] = [];
  let ring: Point[] | null = null;
  let cx = 0;
  let cy = 0;
  let start: Point = [0, 0];
  let cmd = '';
  let i = 0;
  while (i < tokens.length) {
    const tok = tokens[i] as string;
    if (/^[a-z]$/i.test(tok)) {
      cmd = tok;
      i++;
      if (cmd === 'z' || cmd === 'Z') {
        if (ring) rings.push(ring);
        ring = null;
        [cx, cy] = start;
      }
      continue;
    }
    const x = Number(tok);
    const y = Number(tokens[i + 1]);
    i += 2;
    const relative = cmd === cmd.toLowerCase();
    const nx = relative ? cx + x : x;
    const ny = relative ? cy + y : y;
    if (cmd === 'm' || cmd === 'M') {
      if (ring) rings.push(ring);
      ring = [[nx, ny]];
      start = [nx, ny];
      // Pairs after a moveto are linetos of the same kind.
      cmd = relative ? 'l' : 'L';
    } else {
      ring ??= [[cx, cy]];
      ring.push([nx, ny]);
    }
    cx = nx;
    cy = ny;
  }
  if (ring) rings.push(ring);
  return rings;
}

/** Douglas-Peucker on an open polyline; keeps the ends. */
function simplify(points: Point[], tolerance: number): Point[] {
  if (points.length <= 2) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [a, b] = stack.pop() as [number, number];
    const [ax, ay] = points[a] as Point;
    const [bx, by] = points[b] as Point;
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    let far = -1;
    let farDist = tolerance;
    for (let k = a + 1; k < b; k++) {
      const [px, py] = points[k] as Point;
      // A closed ring starts and ends on the same point: measure from that point.
      const dist =
        len < 1e-6
          ? Math.hypot(px - ax, py - ay)
          : Math.abs(dy * px - dx * py + bx * ay - by * ax) / len;
      if (dist > farDist) {
        far = k;
        farDist = dist;
      }
    }
    if (far >= 0) {
      keep[far] = 1;
      stack.push([a, far], [far, b]);
    }
  }
  return points.filter((_, k) => keep[k] === 1);
}

/** Signed area and centroid of a closed ring. */
function areaAndCentroid(ring: Point[]): { area: number; x: number; y: number } {
  let a = 0;
  let x = 0;
  let y = 0;
  for (let k = 0; k < ring.length; k++) {
    const [x0, y0] = ring[k] as Point;
    const [x1, y1] = ring[(k + 1) % ring.length] as Point;
    const cross = x0 * y1 - x1 * y0;
    a += cross;
    x += (x0 + x1) * cross;
    y += (y0 + y1) * cross;
  }
  if (a === 0) {
    const n = ring.length || 1;
    return {
      area: 0,
      x: ring.reduce((s, p) => s + p[0], 0) / n,
      y: ring.reduce((s, p) => s + p[1], 0) / n,
    };
  }
  return { area: Math.abs(a / 2), x: x / (3 * a), y: y / (3 * a) };
}

/** One ring in whole tenths, relative after the first point ("M4829 2981l2-1 3-2z"). */
function ringPath(ring: Point[]): string {
  let out = '';
  let px = 0;
  let py = 0;
  for (const [k, [x, y]] of ring.entries()) {
    const rx = Math.round(x * 10);
    const ry = Math.round(y * 10);
    if (k === 0) out += `M${rx} ${ry}l`;
    else if (rx !== px || ry !== py) {
      const dy = ry - py;
      out += `${k > 1 && rx - px >= 0 ? ' ' : ''}${rx - px}${dy < 0 ? '' : ' '}${dy}`;
    }
    px = rx;
    py = ry;
  }
  // A speck that rounds to one point has no outline at this scale.
  return out.endsWith('l') ? '' : `${out}z`;
}

export function buildWorldMap(source: {
  viewBox: string;
  locations: { id: string; name: string; path: string }[];
}): { viewBox: string; countries: WorldCountry[] } {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  const countries = source.locations.map((loc): WorldCountry => {
    const rings = parseRings(loc.path);
    let best = { area: -1, x: 0, y: 0 };
    const parts: string[] = [];
    for (const ring of rings) {
      const ac = areaAndCentroid(ring);
      if (ac.area > best.area) best = ac;
      for (const [x, y] of ring) {
        minX = Math.min(minX, x);
        minY = Math.min(minY, y);
        maxX = Math.max(maxX, x);
        maxY = Math.max(maxY, y);
      }
      // Islets that simplify to fewer than three points go; a country keeps at least its largest
      // ring, unsimplified (its dot on the map marks it anyway).
      const small = simplify(ring, 0.2);
      if (small.length >= 3 || rings.length === 1) parts.push(ringPath(small));
    }
    if (parts.length === 0) {
      const largest = rings.reduce((a, b) =>
        areaAndCentroid(b).area > areaAndCentroid(a).area ? b : a,
      );
      parts.push(ringPath(largest));
    }
    return {
      id: loc.id.toUpperCase(),
      name: loc.name,
      d: parts.join(''),
      x: Math.round(best.x * 10),
      y: Math.round(best.y * 10),
    };
  });
  const pad = 20;
  const x0 = Math.floor(minX * 10) - pad;
  const y0 = Math.floor(minY * 10) - pad;
  const w = Math.ceil(maxX * 10) + pad - x0;
  const h = Math.ceil(maxY * 10) + pad - y0;
  return { viewBox: `${x0} ${y0} ${w} ${h}`, countries };
}

const ID = 'virtual:world-map';
const RESOLVED = `\0${ID}`;

/** Serves `virtual:world-map`: `viewBox` and `countries` (see WorldCountry). */
export function worldMap(): Plugin {
  return {
    name: 'coffer-world-map',
    resolveId: (id) => (id === ID ? RESOLVED : null),
    load(id) {
      if (id !== RESOLVED) return null;
      const file = createRequire(import.meta.url).resolve('@svg-maps/world');
      this.addWatchFile(file);
      // The package is an ES module without "type": "module": read it as the JSON it exports.
      const text = readFileSync(file, 'utf8')
        .replace(/^\s*export\s+default\s+/, '')
        .replace(/;?\s*$/, '');
      const map = buildWorldMap(JSON.parse(text));
      return `export const viewBox = ${JSON.stringify(map.viewBox)};\nexport const countries = ${JSON.stringify(map.countries)};\n`;
    },
  };
}
