// API reference pages (/docs, rendered by Swagger UI from each spec) and the specs themselves
// (/specs/<slug>.yaml|json), with `servers` pointing at this sandbox so "Try it out" and
// generated SDKs talk to it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Request, type Router } from 'express';
import { stringify, parse } from 'yaml';
import type { LoadedApi } from '../core/pipeline.js';

const require = createRequire(import.meta.url);
const swaggerUiDir = dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png'];

/** Text made safe to put into HTML, attribute values included. */
export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A documented API: a provider API, or the sandbox's own admin API. */
export interface DocumentedApi {
  slug: string;
  title: string;
  specFile: string;
  /** Where its operations are mounted. */
  prefix: string;
}

export function documentedApis(apis: LoadedApi[]): DocumentedApi[] {
  return apis.map(({ module, specFile }) => ({ slug: module.slug, title: module.title, specFile, prefix: `/${module.slug}` }));
}

export function docsRouter(apis: DocumentedApi[]): Router {
  const router = express.Router();
  // Parsed on first use: start-up need not pay for every spec's YAML.
  const specs = new Map<string, Record<string, unknown>>();
  const origin = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

  /** The spec with its server pointing at this sandbox, as seen by the client. */
  const specFor = (req: Request, api: DocumentedApi) => {
    let spec = specs.get(api.slug);
    if (!spec) {
      spec = parse(readFileSync(api.specFile, 'utf8')) as Record<string, unknown>;
      specs.set(api.slug, spec);
    }
    return { ...spec, servers: [{ url: `${origin(req)}${api.prefix}`, description: 'This sandbox' }] };
  };

  router.get('/specs/:file', (req, res, next) => {
    const match = /^(.+)\.(yaml|json)$/.exec(String(req.params.file));
    const api = match && apis.find(a => a.slug === match[1]);
    if (!match || !api) return next();
    if (match[2] === 'json') res.json(specFor(req, api));
    else res.type('application/yaml').send(stringify(specFor(req, api)));
  });

  for (const asset of ASSETS) {
    router.get(`/docs/assets/${asset}`, (_req, res) => {
      res.set('cache-control', 'public, max-age=86400').sendFile(join(swaggerUiDir, asset));
    });
  }

  router.get('/docs', (_req, res) => {
    const rows = apis
      .map(
        api => `<li><a href="/docs/${api.slug}">${escapeHtml(api.title)}</a> <code>${escapeHtml(api.prefix)}</code>
        — spec <a href="/specs/${api.slug}.yaml">YAML</a> · <a href="/specs/${api.slug}.json">JSON</a></li>`,
      )
      .join('\n');
    res.type('html').send(page('banking-api-sandbox — API reference', `
      <main class="index">
        <h1>banking-api-sandbox</h1>
        <p>Interactive references for the APIs this sandbox serves. "Try it out" sends requests to this sandbox.</p>
        <ul>${rows}</ul>
      </main>`));
  });

  router.get('/docs/:slug', (req, res, next) => {
    const api = apis.find(a => a.slug === req.params.slug);
    if (!api) return next();
    res.type('html').send(page(`${api.title} — banking-api-sandbox`, `
      <nav><a href="/docs">All APIs</a> · <a href="/specs/${api.slug}.yaml">${api.slug}.yaml</a></nav>
      <div id="swagger-ui"></div>
      <script src="/docs/assets/swagger-ui-bundle.js"></script>
      <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
      <script>
        window.ui = SwaggerUIBundle({
          url: ${JSON.stringify(`/specs/${api.slug}.json`)},
          dom_id: '#swagger-ui',
          deepLinking: true,
          tryItOutEnabled: true,
          persistAuthorization: true,
          displayRequestDuration: true,
          presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
          layout: 'BaseLayout'
        });
      </script>`));
  });

  return router;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <style>
    body { margin: 0; font-family: system-ui, sans-serif; }
    nav { padding: 8px 20px; background: #1b1b1b; font-size: 14px; }
    nav a { color: #fff; }
    .index { max-width: 860px; margin: 40px auto; line-height: 1.8; padding: 0 20px; }
    code { background: #f0f0f0; padding: 1px 4px; border-radius: 3px; }
  </style>
</head>
<body>
${body}
</body>
</html>
`;
}
