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
}

export const route = <const R extends RouteSpec>(r: R) => r;
