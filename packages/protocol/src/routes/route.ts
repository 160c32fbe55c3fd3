import type { z } from 'zod';

export type Auth = 'none' | 'session' | 'operator';

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  auth: Auth;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Absent: 204 No Content. */
  response?: z.ZodType;
  /** The same response shape under another status when `when` holds (readiness: 503). */
  otherStatus?: { status: number; description: string; when: (answer: unknown) => boolean };
  /** Open to app tokens too, confined to the app's folder ([Note: App scope]); absent: 403. */
  app?: AppScope;
}

/**
 * Where a route touches the tree, for app tokens ([Note: App scope]). Each entry is a path
 * into the parsed input: `params.id`, `body.parentId`, `body.files[].nodeId`, `body.folders[]`.
 */
export interface AppScope {
  /** `read`: any app token; `write`: read-write tokens only. */
  access: 'read' | 'write';
  /** Node ids that, when they exist, must be the app's folder or inside it. */
  nodes?: readonly string[];
  /** Node ids that must be strictly inside the app's folder (not the folder itself). */
  below?: readonly string[];
}

export const route = <const R extends RouteSpec>(r: R) => r;
