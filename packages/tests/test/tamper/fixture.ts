import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { CofferError } from '@coffer/errors';
import type { AccountInfo, NodeInfo } from '@coffer/protocol';
import { CofferClient, type RetryPolicy, type SavedSession } from '@coffer/sdk';
import {
  type JsonRewrite,
  type Network,
  startNetwork,
  startTamperProxy,
  type TamperProxy,
} from '@coffer/tests';

// The setup and tools of the tamper tests (test/tamper/*.test.ts). A malicious hub and
// malicious hosts: the client talks to the real network through tampering proxies (see [Note:
// Tampering proxy]), which change one thing a hub or host controls. Each test first does the
// operation with nobody lying (it must succeed and return the right data), then with the lie:
// the SDK must throw a typed error, or, where an honest replica remains, return the right data
// anyway. Never wrong data, never a silent success. Each test file that imports this module
// starts its own network (before) and stops it (after).

/** Fail fast instead of retrying a lie for two minutes. */
export const FAST: RetryPolicy = { maxElapsedMs: 1500, firstDelayMs: 50, maxDelayMs: 200 };
export const enc = (s: string) => new TextEncoder().encode(s);

export let net: Network;
export let hubProxy: TamperProxy;
/** One tampering proxy per host, by the host's real URL. */
export const hostProxies = new Map<string, TamperProxy>();
export let alice: CofferClient;
export let bob: CofferClient;
export let aliceSaved: SavedSession;
export let bobAccount: AccountInfo;
/** Alice, through the hub proxy. */
export let via: CofferClient;
export const password = 'correct horse battery staple';

export const CONTENT = {
  a: enc('alpha: the first file in /docs'),
  b: enc('bravo: the second file in /docs, a little longer than the first'),
  c: enc('charlie: a file in /other'),
  multi1: enc('revision one of multi.txt'),
  multi2: enc('revision two of multi.txt, which replaced revision one'),
  big: new Uint8Array(3000).map((_, i) => (i * 31 + 7) & 0xff),
  p1: enc('packed one'),
  p2: enc('packed two, in the same pack'),
};

export const id = {} as Record<
  'root' | 'docs' | 'other' | 'a' | 'b' | 'c' | 'multi' | 'big' | 'p1' | 'p2' | 'trashed',
  string
>;
export const chunk = {} as Record<'a' | 'b', string>;
export let manifest: { a: string; b: string; multi1: string; multi2: string };
/** multi.txt's node as the hub served it at revision 1 (a hub can keep old answers). */
export let multiAtRev1: NodeInfo;

