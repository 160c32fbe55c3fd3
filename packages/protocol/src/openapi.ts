import { z } from 'zod';
import { errorBody } from './errors.ts';
import type { RouteSpec } from './routes/route.ts';

const AUTH_SCHEME: Record<RouteSpec['auth'], string | null> = {
  none: null,
  session: 'session',
  operator: 'operator',
};

const jsonSchema = (s: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });

/** OpenAPI 3.1 for the route table; JSON Schema 2020-12 is OpenAPI 3.1's own dialect. */
export function buildOpenApi(
  routes: Record<string, RouteSpec>,
  info: { version: string; serverUrl?: string },
) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, r] of Object.entries(routes)) {
    const parameters: unknown[] = [];
    for (const [where, obj] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!obj) continue;
      for (const [key, schema] of Object.entries(obj.shape)) {
        parameters.push({
          name: key,
          in: where,
          required: where === 'path' || !(schema as z.ZodType).safeParse(undefined).success,
          schema: jsonSchema(schema as z.ZodType, 'input'),
        });
      }
    }
    const scheme = AUTH_SCHEME[r.auth];
    const op: Record<string, unknown> = {
      operationId: name,
      summary: r.summary,
      tags: [r.tag],
      parameters,
      security: scheme ? [{ [scheme]: [] }, ...(r.app ? [{ app: [] }] : [])] : [],
      // Which app tokens may call it ([Note: App scope]): `read` any, `write` read-write ones.
      ...(r.app ? { 'x-app-token': r.app.access } : {}),
      responses: {
        [r.response ? '200' : '204']: r.response
          ? {
              description: 'OK',
              content: { 'application/json': { schema: jsonSchema(r.response, 'output') } },
            }
          : { description: 'Done' },
        ...(r.otherStatus && r.response
          ? {
              [String(r.otherStatus.status)]: {
                description: r.otherStatus.description,
                content: { 'application/json': { schema: jsonSchema(r.response, 'output') } },
              },
            }
          : {}),
        '4XX': {
          description: 'The request was refused; `error.field` names the input at fault.',
          content: { 'application/json': { schema: jsonSchema(errorBody, 'output') } },
        },
      },
    };
    if (r.body) {
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(r.body, 'input') } },
      };
    }
    paths[r.path] ??= {};
    (paths[r.path] as Record<string, unknown>)[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Coffer hub API',
      version: info.version,
      description:
        'The hub coordinates accounts, the encrypted tree, hosts and placement. It never sees a key, a name or plaintext.',
    },
    servers: info.serverUrl ? [{ url: info.serverUrl }] : [],
    components: {
      securitySchemes: {
        session: { type: 'http', scheme: 'bearer', description: 'A session token from login.' },
        operator: { type: 'http', scheme: 'bearer', description: 'The operator token.' },
        app: {
          type: 'http',
          scheme: 'bearer',
          description:
            "An app token from the device flow (appToken): only the operations marked `x-app-token`, and only inside the app's folder; a write needs a read-write token. Anything else answers 403.",
        },
      },
    },
    paths,
  };
}
