import type { z } from 'zod';

export type Auth = 'none' | 'session' | 'operator';

export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  auth: Auth;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Absent: 204 No Content. */
  response?: z.ZodType;
}

export const route = <const R extends RouteSpec>(r: R) => r;