before(async () => {
  net = await startNetwork({
    // Every login test logs in; the limiter must not turn lies into 429s.
    hubConfig: { login: { perEmail: 1000, perAddress: 100_000, windowSeconds: 60 } },
  });
  hubProxy = await startTamperProxy(net.hubUrl);
  for (const h of net.hosts) hostProxies.set(h.url, await startTamperProxy(h.url));

  ({ client: alice } = await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: 'alice@example.com',
    password,
  }));
  ({ client: bob } = await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: 'bob@example.com',
    password,
  }));
  aliceSaved = alice.saved();
  bobAccount = await bob.hub.call('account', {});
  await bob.upload('/bob.txt', enc('bob'));

  await alice.upload('/docs/a.txt', CONTENT.a, { parents: true });
  await alice.upload('/docs/b.txt', CONTENT.b);
  await alice.upload('/other/c.txt', CONTENT.c, { parents: true });
  await alice.upload('/docs/multi.txt', CONTENT.multi1);
  const docs = await alice.resolve('/docs');
  id.docs = docs.info.id;
  id.multi = (await alice.resolve('/docs/multi.txt')).info.id;
  multiAtRev1 = await alice.hub.call('getNode', { params: { id: id.multi }, query: {} });
  await alice.upload('/docs/multi.txt', CONTENT.multi2);
  await alice.upload('/docs/big.bin', CONTENT.big, { chunkSize: 1024 });
  id.trashed = (await alice.upload('/docs/trashed.txt', enc('in the trash'))).id;
  await alice.trash('/docs/trashed.txt');
  await alice.uploadMany(
    [
      { path: '/packed/p1.txt', bytes: CONTENT.p1 },
      { path: '/packed/p2.txt', bytes: CONTENT.p2 },
    ],
    { parents: true },
  );

  id.root = alice.keys.rootId;
  id.other = (await alice.resolve('/other')).info.id;
  for (const k of ['a', 'b', 'big'] as const)
    id[k] = (await alice.resolve(`/docs/${k === 'big' ? 'big.bin' : `${k}.txt`}`)).info.id;
  id.c = (await alice.resolve('/other/c.txt')).info.id;
  id.p1 = (await alice.resolve('/packed/p1.txt')).info.id;
  id.p2 = (await alice.resolve('/packed/p2.txt')).info.id;
  const firstChunks = async (node: string) =>
    (await alice.hub.call('revisions', { params: { id: node } })).revisions[0]?.chunkIds ?? [];
  assert.deepEqual(await firstChunks(id.p1), await firstChunks(id.p2), 'p1 and p2 share a pack');
  chunk.a = (await firstChunks(id.a))[0] as string;
  chunk.b = (await firstChunks(id.b))[0] as string;
  assert.equal((await firstChunks(id.big)).length, 3, 'big.bin is stored as three chunks');

  const withManifest = async (node: string) =>
    (await alice.hub.call('getNode', { params: { id: node }, query: { include: 'manifest' } }))
      .manifest as string;
  const revs = (await alice.hub.call('revisions', { params: { id: id.multi } })).revisions;
  manifest = {
    a: await withManifest(id.a),
    b: await withManifest(id.b),
    multi1: revs.find((r) => r.revision === 1)?.manifest as string,
    multi2: revs.find((r) => r.revision === 2)?.manifest as string,
  };

  via = await CofferClient.resume({ ...aliceSaved, hubUrl: hubProxy.url }, { retry: FAST });
});

after(async () => {
  await hubProxy?.close();
  for (const p of hostProxies.values()) await p.close();
  await net?.close();
});

// ---- tampering tools ----------------------------------------------------------------------

/** How many times a hook actually changed something during the current tampered run. */
export let changes = 0;
export const changed = <T>(v: T): T => {
  changes++;
  return v;
};

/** Flips one bit of a base64url value, keeping it well-formed base64url. */
export function flip(b64: string, at = 0.5): string {
  const bytes = Buffer.from(b64, 'base64url');
  const i = Math.min(bytes.length - 1, Math.floor(bytes.length * at));
  bytes[i] = (bytes[i] as number) ^ 0x01;
  return bytes.toString('base64url');
}

export const randomHex = (n: number) =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');

export const childrenOf = (folder: string) => `/api/nodes/${folder}/children`;

/** A rewrite of the nodes in the hub's children answers for `folder`. */
export function onChildren(
  folder: string,
  edit: (nodes: NodeInfo[], search: string) => NodeInfo[] | undefined,
): JsonRewrite {
  return (path, _method, json, req) => {
    if (path !== childrenOf(folder)) return json;
    const body = json as { nodes: NodeInfo[] };
    return { ...body, nodes: edit(body.nodes, req.search) ?? body.nodes };
  };
}

/** A rewrite of one node wherever the hub serves it (listings, lookups, getNode). */
export function onNode(nodeId: string, edit: (n: NodeInfo) => NodeInfo): JsonRewrite {
  return (_path, _method, json) => {
    const body = json as { nodes?: NodeInfo[]; id?: string };
    if (Array.isArray(body.nodes)) {
      return {
        ...body,
        nodes: body.nodes.map((n) => (n.id === nodeId ? changed(edit({ ...n })) : n)),
      };
    }
    if (body.id === nodeId && 'wrappedKey' in body) return changed(edit({ ...(body as NodeInfo) }));
    return json;
  };
}

/** Sends every chunk read through the host proxies (locate answers name the hosts). */
export function throughHostProxies(json: unknown) {
  const body = json as { chunks: { id: string; replicas: { url: string }[] }[] };
  for (const c of body.chunks) {
    for (const r of c.replicas) {
      const p = hostProxies.get(r.url);
      assert.ok(p, `a locate answer names an unknown host ${r.url}`);
      r.url = p.url;
    }
  }
  return body;
}

