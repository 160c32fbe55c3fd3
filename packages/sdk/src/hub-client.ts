import { IntegrityError, NotFoundError } from '@coffer/errors';
import {
  fromErrorBody,
  type RouteInput,
  type RouteName,
  type RouteResponse,
  type RouteSpec,
  routes,
} from '@coffer/protocol';
import { DEFAULT_RETRY, type RetryPolicy, sendOrThrow, withRetry } from './retry.ts';
import { RetryCounter, type RetryEvent } from './retry-count.ts';

export interface HubClientOptions {
  hubUrl: string;
  token?: string | undefined;
  retry?: RetryPolicy;
  /** Told of each retried call (to log it); `retries` counts them either way. */
  onRetry?: ((e: RetryEvent) => void) | undefined;
}

/** What most of the SDK needs of the hub: typed calls (a fake in unit tests). */
export type HubCalls = Pick<HubClient, 'call'>;

/** Typed calls to the hub's route table; every response is checked against its schema. */
export class HubClient {
  readonly hubUrl: string;
  token: string | undefined;
  /** The calls retried so far, by route (and chunk puts sent again, see storeChunk). */
  readonly retries: RetryCounter;
  private readonly retry: RetryPolicy;

  constructor(o: HubClientOptions) {
    this.hubUrl = o.hubUrl.replace(/\/+$/, '');
    this.token = o.token;
    this.retry = o.retry ?? DEFAULT_RETRY;
    this.retries = new RetryCounter(o.onRetry);
  }

  call<N extends RouteName>(
    name: N,
    input: RouteInput<N>,
    signal?: AbortSignal,
  ): Promise<RouteResponse<N>> {
    return withRetry(
      () => this.once(name, input, signal),
      this.retry,
      signal,
      (attempt, error, waitMs) => this.retries.note({ kind: name, attempt, error, waitMs }),
    );
  }

  private async once<N extends RouteName>(
    name: N,
    input: RouteInput<N>,
    signal?: AbortSignal,
  ): Promise<RouteResponse<N>> {
    const spec: RouteSpec = routes[name];
    const parts = input as { params?: Record<string, string>; query?: object; body?: unknown };
    let path = spec.path.replace(/\{(\w+)\}/g, (_, k: string) =>
      encodeURIComponent(parts.params?.[k] ?? ''),
    );
    if (parts.query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(parts.query)) if (v !== undefined) q.set(k, String(v));
      if ([...q].length) path += `?${q}`;
    }
    const headers: Record<string, string> = {};
    if (spec.auth !== 'none' && this.token) headers.authorization = `Bearer ${this.token}`;
    if (parts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await sendOrThrow(
      this.hubUrl + path,
      {
        method: spec.method.toUpperCase(),
        headers,
        ...(parts.body !== undefined
          ? { body: new TextEncoder().encode(JSON.stringify(parts.body)) }
          : {}),
        signal,
      },
      name,
    );
    const text = new TextDecoder().decode(res.body);
    let json: unknown;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (res.status < 200 || res.status > 299)
      throw explained(spec, fromErrorBody(res.status, json, name));
    if (!spec.response) return undefined as RouteResponse<N>;
    const parsed = spec.response.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new IntegrityError(
        `${name}: the hub's answer fails verification: it does not match the protocol (tampered with, or a hub of another version)`,
        { detail: `${name} response: ${issue?.path.join('.')}: ${issue?.message}` },
      );
    }
    return parsed.data as RouteResponse<N>;
  }
}

/**
 * The ids the SDK sends to tree routes come from the hub's own listings, so a 404 there means
 * the node went away since (another device deleted it) or the hub's answers disagree: say so,
 * rather than "id: no such file or folder", which reads like a typo of the user's.
 */
function explained(spec: RouteSpec, e: Error): Error {
  if (!(e instanceof NotFoundError) || spec.tag !== 'tree') return e;
  return new NotFoundError(
    'a file or folder the hub listed a moment ago is gone, or no longer shared with you: changed meanwhile (from another device?), or the hub’s answers do not agree',
    { cause: e, detail: e.message },
  );
}
