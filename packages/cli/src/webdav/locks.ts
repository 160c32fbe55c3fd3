import { newNodeId } from '@coffer/crypto';
import { within } from './paths.ts';
import type { XmlElement } from './xml.ts';

// [Note: WebDAV locks]
// Locks live in memory for the gateway's session, keyed by the path they were taken on: a lock
// on a collection at depth infinity covers everything under it, members created later too.
// Whoever submits a lock's token (in the If header) owns it; the same credentials without the
// token do not (RFC 4918 section 6.4). A lock expires after its timeout unless refreshed; COPY
// does not copy locks; MOVE and DELETE drop the locks on what they take away.

export interface Lock {
  token: string;
  root: string[];
  depth: 0 | 'infinity';
  scope: 'exclusive' | 'shared';
  /** The <D:owner> element as the client sent it, echoed back exactly. */
  owner: XmlElement | null;
  timeoutSeconds: number;
  expires: number;
}

const MAX_TIMEOUT = 7 * 24 * 3600;
const DEFAULT_TIMEOUT = 3600;

/** The Timeout header's seconds: the first we understand, at most a week. */
export function timeoutOf(header: string | undefined): number {
  for (const part of (header ?? '').split(',')) {
    const v = part.trim();
    if (/^infinite$/i.test(v)) return MAX_TIMEOUT;
    const m = /^second-(\d+)$/i.exec(v);
    if (m) return Math.min(Math.max(Number(m[1]), 1), MAX_TIMEOUT);
  }
  return DEFAULT_TIMEOUT;
}

function newLockToken(): string {
  const h = `${newNodeId()}${newNodeId()}`.slice(0, 32);
  return `opaquelocktoken:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export class Locks {
  private readonly byToken = new Map<string, Lock>();

  private live(): Lock[] {
    const now = Date.now();
    for (const [t, l] of this.byToken) if (l.expires <= now) this.byToken.delete(t);
    return [...this.byToken.values()];
  }

  /** The locks that cover `names`: on it, or on a collection above it at depth infinity. */
  covering(names: readonly string[]): Lock[] {
    return this.live().filter(
      (l) =>
        (l.root.length === names.length && within(names, l.root)) ||
        (l.depth === 'infinity' && within(names, l.root)),
    );
  }

  /** The locks on `names` or anything under it. */
  below(names: readonly string[]): Lock[] {
    return this.live().filter((l) => within(l.root, names));
  }

  /** The locks a write to `names` must hold the tokens of (`deep`: the whole subtree). */
  blocking(names: readonly string[], deep: boolean, tokens: readonly string[]): Lock[] {
    const held = new Set(tokens);
    const all = deep ? [...this.covering(names), ...this.below(names)] : this.covering(names);
    return all.filter((l) => !held.has(l.token));
  }

  /** Whether a new lock conflicts with a lock already there. */
  conflicts(names: readonly string[], depth: 0 | 'infinity', scope: Lock['scope']): boolean {
    const others = [...this.covering(names), ...(depth === 'infinity' ? this.below(names) : [])];
    return others.some((l) => l.scope === 'exclusive' || scope === 'exclusive');
  }

  take(l: Omit<Lock, 'token' | 'expires'>): Lock {
    const lock = { ...l, token: newLockToken(), expires: Date.now() + l.timeoutSeconds * 1000 };
    this.byToken.set(lock.token, lock);
    return lock;
  }

  refresh(lock: Lock, timeoutSeconds: number) {
    lock.timeoutSeconds = timeoutSeconds;
    lock.expires = Date.now() + timeoutSeconds * 1000;
  }

  get(token: string): Lock | undefined {
    return this.live().find((l) => l.token === token);
  }

  release(token: string) {
    this.byToken.delete(token);
  }

  /** Drops the locks on `names` and under it (it was deleted or moved away). */
  dropBelow(names: readonly string[]) {
    for (const l of this.below(names)) this.byToken.delete(l.token);
  }
}
