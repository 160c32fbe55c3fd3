import { z } from 'zod';
import { byteCount, httpUrl } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';

// What an account stores and what the operator offers (tag `usage`, [Note: Account quota]).

export const usageRoutes = {
  usage: route({
    method: 'get',
    path: '/api/account/usage',
    auth: 'session',
    tag: 'usage',
    summary:
      "What the account stores, in bytes: its files as they are now, their older versions and its trash (total is their sum); the operator's per-account quota (null: unlimited) and donation link (null: none).",
    query: z.object({}).strict(),
    response: z.object({
      files: byteCount,
      versions: byteCount,
      trash: byteCount,
      total: byteCount,
      quota: byteCount.nullable(),
      donationUrl: httpUrl.nullable(),
    }),
  }),
} as const satisfies Record<string, RouteSpec>;
