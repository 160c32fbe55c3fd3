import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorBody, type RouteName, type RouteSpec, routes } from '@coffer/protocol';
import { CofferClient, FileRequest, PublicLink } from '@coffer/sdk';
import { type Network, type RawResponse, rawRequest, startNetwork } from '@coffer/tests';
import fc from 'fast-check';

// [Note: Stored fields] in protocol: every write the hub accepts must read back through the
// SDK. The SDK makes a real write (mkdir, move, upload, link, request, share, contact book);
// the test catches its body on the way out, breaks one field, sends it over raw HTTP, and
// hands the hub's answer back to the SDK. Then:
// - a broken representation (non-canonical or padded base64url, a stray character, a wrong
//   type, a malformed id, a negative number, …) is a 4xx naming the field;
// - an untouched body, or one with an optional field left out, is taken, and reads back
//   through the SDK (the owner's listing, a visitor's link or request page, shares, contacts);
// - a binary field of a fixed size (a wrapped or sealed key, a signature, a link envelope) is
//   refused at another size. Ciphertexts of any length (metadata, manifests) are not resized
//   here: a changed ciphertext is tampering, which the hub cannot see (that is the point of
//   end-to-end encryption) and the SDK reports as such.

const password = 'correct horse battery staple';
const RUNS = Number(process.env.WRITE_READ_RUNS ?? 50);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];
type Kind = 'valid' | 'broken' | 'resized';
// 'resized' is tried only where the route's schema fixes the size, and must be refused.
interface Mutation {
  kind: Kind;
  path: Path;
  what: string;
  apply: (v: Json) => Json | undefined;
}

const B64 = /^[A-Za-z0-9_-]+$/;
const HEX = /^[0-9a-f]+$/;
/** The last character with its spare bits set: same length, a decoder refuses it. */
const strayBits = (text: string) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // A length with no spare bits loses a character: then it has some.
  const s = text.length % 4 === 0 ? text.slice(0, -1) : text;
  const i = alphabet.indexOf(s.charAt(s.length - 1));
  return `${s.slice(0, -1)}${alphabet[i | 1]}`;
};

/** What can be done to one field, by the type of its value. */
function mutationsOf(path: Path, v: Json, optional: boolean): Mutation[] {
  const m = (kind: Kind, what: string, apply: (v: Json) => Json | undefined): Mutation => ({
    kind,
    path,
    what,
    apply,
  });
  const out: Mutation[] = [m('valid', 'untouched', (x) => x)];
  if (optional) out.push(m('valid', 'left out', () => undefined));
  if (typeof v === 'string') {
    out.push(
      m('broken', 'a number instead', () => 12345),
      m('broken', 'a control character', (x) => `${x}\u0000`),
    );
    if (HEX.test(v)) {
      out.push(
        m('broken', 'upper case', (x) =>
          String(x)
            .toUpperCase()
            .replace(/^[0-9]/, 'A'),
        ),
        m('broken', 'one character short', (x) => String(x).slice(1)),
      );
    } else if (B64.test(v)) {
      out.push(
        m(
          'broken',
          'padded',
          (x) => `${x}${String(x).length % 4 ? '='.repeat(4 - (String(x).length % 4)) : '===='}`,
        ),
        m('broken', 'standard base64 characters', (x) => `+/${String(x).slice(2)}`),
        m('broken', 'a lone trailing character', (x) =>
          String(x).length % 4 === 0 ? `${x}A` : `${String(x).slice(0, -(String(x).length % 4))}A`,
        ),
        m('resized', '3 bytes more', (x) => `AAAA${x}`),
        m('resized', '3 bytes fewer', (x) => String(x).slice(4)),
        m('broken', 'empty', () => ''),
      );
      if (v.length > 1)
        out.push(m('broken', 'stray bits in the last character', (x) => strayBits(String(x))));
    }
  } else if (typeof v === 'number') {
    out.push(
      m('broken', 'negative', () => -1),
      m('broken', 'fractional', (x) => Number(x) + 0.5),
      m('broken', 'a string instead', (x) => String(x)),
      m('broken', 'beyond 2^53', () => 2 ** 60),
    );
  } else if (Array.isArray(v)) {
    out.push(m('broken', 'an object instead', (x) => ({ 0: (x as Json[])[0] ?? null })));
  } else if (v && typeof v === 'object') {
    out.push(m('broken', 'an array instead', () => []));
  }
  return out;
}

function* fieldsOf(v: Json, at: Path = []): Generator<[Path, Json]> {
  if (Array.isArray(v)) {
    if (v.length) {
      yield [[...at, 0], v[0] as Json];
      yield* fieldsOf(v[0] as Json, [...at, 0]);
    }
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      yield [[...at, k], x];
      yield* fieldsOf(x, [...at, k]);
    }
  }
}

