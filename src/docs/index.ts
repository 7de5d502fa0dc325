// API reference pages (/docs, rendered by Swagger UI from each spec) and the specs themselves
// (/specs/<slug>.yaml|json), with `servers` pointing at this sandbox so "Try it out" and
// generated SDKs talk to it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Request, type Router } from 'express';
import type { LoadedApi } from '../core/pipeline.js';

const require = createRequire(import.meta.url);
// The YAML library is loaded when a spec is first served, not at start-up.
const yaml = () => require('yaml') as typeof import('yaml');
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
      spec = yaml().parse(readFileSync(api.specFile, 'utf8')) as Record<string, unknown>;
      specs.set(api.slug, spec);
    }
    return { ...spec, servers: [{ url: `${origin(req)}${api.prefix}`, description: 'This sandbox' }] };
  };

  router.get('/specs/:file', (req, res, next) => {
    const match = /^(.+)\.(yaml|json)$/.exec(String(req.params.file));
    const api = match && apis.find(a => a.slug === match[1]);
    if (!match || !api) return next();
    if (match[2] === 'json') res.json(specFor(req, api));
    else res.type('application/yaml').send(yaml().stringify(specFor(req, api)));
  });

  for (const asset of ASSETS) {
    router.get(`/docs/assets/${asset}`, (_req, res) => {
      res.set('cache-control', 'public, max-age=86400').sendFile(join(swaggerUiDir, asset));
    });
  }

  router.get('/docs', (_req, res) => {
    const rows = apis
      .map(
        api => `<tr><td><a href="/docs/${api.slug}">${escapeHtml(api.title)}</a></td><td><code>${escapeHtml(api.prefix)}</code></td>
        <td><a href="/specs/${api.slug}.yaml">YAML</a> · <a href="/specs/${api.slug}.json">JSON</a></td></tr>`,
      )
      .join('\n');
    res.type('html').send(page('API reference — banking-api-sandbox', 'API reference', `
      <main class="narrow">
        <section class="card">
          <h1>API reference</h1>
          <p>Interactive references for the APIs this sandbox serves. "Try it out" sends requests to this
          sandbox, in the sandbox you pick at the top of each page, and they show up on the
          <a href="/__sandbox/ui">dashboard</a>. <code>Authorization: Bearer test</code> works for every API and is filled in.</p>
          <table><thead><tr><th>API</th><th>Prefix</th><th>Spec</th></tr></thead><tbody>${rows}</tbody></table>
        </section>
      </main>`));
  });

  router.get('/docs/:slug', (req, res, next) => {
    const api = apis.find(a => a.slug === req.params.slug);
    if (!api) return next();
    const spec = specFor(req, api);
    const provider = api.slug !== 'admin';
    const settings = {
      spec: `/specs/${api.slug}.json`,
      sandboxKey: SANDBOX_STORAGE_KEY,
      // Header parameters named like an idempotency key, with the example Swagger UI fills in:
      // a request still carrying the example gets a fresh key, one the user typed is kept.
      idempotency: idempotencyExamples(spec),
      bearerSchemes: bearerSchemes(spec),
      provider,
    };
    const toolbar = provider
      ? `<div class="toolbar">
          <label>Sandbox <input id="sandbox" list="sandboxes" spellcheck="false" autocomplete="off" placeholder="default" pattern="[A-Za-z0-9_.\\-]{1,64}" title="Sent as X-Sandbox-Id; the dashboard shows the same sandbox"></label>
          <datalist id="sandboxes"></datalist>
          <label>Prefer <input id="prefer" list="prefers" spellcheck="false" autocomplete="off" placeholder="(none)" title="Sent as Prefer: force a documented status or add a delay"></label>
          <datalist id="prefers"><option value="code=400"><option value="code=401"><option value="code=404"><option value="code=409"><option value="code=429"><option value="code=500"><option value="code=503"><option value="delay=1000"><option value="code=503, delay=500"></datalist>
          <span class="hint"><b>Authorization: Bearer test</b> works and is filled in (any token does; <em>Authorize</em> changes it).
          Each create gets a fresh <code>idempotency-key</code> unless you type one.</span>
        </div>`
      : '';
    res.type('html').send(page(`${api.title} — banking-api-sandbox`, api.title, `
      ${toolbar}
      <div id="swagger-ui"></div>
      <script src="/docs/assets/swagger-ui-bundle.js"></script>
      <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
      <script>${tryItScript(settings)}</script>`));
  });

  return router;
}

/** The key under which the API reference pages and the dashboard keep the selected sandbox. */
export const SANDBOX_STORAGE_KEY = 'banking-api-sandbox.sandbox';

interface TryItSettings {
  spec: string;
  sandboxKey: string;
  idempotency: Record<string, string[]>;
  bearerSchemes: string[];
  provider: boolean;
}