export const LOCATE = '/api/chunks/locate';

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.length;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const download = async (path: string, o: { revision?: number } = {}) =>
  readAll((await via.download(path, o)).stream);

export function resetProxies() {
  hubProxy.reset();
  for (const p of hostProxies.values()) p.reset();
  changes = 0;
}

export type ErrorClass = new (...args: never[]) => CofferError;

/** A short description of what an operation returned, for failure messages. */
export function show(v: unknown): string {
  if (v instanceof Uint8Array) {
    return `${v.length} bytes: ${JSON.stringify(Buffer.from(v).toString('utf8').slice(0, 80))}`;
  }
  return JSON.stringify(v)?.slice(0, 200) ?? String(v);
}

/** Operations already seen to succeed honestly (for the slow ones: logins). */
export const honestDone = new Set<string>();

/** The operation, through the proxies with nobody lying: it must succeed and pass `check`. */
export async function honestly<T>(o: {
  op: () => Promise<T>;
  check: (v: T) => void;
  honestOnce?: string;
}) {
  if (o.honestOnce && honestDone.has(o.honestOnce)) return;
  resetProxies();
  hubProxy.rewrite = (p, _m, json) => (p === LOCATE ? throughHostProxies(json) : json);
  o.check(await o.op());
  assert.equal(changes, 0);
  resetProxies();
  if (o.honestOnce) honestDone.add(o.honestOnce);
}

/** Installs the lie: `hub` sees answers after reads were routed through the host proxies. */
export function install(o: { hub?: JsonRewrite; hosts?: (proxy: TamperProxy) => void }) {
  const tamper = o.hub;
  hubProxy.rewrite = (p, m, json, r) => {
    const routed = p === LOCATE ? throughHostProxies(json) : json;
    return tamper ? tamper(p, m, routed, r) : routed;
  };
  for (const p of hostProxies.values()) o.hosts?.(p);
}

/**
 * Runs `op` honestly through the proxies (it must succeed and pass `check`), then with the
 * hooks installed: it must fail with `expected`, and the hooks must have changed something.
 */
export async function lie<T>(o: {
  op: () => Promise<T>;
  check: (v: T) => void;
  hub?: JsonRewrite;
  /** Installed on every host proxy. */
  hosts?: (proxy: TamperProxy) => void;
  /** The typed error the client must throw (any of them, when several are acceptable). */
  expected: ErrorClass | ErrorClass[];
  message?: RegExp;
  /** Check the honest run once per file under this name (for slow operations). */
  honestOnce?: string;
}): Promise<Error> {
  await honestly(o);
  install(o);
  try {
    const result = await o.op().then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    assert.ok(changes > 0, 'the tampering hook never changed anything: the test proves nothing');
    if (result.ok) assert.fail(`the tampered operation succeeded with ${show(result.v)}`);
    const e = result.e as Error;
    const expected = Array.isArray(o.expected) ? o.expected : [o.expected];
    assert.ok(
      expected.some((c) => e instanceof c),
      `expected ${expected.map((c) => c.name).join(' or ')}, got ${e?.constructor?.name}: ${e?.message}`,
    );
    if (o.message) assert.match(e.message, o.message);
    if (process.env.TAMPER_DEBUG) console.log(`  -> ${e.constructor.name}: ${e.message}`);
    return e;
  } finally {
    resetProxies();
  }
}

/** Like `lie`, for a lie the client must see through: the right answer comes back anyway. */
export async function survives<T>(o: {
  op: () => Promise<T>;
  check: (v: T) => void;
  hub?: JsonRewrite;
  hosts?: (proxy: TamperProxy) => void;
  honestOnce?: string;
}) {
  await honestly(o);
  install(o);
  try {
    o.check(await o.op());
    assert.ok(changes > 0, 'the tampering hook never changed anything: the test proves nothing');
  } finally {
    resetProxies();
  }
}

export const sameBytes = (expected: Uint8Array) => (got: Uint8Array) =>
  assert.deepEqual(Buffer.from(got), Buffer.from(expected));
