// The dashboard for demos at /__sandbox/ui: one page (dashboard/ at the package root) that is a
// plain client of the admin API, served to the admin API's own clients. A browser cannot send a
// bearer header when it opens a URL, so the page also takes the admin token once as `?token=`;
// its script keeps the token in sessionStorage, drops it from the address bar and sends it as
// `Authorization: Bearer` on every admin API call.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { escapeHtml } from '../docs/index.js';
import { dashboardDir } from '../paths.js';
import { adminRefusal, bearerToken, type AdminAccessOptions } from './access.js';

export const DASHBOARD_PATH = '/ui';

/** An HTML page whose only script and style are inline, with the CSP that allows exactly those. */
interface Page {
  html: string;
  csp: string;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Puts `css` and `js` into `html` in place of its `<!-- style -->` and `<!-- script -->` marks. */
function inline(html: string, css: string, js: string, scriptType = 'module'): Page {
  if (!html.includes('<!-- style -->') || !html.includes('<!-- script -->')) throw new Error('dashboard page lacks its style or script mark');
  return {
    // A function as replacement: `$` sequences in the code are not replacement patterns.
    html: html.replace('<!-- style -->', () => `<style>${css}</style>`).replace('<!-- script -->', () => `<script type="${scriptType}">${js}</script>`),
    // Data from the journal (paths, bodies) is attacker-controlled text: no other script may run.
    csp: [
      "default-src 'none'",
      `script-src ${sha256(js)}`,
      `style-src ${sha256(css)}`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  };
}

function dashboardPage(): Page {
  const read = (name: string) => readFileSync(join(dashboardDir, name), 'utf8');
  return inline(read('index.html'), read('dashboard.css'), read('dashboard.js'));
}

/**
 * The page for a refused browser: why, and (when the server has an admin token) a form to give it.
 * Its script retries once with a token the tab already holds, so reloading the dashboard (whose
 * address no longer carries the token) just works.
 */
function refusalPage(reason: string, tokenRequired: boolean, action: string): Page {
  const form = tokenRequired
    ? `<form method="get" action="${escapeHtml(action)}"><label>Admin token <input type="password" name="token" autocomplete="current-password" autofocus required></label><button>Open the dashboard</button></form>`
    : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dashboard — banking-api-sandbox</title><!-- style --><!-- script --></head>
<body><main><h1>banking-api-sandbox dashboard</h1><p>${escapeHtml(reason[0].toUpperCase() + reason.slice(1))}.</p>${form}<p><a href="/docs">API reference</a></p></main></body></html>`;
  const css = `body{font:15px/1.5 system-ui,sans-serif;background:#f1f5f9;color:#0f172a;margin:0}main{max-width:520px;margin:12vh auto;background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:28px 32px}h1{font-size:20px;margin:0 0 12px}form{display:flex;gap:8px;align-items:end;flex-wrap:wrap}label{display:flex;flex-direction:column;font-size:13px;color:#475569;gap:4px;flex:1}input{font:inherit;padding:7px 10px;border:1px solid #cbd5e1;border-radius:8px}button{font:inherit;padding:8px 14px;border:0;border-radius:8px;background:#4f46e5;color:#fff;cursor:pointer}a{color:#4f46e5}`;
  const js = `const key = 'banking-api-sandbox.adminToken';
const params = new URLSearchParams(location.search);
if (params.has('token')) sessionStorage.removeItem(key);
else if (sessionStorage.getItem(key)) { params.set('token', sessionStorage.getItem(key)); location.replace('?' + params); }`;
  return inline(html, css, js, 'text/javascript');
}

/** Serves the dashboard at `/ui` below the admin API's mount point; other paths go on to the admin API. */
export function dashboard(access: AdminAccessOptions): RequestHandler {
  let page: Page | undefined; // read on first use: start-up does not pay for it
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== DASHBOARD_PATH && req.path !== `${DASHBOARD_PATH}/`) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.status(405).set('allow', 'GET, HEAD').json({ error: 'method_not_allowed', message: `${req.method} is not allowed on the dashboard; use GET` });
      return;
    }
    const queryToken = typeof req.query.token === 'string' ? req.query.token : undefined;
    const refusal = adminRefusal(req, access, bearerToken(req) ?? queryToken)?.message;
    const served = refusal ? refusalPage(refusal, access.token !== undefined, `${req.baseUrl}${DASHBOARD_PATH}`) : (page ??= dashboardPage());
    res
      .status(refusal ? 403 : 200)
      .set({
        'content-security-policy': served.csp,
        'cache-control': 'no-store',
        // The address may hold the admin token: never send it on as a Referer.
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      })
      .type('html')
      .send(served.html);
  };
}
