import type {
  RouteBody,
  RouteName,
  RouteParams,
  RouteQuery,
  RouteResponse,
  RouteTag,
  TaggedRouteName,
} from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';

/** The parsed, typed input of route N. */
export interface Input<N extends RouteName> {
  params: RouteParams<N>;
  query: RouteQuery<N>;
  body: RouteBody<N>;
  caller: Caller;
  address: string;
  /** Aborted when the client goes away (a long poll stops waiting). */
  signal?: AbortSignal | undefined;
}

/** The implementation of each route named in N. */
export type Handlers<N extends RouteName = RouteName> = {
  // biome-ignore lint/suspicious/noConfusingVoidType: routes without a response body return nothing
  [K in N]: (hub: Hub, input: Input<K>) => Promise<RouteResponse<K> | undefined | void>;
};

/** The implementation of every route of one area (the routes with that tag). */
export type AreaHandlers<T extends RouteTag> = Handlers<TaggedRouteName<T>>;