/** The example values of idempotency-key header parameters, by lower-case header name. */
function idempotencyExamples(spec: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const componentParams = ((spec.components as Record<string, unknown> | undefined)?.parameters ?? {}) as Record<string, Record<string, unknown>>;
  const resolve = (p: Record<string, unknown>) =>
    typeof p.$ref === 'string' ? componentParams[p.$ref.replace('#/components/parameters/', '')] ?? {} : p;
  const visit = (params: unknown) => {
    if (!Array.isArray(params)) return;
    for (const raw of params as Array<Record<string, unknown>>) {
      const p = resolve(raw);
      if (p.in !== 'header' || typeof p.name !== 'string' || !/idempotency/i.test(p.name)) continue;
      const schema = (p.schema ?? {}) as Record<string, unknown>;
      const examples = [p.example, schema.example, schema.default, ...Object.values((p.examples ?? {}) as Record<string, { value?: unknown }>).map(e => e?.value)];
      const name = p.name.toLowerCase();
      out[name] = [...new Set([...(out[name] ?? []), ...examples.filter((e): e is string => typeof e === 'string')])];
    }
  };
  for (const item of Object.values((spec.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    visit(item.parameters);
    for (const op of Object.values(item)) if (op && typeof op === 'object' && !Array.isArray(op)) visit((op as Record<string, unknown>).parameters);
  }
  return out;
}

/** The spec's `http` bearer security schemes, which the page authorizes with `test`. */
function bearerSchemes(spec: Record<string, unknown>): string[] {
  const schemes = ((spec.components as Record<string, unknown> | undefined)?.securitySchemes ?? {}) as Record<string, { type?: string; scheme?: string }>;
  return Object.entries(schemes)
    .filter(([, s]) => s.type === 'http' && s.scheme?.toLowerCase() === 'bearer')
    .map(([name]) => name);
}

/** Swagger UI with the sandbox's additions: the picked sandbox and Prefer, fresh idempotency keys, `Bearer test`. */
function tryItScript(settings: TryItSettings): string {
  // JSON in a script: `<` escaped so no string can close the element.
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return `
const settings = ${json};
const sandboxInput = document.getElementById('sandbox');
const preferInput = document.getElementById('prefer');
const validName = name => /^[A-Za-z0-9_.-]{1,64}$/.test(name);
if (sandboxInput) {
  const params = new URLSearchParams(location.search);
  sandboxInput.value = params.get('sandbox') || localStorage.getItem(settings.sandboxKey) || 'default';
  sandboxInput.addEventListener('change', () => {
    const name = sandboxInput.value.trim() || 'default';
    if (validName(name)) localStorage.setItem(settings.sandboxKey, name);
  });
  // Other tabs (the dashboard) pick a sandbox: follow it.
  window.addEventListener('storage', event => { if (event.key === settings.sandboxKey && event.newValue) sandboxInput.value = event.newValue; });
  fetch('/__sandbox/sandboxes').then(r => (r.ok ? r.json() : { data: [] })).then(({ data }) => {
    const list = document.getElementById('sandboxes');
    for (const { name } of data) list.append(new Option(name, name));
  }, () => {});
}
const freshKey = () => (crypto.randomUUID ? crypto.randomUUID() : 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => ((Math.random() * 16) | 0).toString(16)));
window.ui = SwaggerUIBundle({
  url: settings.spec,
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: true,
  persistAuthorization: true,
  displayRequestDuration: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'BaseLayout',
  requestInterceptor: request => {
    if (!settings.provider) return request;
    const headers = request.headers;
    const find = name => Object.keys(headers).find(h => h.toLowerCase() === name);
    for (const [name, examples] of Object.entries(settings.idempotency)) {
      const key = find(name);
      if (key === undefined) continue;
      const value = String(headers[key] ?? '').trim();
      if (!value || examples.includes(value)) headers[key] = freshKey();
    }
    const sandbox = sandboxInput && sandboxInput.value.trim();
    if (sandbox && sandbox !== 'default' && !find('x-sandbox-id')) headers['X-Sandbox-Id'] = sandbox;
    const prefer = preferInput && preferInput.value.trim();
    if (prefer && !find('prefer')) headers['Prefer'] = prefer;
    return request;
  },
  onComplete: () => {
    // Authorize with Bearer test unless the user already authorized (persistAuthorization keeps theirs).
    const authorized = window.ui.authSelectors.authorized().toJS();
    const schemes = window.ui.specSelectors.securityDefinitions();
    const auth = {};
    for (const name of settings.bearerSchemes) {
      if (authorized[name] || !schemes || !schemes.get(name)) continue;
      auth[name] = { name, schema: schemes.get(name), value: 'test' };
    }
    if (settings.provider && Object.keys(auth).length) window.ui.authActions.authorize(auth);
  }
});`;
}

/** The pages' shared look: the dashboard's colours and top bar. */
export const PAGE_CSS = `
:root { --bg: #f1f5f9; --card: #fff; --line: #e2e8f0; --text: #0f172a; --muted: #64748b; --accent: #4f46e5; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", sans-serif; }
a { color: var(--accent); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
code { background: #eef2ff; padding: 1px 5px; border-radius: 4px; }
.topbar { display: flex; align-items: center; gap: 24px; padding: 12px 24px; background: #0f172a; color: #e2e8f0; }
.brand { display: flex; align-items: center; gap: 10px; font-weight: 600; font-size: 15px; white-space: nowrap; color: #e2e8f0; text-decoration: none; }
.brand .mark { width: 22px; height: 22px; border-radius: 6px; background: linear-gradient(135deg, #818cf8, #22d3ee); }
.brand .divider { width: 1px; height: 18px; background: #334155; }
.brand .page { color: #94a3b8; font-weight: 500; }
.topbar nav { margin-left: auto; display: flex; gap: 18px; font-size: 13px; }
.topbar nav a { color: #c7d2fe; text-decoration: none; }
.topbar nav a:hover { text-decoration: underline; }
.narrow { max-width: 980px; margin: 28px auto; padding: 0 20px; display: grid; gap: 18px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 20px 24px; box-shadow: 0 1px 2px rgba(15, 23, 42, .04); }
.card h1 { font-size: 20px; margin: 0 0 8px; }
.card h2 { font-size: 15px; margin: 0 0 10px; }
.card p { margin: 6px 0 14px; color: #334155; }
table { width: 100%; border-collapse: collapse; }
th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
th, td { padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
tr:last-child td { border-bottom: 0; }
pre { background: #0f172a; color: #e2e8f0; padding: 12px 14px; border-radius: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 18px; padding: 10px 24px; background: #fff; border-bottom: 1px solid var(--line); font-size: 13px; position: sticky; top: 0; z-index: 10; }
.toolbar label { display: flex; align-items: center; gap: 6px; font-weight: 600; color: #334155; }
.toolbar input { font: inherit; font-weight: 400; padding: 5px 8px; border: 1px solid #cbd5e1; border-radius: 8px; width: 170px; }
.toolbar .hint { color: var(--muted); flex: 1; min-width: 280px; }
.toolbar .hint b { color: #047857; }
.swagger-ui .topbar { display: none; }
.swagger-ui .info { margin: 24px 0; }
`;

/** A page in the sandbox's look: the dashboard's top bar, then `body`. */
export function page(title: string, section: string, body: string, extraHead = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='4' fill='%234f46e5'/%3E%3C/svg%3E">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <style>${PAGE_CSS}</style>${extraHead}
</head>
<body>
  <header class="topbar">
    <a class="brand" href="/"><span class="mark" aria-hidden="true"></span><span>banking-api-sandbox</span><span class="divider" aria-hidden="true"></span><span class="page">${escapeHtml(section)}</span></a>
    <nav><a href="/">Home</a><a href="/docs">API reference</a><a href="/__sandbox/ui">Dashboard</a></nav>
  </header>
${body}
</body>
</html>
`;
}

/** What the landing page shows of one API. */
export interface LandingApi {
  slug: string;
  title: string;
  baseUrl: string;
  provider: string;
  tryCurl?: string;
}

/** `/` for a browser: the APIs with their base URLs, links, and the curl to try first. */
export function landingPage(origin: string, apis: LandingApi[]): string {
  const rows = apis
    .map(
      a => `<tr><td><b>${escapeHtml(a.title)}</b><br><span style="color:#64748b">instead of <code>${escapeHtml(a.provider)}</code></span></td>
      <td><code>${escapeHtml(a.baseUrl)}</code></td>
      <td><a href="/docs/${a.slug}">reference</a> · <a href="/specs/${a.slug}.yaml">spec</a></td></tr>`,
    )
    .join('\n');
  const first = apis.find(a => a.tryCurl);
  const tries = apis.filter(a => a.tryCurl).map(a => escapeHtml(a.tryCurl!)).join('\n\n');
  return page('banking-api-sandbox', 'Home', `
  <main class="narrow">
    <section class="card">
      <h1>banking-api-sandbox is running</h1>
      <p>Stateful sandboxes of banking and payment provider APIs at <code>${escapeHtml(origin)}</code>. Point your app at an
      API's base URL instead of the provider's; every request and response is validated against the API's spec.
      Send <code>X-Sandbox-Id: &lt;name&gt;</code> to work in a sandbox of your own.</p>
      <table><thead><tr><th>API</th><th>Base URL</th><th>Docs</th></tr></thead><tbody>${rows}</tbody></table>
    </section>
    ${first ? `<section class="card"><h2>Try this first</h2><pre id="try">${tries}</pre></section>` : ''}
    <section class="card">
      <h2>More</h2>
      <p><a href="/docs">API reference</a> (try requests from the browser) · <a href="/__sandbox/ui">Dashboard</a>
      (live requests, data, faults) · <a href="/__sandbox/health">Admin API</a> (<a href="/docs/admin">reference</a>) ·
      <code>curl ${escapeHtml(origin)}/</code> answers this list as JSON.</p>
    </section>
  </main>`);
}
