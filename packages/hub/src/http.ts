import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { AuthError, NotFoundError, ValidationError } from '@coffer/errors';
import {
  buildOpenApi,
  type RouteName,
  type RouteSpec,
  routes,
  schemas,
  toErrorBody,
} from '@coffer/protocol';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { Caller, Hub } from './context.ts';
import { errorResponse, type HttpLogs } from './http-errors.ts';
import { httpMetrics, type RouteVars } from './http-metrics.ts';
import { bearer, clientAddress, jsonBody } from './http-request.ts';
import { hubMetrics } from './metrics.ts';
import { handlers } from './routes/index.ts';
import { HUB_VERSION } from './routes/meta.ts';
import * as accounts from './services/accounts.ts';
import { confine, isAppToken, refuseClosedRoute } from './services/app-scope.ts';
import { appCaller } from './services/apps.ts';
import { hashText } from './services/ids.ts';
import { refusePendingSession } from './services/second-factor.ts';

const MAX_BODY = 16 * 1024 * 1024;

// Until the web app lands, / says what this server is and how to use it. No script at all.
const homePage = (origin: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Coffer hub</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
code,pre{background:#f3f3f3;border-radius:4px;padding:.1rem .3rem}pre{padding:.8rem;overflow:auto}
@media (prefers-color-scheme:dark){body{background:#161616;color:#ddd}code,pre{background:#262626}}</style>
</head><body><h1>Coffer hub</h1>
<p>This is a Coffer hub: it coordinates accounts, the encrypted file tree and the storage hosts.
It never sees your files, their names or your keys. The browser app is not served yet; use the
<code>coffer</code> command line:</p>
<pre>export COFFER_HUB=${origin.replace(/[<>&"']/g, '')}
npx coffer signup you@example.com
npx coffer put ./some-file
npx coffer ls</pre>
<p>Developers: <a href="/api/docs">API documentation</a> · <a href="/api/openapi.json">OpenAPI document</a></p>
</body></html>`;

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Coffer hub API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;
const docsInit = `SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui' });`;

/**
 * The web app's Content-Security-Policy: only this hub's own files run (no inline script),
 * OPAQUE's WebAssembly may compile, and the page may talk to the hub and to the hosts it
 * knows, and to nothing else.
 */
async function webCsp(hub: Hub): Promise<string> {
  const hosts = await hub.db.selectFrom('hosts').select('url').execute();
  const origins = [...new Set(hosts.map((h) => new URL(h.url).origin))].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    `connect-src 'self' ${origins}`.trim(),
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
};

/** The web app's files served at the top level under their own names. */
const APP_FILES = new Set([
  'manifest.webmanifest',
  'icon.svg',
  'icon-192.png',
  'icon-512.png',
  'icon-maskable-512.png',
]);

function serveWebApp(app: Hono<RouteVars>, hub: Hub, dir: string) {
  const send = async (c: Context, file: string, immutable: boolean) => {
    const path = join(dir, file);
    // Only files inside dir: asset names are [A-Za-z0-9_.-] and never contain "..".
    const named =
      /^(index\.html|sw\.js|assets\/[A-Za-z0-9_.-]+)$/.test(file) || APP_FILES.has(file);
    if (!named || file.includes('..')) {
      throw new NotFoundError(`no file ${file}`);
    }
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      throw new NotFoundError(`no file ${file}`);
    }
    return c.body(new Uint8Array(body), 200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': await webCsp(hub),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  };
  app.get('/', (c) => send(c, 'index.html', false));
  // A public link's page: the same app, which reads the link from the URL (its secret is in
  // the fragment, which browsers never send).
  app.get('/l/:id{[0-9a-f]{32}}', (c) => send(c, 'index.html', false));
  // A file request's page, likewise (the request's public key is in the fragment).
  app.get('/r/:id{[0-9a-f]{32}}', (c) => send(c, 'index.html', false));
  // The service worker that streams decrypted files (packages/web/src/sw.ts); its scope is /.
  app.get('/sw.js', (c) => send(c, 'sw.js', false));
  app.get('/assets/:file', (c) => send(c, `assets/${c.req.param('file')}`, true));
  // What installs the app to a home screen (packages/web/public/).
  for (const file of APP_FILES) app.get(`/${file}`, (c) => send(c, file, false));
}

export function createApp(
  hub: Hub,
  logs: HttpLogs,
  networkBytes?: () => { received: number; sent: number },
): Hono<RouteVars> {
  const app = new Hono<RouteVars>();
  const metrics = hubMetrics(hub, networkBytes);
  const counts = httpMetrics(metrics);
  app.use('*', counts.count);
  app.use('/api/*', cors({ origin: '*', allowHeaders: ['authorization', 'content-type'] }));
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY,
      onError: (c) =>
        c.json(toErrorBody(new ValidationError('body', `larger than ${MAX_BODY} bytes`)), 413),
    }),
  );
  app.onError((e, c) => errorResponse(c, e, logs));

  const openapi = buildOpenApi(routes, { version: HUB_VERSION });
  app.get('/api/openapi.json', (c) => c.json(openapi));
  if (hub.config.webDir) serveWebApp(app, hub, hub.config.webDir);
  else {
    app.get('/', (c) => {
      c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      return c.html(homePage(new URL(c.req.url).origin));
    });
  }
  app.get('/api/docs', (c) => c.html(docsPage));
  app.get('/api/docs/init.js', (c) => c.body(docsInit, 200, { 'content-type': 'text/javascript' }));
  const swaggerDir = dirname(
    createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
  );
  for (const [file, type] of [
    ['swagger-ui.css', 'text/css'],
    ['swagger-ui-bundle.js', 'text/javascript'],
  ] as const) {
    app.get(`/api/docs/${file}`, async (c) =>
      c.body(await readFile(join(swaggerDir, file)), 200, {
        'content-type': type,
        'cache-control': 'public, max-age=86400',
      }),
    );
  }

  app.get('/metrics', async (c) => {
    if ((await hashText(bearer(c))) !== hub.operatorTokenHash) {
      throw new AuthError('authorization: /metrics needs the operator token');
    }
    return c.body(await metrics.metrics(), 200, { 'content-type': metrics.contentType });
  });

  for (const [name, spec] of Object.entries(routes) as [RouteName, RouteSpec][]) {
    const path = spec.path.replace(/\{(\w+)\}/g, ':$1');
    // The one place routes are dispatched generically; each handler in routes/ is fully typed.
    const handler = handlers[name] as (hub: Hub, input: unknown) => Promise<unknown>;
    app.on(
      spec.method.toUpperCase(),
      path,
      counts.named(name, spec.otherStatus?.status),
      async (c) => {
        const call = {} as Record<string, unknown>;
        call.address = clientAddress(hub, c);
        call.signal = c.req.raw.signal;
        if (spec.auth === 'session') {
          const token = bearer(c);
          call.caller = isAppToken(token)
            ? await appCaller(hub, token)
            : await accounts.authenticate(hub, token);
        }
        // The one place app tokens are confined ([Note: App scope]): the route first, before
        // any input is read, then the nodes it names once parsed.
        const app = (call.caller as Caller | undefined)?.app;
        if (app) refuseClosedRoute(name, spec, app);
        // A session still owing its second factor can only send it ([Note: Second factor on
        // the hub]), before any input is read.
        refusePendingSession(name, call.caller as Caller | undefined);
        if (spec.auth === 'operator') {
          if ((await hashText(bearer(c))) !== hub.operatorTokenHash) {
            throw new AuthError('authorization: not the operator token');
          }
        }
        if (spec.params) call.params = schemas.parseOrThrow(spec.params, c.req.param(), 'params');
        if (spec.query) call.query = schemas.parseOrThrow(spec.query, c.req.query(), 'query');
        if (spec.body) call.body = schemas.parseOrThrow(spec.body, await jsonBody(c), 'body');
        if (app) await confine(hub.db, name, spec, app, call);
        const result = await handler(hub, call);
        if (!spec.response) return c.body(null, 204);
        return c.json(
          result as object,
          (spec.otherStatus?.when(result) ? spec.otherStatus.status : 200) as 200,
        );
      },
    );
  }
  app.notFound((c) =>
    c.json(toErrorBody(new NotFoundError(`no route ${c.req.method} ${c.req.path}`)), 404),
  );
  return app;
}
