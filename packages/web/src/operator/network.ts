// What the operator's dashboard reads from the admin API with the operator token, kept fresh
// while it is open.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { HostState } from '../host-bits.tsx';
import type { CountryFigures } from './world-map.tsx';

/** A host as GET /api/admin/hosts describes it. */
export interface HostRow {
  id: string;
  url: string;
  country: string;
  declaredCountry: string | null;
  countryConfirmed: boolean;
  tags: Record<string, string>;
  tagsConfirmed: boolean;
  capacity: number;
  usedBytes: number;
  chunks: number;
  online: boolean;
  state: HostState;
  audits: { passed: number; failed: number };
  vetted: boolean;
  /** A personal server, which takes only its owner's data. */
  personal: boolean;
  /** The filesystem under its store, from its last hello; null: not reported. */
  disk: { freeBytes: number; sizeBytes: number } | null;
  /** Declares more space than its disk has free. */
  overcommitted: boolean;
  uptime: number;
  bytesIn: number;
  bytesOut: number;
  lastSeenAt: number;
  registeredAt: number;
}

export interface Stats {
  accounts: number;
  files: number;
  folders: number;
  revisions: number;
  chunks: number;
  storedBytes: number;
  hosts: number;
  hostsOnline: number;
  capacity: number;
  /** The real disks under the hosts that report them, each disk once. */
  disk: { freeBytes: number; sizeBytes: number; reporting: number; overcommitted: number };
  repair: {
    underReplicated: number;
    copiedLastRound: number;
    failedLastRound: number;
    copiedTotal: number;
    lastRoundAt: number | null;
  };
  /** Each host's bytes three ways ([Note: Accounting] in the hub's services/accounting.ts). */
  accounting: {
    id: string;
    country: string;
    storedBytes: number;
    replicaBytes: number;
    reportedBytes: number;
    agrees: boolean;
    lasting: boolean;
  }[];
  drifting: number;
}

/** One sample of GET /api/admin/history. */
export interface Point {
  at: number;
  hosts: number;
  hostsOnline: number;
  capacity: number;
  storedBytes: number;
  accounts: number;
  files: number;
  chunks: number;
  underReplicated: number;
  repairQueue: number;
  copied: number;
}

export const RANGES = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
};
export type Range = keyof typeof RANGES;
const REFRESH_MS = 10_000;
const TOKEN_KEY = 'coffer.operator';

/**
 * Merges samples down to at most `max`: the last value of each group, the highest for the
 * repair backlog (a peak must not vanish), and the sum of repair copies.
 */
export function thin(points: Point[], max: number): Point[] {
  if (points.length <= max) return points;
  const size = Math.ceil(points.length / max);
  const out: Point[] = [];
  // Groups end on the newest sample, so the last point drawn is always the latest.
  for (let end = points.length; end > 0; end -= size) {
    const group = points.slice(Math.max(0, end - size), end);
    const last = group[group.length - 1] as Point;
    out.push({
      ...last,
      underReplicated: Math.max(...group.map((p) => p.underReplicated)),
      repairQueue: Math.max(...group.map((p) => p.repairQueue)),
      copied: group.reduce((s, p) => s + p.copied, 0),
    });
  }
  return out.reverse();
}

/** Hosts per country, busiest first. */
export function byCountry(hosts: HostRow[]): CountryFigures[] {
  const m = new Map<string, CountryFigures>();
  for (const h of hosts) {
    if (h.state === 'exited') continue;
    const c = m.get(h.country) ?? {
      code: h.country,
      hosts: 0,
      online: 0,
      capacity: 0,
      usedBytes: 0,
    };
    c.hosts++;
    if (h.online) c.online++;
    c.capacity += h.capacity;
    c.usedBytes += h.usedBytes;
    m.set(h.country, c);
  }
  return [...m.values()].sort((a, b) => b.hosts - a.hosts || a.code.localeCompare(b.code));
}

/**
 * The network's figures, hosts and history over `range`. `show` loads them with the token typed
 * in; after that they refresh every few seconds while the tab is visible, fetching only the
 * history samples that are new.
 */
export function useNetwork() {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [data, setData] = useState<{ stats: Stats; hosts: HostRow[]; at: number } | null>(null);
  const [points, setPoints] = useState<Point[]>([]);
  const [range, setRange] = useState<Range>('day');
  const [error, setError] = useState<string | null>(null);
  const active = useRef<{ token: string; range: Range } | null>(null);
  const pointsRef = useRef<Point[]>([]);
  /** The last load started: an answer to an earlier one is older, and never shown over it. */
  const latest = useRef(0);

  const load = useCallback(async (tok: string, r: Range, full: boolean) => {
    const seq = ++latest.current;
    const get = async (p: string) => {
      const res = await fetch(p, { headers: { authorization: `Bearer ${tok}` } });
      const body = await res.json();
      if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
      return body;
    };
    const now = Date.now();
    const from = now - RANGES[r];
    const kept = full ? [] : pointsRef.current.filter((p) => p.at >= from);
    const since = kept.length > 0 ? (kept[kept.length - 1] as Point).at + 1 : from;
    try {
      const [stats, hosts, history] = await Promise.all([
        get('/api/admin/stats'),
        get('/api/admin/hosts'),
        get(`/api/admin/history?since=${Math.max(0, Math.floor(since))}`),
      ]);
      // The timer and a Refresh click can overlap; the slower answer may be the older one.
      if (seq !== latest.current) return;
      sessionStorage.setItem(TOKEN_KEY, tok);
      active.current = { token: tok, range: r };
      pointsRef.current = [...kept, ...(history.points as Point[])];
      setPoints(pointsRef.current);
      setData({ stats, hosts: hosts.hosts, at: Date.now() });
      setError(null);
    } catch (e) {
      if (seq === latest.current) setError((e as Error).message);
    }
  }, []);

  // A token kept from earlier in this tab loads at once; later loads come from the form.
  const kept = useRef(token);
  useEffect(() => {
    if (kept.current) void load(kept.current, 'day', true);
  }, [load]);
  // Fresh figures every few seconds while the tab is visible.
  useEffect(() => {
    const timer = setInterval(() => {
      const a = active.current;
      if (a && document.visibilityState === 'visible') void load(a.token, a.range, false);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  return {
    token,
    setToken,
    data,
    points,
    range,
    error,
    show: () => void load(token, range, true),
    refresh: () => {
      if (active.current) void load(active.current.token, range, false);
    },
    changeRange: (r: Range) => {
      setRange(r);
      if (active.current) void load(active.current.token, r, true);
    },
  };
}