function setAt(root: Json, p: Path, f: (v: Json) => Json | undefined): Json {
  const copy = structuredClone(root) as Record<string | number, Json>;
  let cur = copy;
  for (const k of p.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  const last = p.at(-1) as string | number;
  const next = f(cur[last] as Json);
  if (next === undefined) delete cur[last];
  else cur[last] = next;
  return copy;
}

/** Whether the body schema takes the field out: optional fields may be left out. */
function optionalAt(name: RouteName, body: Json, p: Path): boolean {
  const spec: RouteSpec = routes[name];
  return !!spec.body?.safeParse(setAt(body, p, () => undefined)).success;
}

class Refused extends Error {
  constructor(readonly res: RawResponse) {
    super(`refused: ${res.status} ${res.text.slice(0, 200)}`);
  }
}

describe('every write the hub takes reads back through the SDK', () => {
  let net: Network;
  let alice: CofferClient;
  let bob: CofferClient;
  /** The next write to `target` gets `pick` applied to its body. */
  let pending: { target: RouteName; pick: (body: Json) => Json; sent?: RawResponse } | null = null;

  /** Sends the pending write of `hub` broken, and hands the hub's answer back to the SDK. */
  function intercept(hub: CofferClient['hub'], token: () => string | undefined) {
    const call = hub.call.bind(hub);
    hub.call = (async (
      name: RouteName,
      input: { params?: Record<string, string>; body?: Json },
    ) => {
      const p = pending;
      if (!p || p.target !== name) return call(name as never, input as never);
      pending = null;
      const spec: RouteSpec = routes[name];
      const path = spec.path.replace(/\{(\w+)\}/g, (_, k: string) => input.params?.[k] ?? '');
      const bearer = token();
      const res = await rawRequest(`${net.hubUrl}${path}`, {
        method: spec.method.toUpperCase(),
        headers: {
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          'content-type': 'application/json',
        },
        body: JSON.stringify(p.pick(input.body as Json)),
        timeoutMs: 30_000,
      });
      p.sent = res;
      if (res.status >= 300) throw new Refused(res);
      return spec.response ? spec.response.parse(res.json) : undefined;
    }) as typeof hub.call;
  }

  before(async () => {
    net = await startNetwork({ hosts: 3 });
    const signup = async (email: string) =>
      (await CofferClient.signup({ hubUrl: net.hubUrl, email, password })).client;
    [alice, bob] = await Promise.all([signup('alice@example.com'), signup('bob@example.com')]);
    intercept(alice.hub, () => alice.saved().token);
    await alice.mkdir('/rb');
    await alice.upload('/rb/linked.txt', new TextEncoder().encode('a file to link'));
  });
  after(async () => {
    await net?.close();
  });

  /** Runs `write` with one field of its `target` body broken, then checks the outcome. */
  async function property(
    target: RouteName,
    write: (run: number) => Promise<unknown>,
    readBack: (written: unknown) => Promise<unknown>,
    prepare: (run: number) => Promise<void> = async () => undefined,
  ) {
    // One real body, to learn the fields of this route.
    let sample: Json = null;
    pending = {
      target,
      pick: (b) => {
        sample = b;
        return b;
      },
    };
    await prepare(-1);
    const first = await write(-1);
    await readBack(first);
    const body = (routes[target] as RouteSpec).body;
    const mutations = [...fieldsOf(sample)]
      .flatMap(([p, v]) => mutationsOf(p, v, optionalAt(target, sample, p)))
      .filter(
        (m) => m.kind !== 'resized' || !body?.safeParse(setAt(sample, m.path, m.apply)).success,
      );
    let run = 0;
    const seen: Record<Kind, number> = { valid: 0, broken: 0, resized: 0 };
    const mutations0 = mutations.length;
    assert.ok(mutations0 > 0);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...mutations), async (mutation) => {
        run++;
        await prepare(run);
        let sent: Json = null;
        let applied = true;
        pending = {
          target,
          pick: (b) => {
            sent = b;
            // Arrays of another length than the sample's: nothing to break at that path.
            try {
              return setAt(b, mutation.path, mutation.apply);
            } catch {
              applied = false;
              return b;
            }
          },
        };
        const p = pending;
        let written: unknown;
        let error: unknown;
        try {
          written = await write(run);
        } catch (e) {
          error = e;
        }
        const res = p.sent;
        const where = `${target}: ${mutation.what} at ${mutation.path.join('.')}`;
        assert.ok(res, `${where}: the SDK never sent the write (${String(error)})`);
        if (res.status < 300) {
          assert.equal(
            error,
            undefined,
            `${where}: the SDK failed after the write: ${String(error)}`,
          );
          assert.ok(mutation.kind === 'valid' || !applied, `${where}: taken (${res.status})`);
          try {
            await readBack(written);
          } catch (e) {
            assert.fail(
              `${where}: taken, and then the SDK cannot read it back: ${String(e)}\nbody: ${JSON.stringify(sent).slice(0, 500)}`,
            );
          }
          seen[mutation.kind]++;
          return;
        }
        assert.ok(res.status >= 400 && res.status < 500, `${where}: ${res.status} ${res.text}`);
        const parsed = errorBody.safeParse(res.json);
        assert.ok(parsed.success, `${where}: no JSON error body: ${res.text.slice(0, 200)}`);
        const { code, message, field } = parsed.data.error;
        if (mutation.kind === 'valid') {
          // Left out or untouched, a write may still conflict; it is never malformed.
          assert.notEqual(code, 'validation', `${where}: refused as malformed: ${message}`);
        } else if (code === 'validation') {
          assert.ok(field && message.includes(field), `${where}: names no field: ${message}`);
        }
        seen[mutation.kind]++;
      }),
      { numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
    );
    assert.ok(seen.broken > 0, `${target}: no broken field was tried`);
  }

  const listRb = () => alice.list('/rb');

  test('folders: createFolder', async () => {
    await property(
      'createFolder',
      (run) => alice.mkdir(`/rb/folder-${run}`),
      () => listRb(),
    );
  });

  test('renames: updateNode', async () => {
    await property(
      'updateNode',
      (run) => alice.move(`/rb/move-${run}`, `/rb/moved-${run}`),
      () => listRb(),
      async (run) => {
        await alice.mkdir(`/rb/move-${run}`);
      },
    );
  });

  test('files: commitUpload', async () => {
    await property(
      'commitUpload',
      (run) => alice.upload(`/rb/file-${run}.txt`, new TextEncoder().encode(`file ${run}`)),
      async () => {
        for (const e of await listRb()) {
          if (e.kind !== 'file') continue;
          const bytes = new Uint8Array(
            await new Response((await alice.download(`/rb/${e.name}`)).stream).arrayBuffer(),
          );
          assert.match(new TextDecoder().decode(bytes), /^(a )?file/);
        }
      },
    );
  });

  test('public links: createLink', async () => {
    await property(
      'createLink',
      () =>
        alice.links.create('/rb/linked.txt', {
          expiresAt: Date.now() + 86_400_000,
          maxDownloads: 5,
        }),
      async (created) => {
        await alice.links.list();
        const link = await PublicLink.open((created as { url: string }).url);
        assert.ok(link);
      },
    );
  });

  test('file requests: createRequest', async () => {
    await property(
      'createRequest',
      () => alice.requests.create('/rb', { title: 'send me things', maxFiles: 3 }),
      async (created) => {
        await alice.requests.list();
        assert.ok(await FileRequest.open((created as { url: string }).url));
      },
    );
  });

  test('shares: putShare', async () => {
    await property(
      'putShare',
      (run) => alice.shares.share(`/share-${run}`, 'bob@example.com', 'read'),
      async () => {
        await alice.shares.outgoing();
        for (const s of await bob.shares.incoming()) await bob.listOpen(s.folder);
      },
      async (run) => {
        await alice.mkdir(`/share-${run}`);
      },
    );
  });

  describe('files sent to a file request', () => {
    let visitor: FileRequest;
    before(async () => {
      await alice.mkdir('/inbox');
      const request = await alice.requests.create('/inbox', { title: 'drop here' });
      visitor = await FileRequest.open(request.url);
      // The visitor's own hub client, with no session.
      intercept((visitor as unknown as { hub: CofferClient['hub'] }).hub, () => undefined);
    });
    const send = (run: number) =>
      visitor.send(`drop-${run}.txt`, new TextEncoder().encode(`dropped ${run}`));
    const received = async () => {
      await alice.requests.collect();
      for (const e of await alice.list('/inbox')) {
        const bytes = await new Response((await alice.download(`/inbox/${e.name}`)).stream).text();
        assert.match(bytes, /^dropped/);
      }
    };

    test('a visitor sends: requestSend', async () => {
      await property('requestSend', send, received);
    });

    test('the owner takes them in: acceptDrops', async () => {
      await property(
        'acceptDrops',
        () => alice.requests.collect(),
        async () => {
          for (const e of await alice.list('/inbox')) {
            await new Response((await alice.download(`/inbox/${e.name}`)).stream).text();
          }
        },
        (run) => send(run),
      );
    });
  });

  test('the contact book: saveContactBook', async () => {
    await property(
      'saveContactBook',
      async () => {
        const known = (await alice.contacts.list()).some((c) => c.email === 'bob@example.com');
        if (known) await alice.contacts.remove('bob@example.com');
        else await alice.contacts.add('bob@example.com');
      },
      () => alice.contacts.list(),
    );
  });
});
