import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { type AppClient, CofferClient, connectApp, type RetryPolicy } from '@coffer/sdk';
import {
  cli,
  type Network,
  onEachDatabase,
  signedUpPeople,
  startNetwork,
  until,
} from '../../src/index.ts';

// The setup of the app tests (test/apps/*.test.ts; [Note: App tokens], [Note: App scope],
// [Note: App grants]): on each database, a network where alice (signed up through the CLI,
// logged in here too) has /Photos (with Sub and in.txt) and /Private (with out.txt), and an app
// that asked for /Photos read-write and was approved through the CLI, which asked first.

export const FAST: RetryPolicy = { maxElapsedMs: 1500, firstDelayMs: 50, maxDelayMs: 200 };
export const enc = (s: string) => new TextEncoder().encode(s);
export const dec = (b: Uint8Array) => new TextDecoder().decode(b);
export const readAll = async (stream: ReadableStream<Uint8Array>) =>
  new Uint8Array(await new Response(stream).arrayBuffer());

export interface AppsSuite {
  net: Network;
  alice: CofferClient;
  people: Awaited<ReturnType<typeof signedUpPeople>>;
  /** Approved for /Photos, read-write. */
  app: AppClient;
  ids: Record<'photos' | 'sub' | 'inFile' | 'private' | 'outFile' | 'root', string>;
  /** Connects an app, approving its code with `approve` once it shows one. */
  connect(
    o: { access: 'read' | 'readwrite'; folder?: string; hub?: string },
    approve: (code: string) => Promise<unknown>,
  ): Promise<AppClient>;
  /** Approves a code with `coffer apps approve CODE ARGS --json`, `input` on its stdin. */
  approveByCli(args?: string[], input?: string): (code: string) => Promise<unknown>;
}

/** `tests` on SQLite and PostgreSQL, each with the network above (read `s` inside tests). */
export function appsSuite(title: string, tests: (s: AppsSuite) => void) {
  onEachDatabase(title, (dialect) => {
    const s = {} as AppsSuite;
    s.connect = async (o, approve) => {
      let approval: Promise<unknown> | undefined;
      const client = connectApp({
        hub: o.hub ?? s.net.hubUrl,
        name: 'Photo uploader',
        access: o.access,
        ...(o.folder ? { folder: o.folder } : {}),
        retry: FAST,
        onCode: ({ userCode }) => {
          approval = approve(userCode);
        },
      });
      const [c] = await Promise.all([
        client,
        until('the app shows its code', () => approval).then((a) => a),
      ]);
      return c;
    };
    s.approveByCli =
      (args = [], input) =>
      async (code) => {
        const r = await cli(
          ['apps', 'approve', code, ...args, '--json'],
          s.people.env('alice'),
          input,
        );
        assert.equal(r.code, 0, r.stderr);
        return r;
      };
    before(async () => {
      // A quota far above what the tests store, so that an app's refusal can be seen.
      s.net = await startNetwork({ hosts: 2, dialect, hubConfig: { accountQuota: '1GiB' } });
      s.people = await signedUpPeople(s.net, ['alice']);
      const alice = await CofferClient.login({
        hubUrl: s.net.hubUrl,
        email: 'alice@example.com',
        password: 'pw',
      });
      s.alice = alice;
      await alice.mkdir('/Photos/Sub', { parents: true });
      await alice.mkdir('/Private');
      await alice.upload('/Photos/in.txt', enc('inside the folder'));
      await alice.upload('/Private/out.txt', enc('outside the folder'));
      const node = async (p: string) => (await alice.resolve(p)).info.id;
      s.ids = {
        root: (await alice.root()).info.id,
        photos: await node('/Photos'),
        sub: await node('/Photos/Sub'),
        inFile: await node('/Photos/in.txt'),
        private: await node('/Private'),
        outFile: await node('/Private/out.txt'),
      };
      // Approved through the CLI, which asks first: "y" on its input.
      s.app = await s.connect(
        { access: 'readwrite', folder: '/Photos' },
        s.approveByCli([], 'y\n'),
      );
    });
    after(() => s.net?.close());
    tests(s);
  });
}

/** A raw call to the hub with bearer `token`: its status and JSON body (null if none). */
export function hubCaller(hubUrl: string, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hubUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json().catch(() => null)) as unknown };
  };
}

/** A request body with well-formed (if useless) keys, for raw calls. */
export function requestBody(access: 'read' | 'readwrite') {
  return {
    name: 'Photo uploader',
    access,
    folder: '/Photos',
    publicKey: 'A'.repeat(43),
    signingKey: 'A'.repeat(43),
  };
}
