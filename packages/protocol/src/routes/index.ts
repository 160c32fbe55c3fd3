import type { z } from 'zod';
import { accountDeletionRoutes } from './account-delete.ts';
import { accountRoutes } from './accounts.ts';
import { adminRoutes } from './admin.ts';
import { appRoutes } from './apps.ts';
import { changeRoutes } from './changes.ts';
import { contactRoutes } from './contacts.ts';
import { feedRoutes } from './feed.ts';
import { groupCopyRoutes } from './group-copies.ts';
import { groupRoutes } from './groups.ts';
import { hostRegistryRoutes } from './hosts.ts';
import { linkRoutes } from './links.ts';
import { metaRoutes } from './meta.ts';
import { mirrorRoutes } from './mirrors.ts';
import { requestRoutes } from './requests.ts';
import type { RouteSpec } from './route.ts';
import { secondFactorRoutes } from './second-factor.ts';
import { shareRoutes } from './shares.ts';
import { syncStateRoutes } from './sync-state.ts';
import { treeRoutes } from './tree.ts';
import { uploadRoutes } from './uploads.ts';
import { usageRoutes } from './usage.ts';

// [Note: Route table]
// Every hub route is declared once, in the file of its area under routes/: method, path, who
// may call it, and zod schemas for its parameters, query, body and response. The hub validates
// requests against it, the SDK validates responses against it, and /api/openapi.json is
// generated from it. A new area adds its file and one line below.

export const routes = {
  ...metaRoutes,
  ...accountRoutes,
  ...accountDeletionRoutes,
  ...secondFactorRoutes,
  ...contactRoutes,
  ...shareRoutes,
  ...appRoutes,
  ...groupRoutes,
  ...groupCopyRoutes,
  ...feedRoutes,
  ...mirrorRoutes,
  ...linkRoutes,
  ...requestRoutes,
  ...treeRoutes,
  ...changeRoutes,
  ...syncStateRoutes,
  ...uploadRoutes,
  ...usageRoutes,
  ...hostRegistryRoutes,
  ...adminRoutes,
} as const satisfies Record<string, RouteSpec>;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type In<S> = S extends z.ZodType ? z.input<S> : undefined;
export type RouteResponse<N extends RouteName> = Routes[N] extends { response: infer R }
  ? Out<R>
  : undefined;
export type RouteInput<N extends RouteName> = {
  [K in 'params' | 'query' | 'body' as Routes[N] extends Record<K, z.ZodType> ? K : never]: In<
    Routes[N][K & keyof Routes[N]]
  >;
};

/** What the hub receives once a request has been parsed (schema outputs). */
export type RouteBody<N extends RouteName> = Routes[N] extends { body: infer B } ? Out<B> : never;
export type RouteParams<N extends RouteName> = Routes[N] extends { params: infer P }
  ? Out<P>
  : never;
export type RouteQuery<N extends RouteName> = Routes[N] extends { query: infer Q } ? Out<Q> : never;

/** An area of the table, as the OpenAPI tag its routes carry. */
export type RouteTag = Routes[RouteName]['tag'];
/** The names of one area's routes: what the hub's handler file for that area implements. */
export type TaggedRouteName<T extends RouteTag> = {
  [N in RouteName]: Routes[N]['tag'] extends T ? N : never;
}[RouteName];
