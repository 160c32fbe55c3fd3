import type { MiddlewareHandler } from 'hono';
import { Counter, type Registry } from 'prom-client';

/** The route a request matched, by its protocol name; set by the route's own middleware. */
export type RouteVars = { Variables: { route?: string; expectedStatus?: number } };

/**
 * Counts every answer by route and status class, and every 5xx by route and status, so a
 * server bug shows in /metrics even when clients retry it away. Routes are the protocol's
 * names (`addReceipts`), never raw paths, so ids do not blow up the label set; what matched
 * no API route counts as `other`. A status a route answers on purpose (the 503 of /api/ready
 * before hosts register) is no error.
 */
export function httpMetrics(registry: Registry) {
  const responses = new Counter({
    name: 'coffer_hub_http_responses_total',
    help: 'HTTP answers by route and status class.',
    labelNames: ['route', 'class'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'coffer_hub_http_errors_total',
    help: 'HTTP 5xx answers by route and status: each one is a server bug or a failing dependency.',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const count: MiddlewareHandler<RouteVars> = async (c, next) => {
    await next();
    const route = c.get('route') ?? 'other';
    const status = c.res.status;
    responses.inc({ route, class: `${Math.floor(status / 100)}xx` });
    if (status >= 500 && status !== c.get('expectedStatus')) {
      errors.inc({ route, status: String(status) });
    }
  };
  /** Names the route; `expectedStatus` is one it answers on purpose (/api/ready's 503). */
  const named =
    (route: string, expectedStatus?: number): MiddlewareHandler<RouteVars> =>
    async (c, next) => {
      c.set('route', route);
      if (expectedStatus !== undefined) c.set('expectedStatus', expectedStatus);
      await next();
    };
  return { count, named };
}
